#include "shellparse.h"

#include "util/buf.h"
#include "util/grow.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

#define PARSE_TIMEOUT_US 200000
#define MAX_DEPTH 200 /* nesting deeper than this is not walked: rated as an error */

const TSLanguage *tree_sitter_bash(void);

/* libtree-sitter 0.20.7 corrupts its heap freeing the tree of a text of 65,534
 * bytes or more made of one repeated bracket or backtick: longer texts are not
 * parsed (a session host and escortd would crash on them). */
#define SHELL_PARSE_MAX 60000

struct walk {
	const char *src;
	struct shell_parse *out;
	int too_deep;
	int in_command; /* the node walked is a child of a command or a declaration */
};

/* Node types are compared as grammar symbols, looked up once: comparing their
 * names was a tenth of the engine's time. */
enum node_kind {
	K_COMMAND,
	K_PIPELINE,
	K_REDIRECTED_STATEMENT,
	K_COMMAND_SUBSTITUTION,
	K_PROCESS_SUBSTITUTION,
	K_DECLARATION_COMMAND,
	K_UNSET_COMMAND,
	K_VARIABLE_ASSIGNMENT,
	K_COMMAND_NAME,
	K_WORD,
	K_NUMBER,
	K_RAW_STRING,
	K_ANSI_C_STRING,
	K_STRING,
	K_STRING_CONTENT,
	K_CONCATENATION,
	K_FILE_DESCRIPTOR,
	K_FILE_REDIRECT,
	K_HEREDOC_REDIRECT,
	K_HERESTRING_REDIRECT,
	K_COUNT
};

static const char *const kind_names[K_COUNT] = {
    "command",
    "pipeline",
    "redirected_statement",
    "command_substitution",
    "process_substitution",
    "declaration_command",
    "unset_command",
    "variable_assignment",
    "command_name",
    "word",
    "number",
    "raw_string",
    "ansi_c_string",
    "string",
    "string_content",
    "concatenation",
    "file_descriptor",
    "file_redirect",
    "heredoc_redirect",
    "herestring_redirect",
};

static TSSymbol kind_symbol[K_COUNT];

static void load_symbols(const TSLanguage *lang)
{
	for (int k = 0; k < K_COUNT; k++)
		kind_symbol[k] = ts_language_symbol_for_name(lang, kind_names[k],
							     (uint32_t)strlen(kind_names[k]), true);
}

static int is(TSNode n, enum node_kind k)
{
	return ts_node_symbol(n) == kind_symbol[k];
}

static int is_redirect(TSNode n)
{
	return is(n, K_FILE_REDIRECT) || is(n, K_HEREDOC_REDIRECT) || is(n, K_HERESTRING_REDIRECT);
}

static char *source(const struct walk *w, TSNode n)
{
	uint32_t a = ts_node_start_byte(n), b = ts_node_end_byte(n);
	char *s = xmalloc((size_t)(b - a) + 1);

	memcpy(s, w->src + a, b - a);
	s[b - a] = '\0';
	return s;
}

/* A backslash keeps the next character as it is. */
static void append_unescaped(struct buf *b, const char *s, int *escaped)
{
	for (; *s; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			*escaped = 1;
		}
		buf_putc(b, (uint8_t)*s);
	}
}

/* Inside "...", a backslash escapes only $ ` " \ and a newline; elsewhere it
 * stays ("\l" is two characters, as psql -c "\l" receives them). */
static void append_unescaped_quoted(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' && s[1] != '\0' && strchr("$`\"\\\n", s[1]) != NULL)
			s++;
		buf_putc(b, (uint8_t)*s);
	}
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* $'...' with the escapes bash decodes most often. */
static void append_ansi_c(struct buf *b, const char *s, size_t len)
{
	static const char from[] = "abefnrtv\\'\"?", to[] = "\a\b\x1b\f\n\r\t\v\\'\"?";

	for (size_t i = 0; i < len; i++) {
		const char *hit;
		if (s[i] != '\\' || i + 1 >= len) {
			buf_putc(b, (uint8_t)s[i]);
			continue;
		}
		i++;
		if (s[i] == 'x' && i + 1 < len && hex_value(s[i + 1]) >= 0) {
			int v = hex_value(s[++i]);
			if (i + 1 < len && hex_value(s[i + 1]) >= 0)
				v = v * 16 + hex_value(s[++i]);
			buf_putc(b, (uint8_t)v);
		} else if (s[i] >= '0' && s[i] <= '7') {
			int v = 0;
			for (int k = 0; k < 3 && i < len && s[i] >= '0' && s[i] <= '7'; k++, i++)
				v = v * 8 + (s[i] - '0');
			i--;
			buf_putc(b, (uint8_t)v);
		} else if ((hit = strchr(from, s[i])) != NULL && s[i] != '\0') {
			buf_putc(b, (uint8_t)to[hit - from]);
		} else {
			buf_putc(b, '\\');
			buf_putc(b, (uint8_t)s[i]);
		}
	}
}

/* The named children of n, in order, in time proportional to their number
 * (ts_node_named_child(n, i) starts from the first child each time, which is
 * quadratic on a word of thousands of pieces). Free the array. */
static TSNode *named_children(TSNode n, uint32_t *count)
{
	TSTreeCursor c = ts_tree_cursor_new(n);
	TSNode *out = xcalloc((size_t)ts_node_child_count(n) + 1, sizeof(TSNode));
	uint32_t k = 0;

	for (int more = ts_tree_cursor_goto_first_child(&c); more;
	     more = ts_tree_cursor_goto_next_sibling(&c)) {
		TSNode child = ts_tree_cursor_current_node(&c);
		if (ts_node_is_named(child) && k < ts_node_child_count(n))
			out[k++] = child;
	}
	ts_tree_cursor_delete(&c);
	*count = k;
	return out;
}

static void word_value(struct walk *w, TSNode n, struct buf *b, struct shell_word *out);

/* "..." is static only when it holds nothing but text. */
static void string_value(struct walk *w, TSNode n, struct buf *b, struct shell_word *out)
{
	uint32_t count;
	TSNode *parts = named_children(n, &count);

	out->disguised = 1;
	for (uint32_t i = 0; i < count; i++) {
		if (is(parts[i], K_STRING_CONTENT)) {
			char *text = source(w, parts[i]);
			append_unescaped_quoted(b, text);
			free(text);
		} else {
			out->dynamic = 1;
		}
	}
	free(parts);
}

static void word_value(struct walk *w, TSNode n, struct buf *b, struct shell_word *out)
{
	char *text;

	if (is(n, K_WORD) || is(n, K_NUMBER)) {
		text = source(w, n);
		append_unescaped(b, text, &out->disguised);
		free(text);
	} else if (is(n, K_RAW_STRING)) {
		text = source(w, n);
		buf_append(b, text + 1, strlen(text) >= 2 ? strlen(text) - 2 : 0);
		out->disguised = 1;
		free(text);
	} else if (is(n, K_ANSI_C_STRING)) {
		text = source(w, n);
		if (strlen(text) >= 3)
			append_ansi_c(b, text + 2, strlen(text) - 3);
		out->disguised = 1;
		free(text);
	} else if (is(n, K_STRING)) {
		string_value(w, n, b, out);
	} else if (is(n, K_CONCATENATION)) {
		uint32_t count;
		TSNode *parts = named_children(n, &count);
		for (uint32_t i = 0; i < count; i++)
			word_value(w, parts[i], b, out);
		if (count != ts_node_child_count(n))
			out->dynamic = 1; /* unnamed pieces such as a bare $ */
		free(parts);
	} else {
		out->dynamic = 1; /* expansions, substitutions, arithmetic, globs we cannot see */
	}
}

static struct shell_word make_word(struct walk *w, TSNode n)
{
	struct shell_word word = {0};
	struct buf b = {0};

	word_value(w, n, &b, &word);
	if (word.dynamic) {
		word.text = source(w, n);
	} else {
		word.text = xstrdup(buf_cstr(&b));
	}
	buf_free(&b);
	return word;
}

static void add_redirect(struct walk *w, struct shell_command *c, TSNode r)
{
	struct shell_redirect red = {.fd = -1};
	uint32_t count = ts_node_child_count(r);

	for (uint32_t i = 0; i < count; i++) {
		TSNode part = ts_node_child(r, i);
		const char *field = ts_node_field_name_for_child(r, i);
		if (!ts_node_is_named(part) && strlen(ts_node_type(part)) < sizeof(red.op) &&
		    red.op[0] == '\0')
			strcpy(red.op, ts_node_type(part));
		else if (is(part, K_FILE_DESCRIPTOR)) {
			char *fd = source(w, part);
			red.fd = atoi(fd);
			free(fd);
		} else if (field != NULL && strcmp(field, "destination") == 0 &&
			   red.target.text == NULL) {
			red.target = make_word(w, part);
		} else if (strcmp(ts_node_type(part), "heredoc_body") == 0 &&
			   red.target.text == NULL) {
			/* What a here-document feeds a shell is code to rate. */
			red.target.text = source(w, part);
		} else if (is(r, K_HERESTRING_REDIRECT) && ts_node_is_named(part) &&
			   red.target.text == NULL) {
			red.target = make_word(w, part);
		}
	}
	if (is(r, K_HEREDOC_REDIRECT) && red.op[0] == '\0')
		strcpy(red.op, "<<");
	if (red.target.text == NULL)
		red.target.text = xstrdup("");
	red.writes = strchr(red.op, '>') != NULL;
	/* >&2 and 2>&1 point at descriptors, not files. */
	if (red.writes && strchr(red.op, '&') != NULL && red.target.text[0] >= '0' &&
	    red.target.text[0] <= '9')
		red.writes = 0;
	c->redirects = grow_array(c->redirects, c->nredirects, sizeof(*c->redirects));
	c->redirects[c->nredirects++] = red;
}

static int add_command(struct walk *w, TSNode n, int nesting)
{
	struct shell_parse *p = w->out;
	struct shell_command c = {.piped_to = -1, .nesting = nesting};
	uint32_t count;
	TSNode *parts = named_children(n, &count);

	for (uint32_t i = 0; i < count; i++) {
		TSNode part = parts[i];
		if (is(part, K_VARIABLE_ASSIGNMENT)) {
			c.assignments =
			    grow_array(c.assignments, c.nassignments, sizeof(*c.assignments));
			c.assignments[c.nassignments++] = make_word(w, part);
		} else if (is(part, K_COMMAND_NAME)) {
			TSNode inner = ts_node_named_child(part, 0);
			c.argv = grow_array(c.argv, c.argc, sizeof(*c.argv));
			c.argv[c.argc++] = make_word(w, ts_node_is_null(inner) ? part : inner);
		} else if (is_redirect(part)) {
			add_redirect(w, &c, part);
		} else if (c.argc > 0) {
			c.argv = grow_array(c.argv, c.argc, sizeof(*c.argv));
			c.argv[c.argc++] = make_word(w, part);
		}
	}
	free(parts);
	p->cmds = grow_array(p->cmds, p->ncmds, sizeof(*p->cmds));
	p->cmds[p->ncmds] = c;
	return (int)p->ncmds++;
}

static void walk_node(struct walk *w, TSNode n, int nesting, int depth);

/* export, declare, local, readonly, typeset and unset change the shell itself:
 * they become commands named after the keyword. A bare NAME=value is "assign". */
static void add_declaration(struct walk *w, TSNode n, int nesting)
{
	struct shell_parse *p = w->out;
	struct shell_command c = {.piped_to = -1, .nesting = nesting};
	uint32_t count = ts_node_child_count(n);
	struct shell_word keyword = {0};

	if (is(n, K_VARIABLE_ASSIGNMENT)) {
		keyword.text = xstrdup("assign");
		c.argv = grow_array(c.argv, c.argc, sizeof(*c.argv));
		c.argv[c.argc++] = keyword;
		c.argv = grow_array(c.argv, c.argc, sizeof(*c.argv));
		c.argv[c.argc++] = make_word(w, n);
	} else {
		for (uint32_t i = 0; i < count; i++) {
			TSNode part = ts_node_child(n, i);
			c.argv = grow_array(c.argv, c.argc, sizeof(*c.argv));
			c.argv[c.argc++] = ts_node_is_named(part)
					       ? make_word(w, part)
					       : (struct shell_word){.text = source(w, part)};
		}
	}
	p->cmds = grow_array(p->cmds, p->ncmds, sizeof(*p->cmds));
	p->cmds[p->ncmds++] = c;
}

/* Redirections written after a compound statement apply to everything in it. */
static void walk_redirected(struct walk *w, TSNode n, int nesting, int depth)
{
	size_t first = w->out->ncmds;
	uint32_t count;
	TSNode *parts = named_children(n, &count);

	for (uint32_t i = 0; i < count; i++)
		if (!is_redirect(parts[i]))
			walk_node(w, parts[i], nesting, depth + 1);
	if (w->out->ncmds == first) {
		/* "> file" alone still truncates the file: a no-op command carries it. */
		struct shell_command c = {.piped_to = -1, .nesting = nesting};
		c.argv = grow_array(NULL, 0, sizeof(*c.argv));
		c.argv[0] = (struct shell_word){.text = xstrdup(":")};
		c.argc = 1;
		w->out->cmds = grow_array(w->out->cmds, w->out->ncmds, sizeof(*w->out->cmds));
		w->out->cmds[w->out->ncmds++] = c;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (!is_redirect(parts[i]))
			continue;
		for (size_t k = first; k < w->out->ncmds; k++)
			if (w->out->cmds[k].nesting == nesting)
				add_redirect(w, &w->out->cmds[k], parts[i]);
		walk_node(w, parts[i], nesting, depth + 1); /* substitutions inside targets */
	}
	free(parts);
}

/* In a | b | c each stage's output goes to the next stage's first command. */
static void walk_pipeline(struct walk *w, TSNode n, int nesting, int depth)
{
	int previous = -1;
	uint32_t count;
	TSNode *parts = named_children(n, &count);

	for (uint32_t i = 0; i < count; i++) {
		size_t first = w->out->ncmds;
		walk_node(w, parts[i], nesting, depth + 1);
		if (w->out->ncmds == first)
			continue;
		if (previous >= 0)
			w->out->cmds[previous].piped_to = (int)first;
		previous = (int)first;
		for (size_t k = first; k < w->out->ncmds; k++)
			if (w->out->cmds[k].nesting == nesting)
				previous = (int)k;
	}
	free(parts);
}

static void walk_node(struct walk *w, TSNode n, int nesting, int depth)
{
	uint32_t count;

	if (depth > MAX_DEPTH) {
		w->too_deep = 1;
		return;
	}
	if (is(n, K_PIPELINE) || is(n, K_REDIRECTED_STATEMENT))
		w->in_command = 0; /* their parts are statements, not a command's words */
	if (is(n, K_COMMAND)) {
		add_command(w, n, nesting);
		/* Substitutions inside its words run too. */
	} else if (is(n, K_DECLARATION_COMMAND) || is(n, K_UNSET_COMMAND) ||
		   (is(n, K_VARIABLE_ASSIGNMENT) && !w->in_command)) {
		add_declaration(w, n, nesting);
	} else if (is(n, K_PIPELINE)) {
		walk_pipeline(w, n, nesting, depth);
		return;
	} else if (is(n, K_REDIRECTED_STATEMENT)) {
		walk_redirected(w, n, nesting, depth);
		return;
	}
	if (is(n, K_COMMAND_SUBSTITUTION) || is(n, K_PROCESS_SUBSTITUTION))
		nesting++;
	TSNode *parts = named_children(n, &count);
	int saved = w->in_command;
	w->in_command = is(n, K_COMMAND) || is(n, K_DECLARATION_COMMAND);
	for (uint32_t i = 0; i < count; i++)
		walk_node(w, parts[i], nesting, depth + 1);
	w->in_command = saved;
	free(parts);
}

/* One parser per thread, kept: making one costs more than parsing a line. */
static _Thread_local TSParser *parser;

static int ready_parser(void)
{
	if (parser != NULL) {
		ts_parser_reset(parser);
		return 0;
	}
	parser = ts_parser_new();
	if (parser == NULL || !ts_parser_set_language(parser, tree_sitter_bash())) {
		if (parser)
			ts_parser_delete(parser);
		parser = NULL;
		return -1;
	}
	ts_parser_set_timeout_micros(parser, PARSE_TIMEOUT_US);
	load_symbols(tree_sitter_bash());
	return 0;
}

void shell_parser_release(void)
{
	if (parser != NULL)
		ts_parser_delete(parser);
	parser = NULL;
}

int shell_parse(const char *line, size_t len, struct shell_parse *out)
{
	if (len <= SHELL_PARSE_MAX && shell_parse_plain(line, len, out))
		return 0;
	return shell_parse_tree(line, len, out);
}

int shell_parse_tree(const char *line, size_t len, struct shell_parse *out)
{
	struct walk w = {.src = line, .out = out};
	TSTree *tree;

	memset(out, 0, sizeof(*out));
	if (len > SHELL_PARSE_MAX) {
		out->error = 1; /* not read is not checked: rated as a parse error */
		return 0;
	}
	if (ready_parser() < 0)
		return -1;
	tree = ts_parser_parse_string(parser, NULL, line, (uint32_t)len);
	if (tree == NULL) {
		out->error = 1; /* timed out */
	} else {
		TSNode root = ts_tree_root_node(tree);
		out->error = ts_node_has_error(root);
		walk_node(&w, root, 0, 0);
		out->error |= w.too_deep;
		ts_tree_delete(tree);
	}
	return 0;
}

static void free_word(struct shell_word *wd)
{
	free(wd->text);
}

void shell_parse_free(struct shell_parse *p)
{
	for (size_t i = 0; i < p->ncmds; i++) {
		struct shell_command *c = &p->cmds[i];
		for (size_t k = 0; k < c->argc; k++)
			free_word(&c->argv[k]);
		for (size_t k = 0; k < c->nassignments; k++)
			free_word(&c->assignments[k]);
		for (size_t k = 0; k < c->nredirects; k++)
			free_word(&c->redirects[k].target);
		free(c->argv);
		free(c->assignments);
		free(c->redirects);
	}
	free(p->cmds);
	memset(p, 0, sizeof(*p));
}
