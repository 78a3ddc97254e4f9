/* The fast way through shell_parse for the commonest lines: plain words
 * separated by blanks, alone, in a pipeline or a list ("ls -la /var/log",
 * "ps aux | grep nginx", "free && df -h"). Each stage is one simple command
 * whatever the shell;
 * anything else (quotes,
 * expansions, operators, assignments, globs, comments, keywords) goes to
 * tree-sitter. tests/unit/test-shellparse.c checks both ways agree. */
#include "shellparse.h"

#include "util/grow.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* Bytes that mean nothing to the shell inside a word. */
static int plain_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("./_:,@%+-=", c) != NULL);
}

/* Words the shell reads as part of its grammar when they come first. */
static int keyword(const char *w, size_t n)
{
	static const char *const words[] = {
	    "if",     "then",	"else",	   "elif",  "fi",	"case",	    "esac",  "for",
	    "select", "while",	"until",   "do",    "done",	"function", "time",  "coproc",
	    "in",     "export", "declare", "local", "readonly", "typeset",  "unset", NULL};

	for (size_t i = 0; words[i]; i++)
		if (strlen(words[i]) == n && memcmp(words[i], w, n) == 0)
			return 1;
	return 0;
}

/* A command name tree-sitter takes as one plain word: no keyword, no leading
 * dash, and none of % @ + : , = (which its grammar reads otherwise at the
 * start of a command; NAME=value is an assignment). */
static int plain_name(const char *w, size_t n)
{
	if (w[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strchr("%@+:,=", w[i]) != NULL)
			return 0;
	return !keyword(w, n);
}

static void free_command(struct shell_command *c)
{
	for (size_t k = 0; k < c->argc; k++)
		free(c->argv[k].text);
	free(c->argv);
}

/* The words of one pipeline stage, s[0..n); returns 0 when it is not one
 * plain command. */
static int plain_command(const char *s, size_t n, struct shell_command *c)
{
	size_t i = 0;

	while (i < n) {
		size_t start;
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		start = i;
		while (i < n && s[i] != ' ' && s[i] != '\t')
			i++;
		if (c->argc == 0 && !plain_name(s + start, i - start))
			return 0;
		c->argv = grow_array(c->argv, c->argc, sizeof(*c->argv));
		c->argv[c->argc].text = xstrndup(s + start, i - start);
		c->argv[c->argc].dynamic = c->argv[c->argc].disguised = 0;
		c->argc++;
	}
	return c->argc > 0;
}

/* Where the stage starting at from ends: the next | ; & && or || (or the end);
 * *op is that operator's length, and *pipe whether it is a single |. */
static size_t stage_end(const char *line, size_t len, size_t from, size_t *op, int *pipe)
{
	for (size_t k = from; k < len; k++) {
		int two = k + 1 < len && line[k + 1] == line[k];
		if (line[k] == ';' || line[k] == '|' || line[k] == '&') {
			*op = line[k] == ';' ? 1 : two ? 2 : 1;
			*pipe = line[k] == '|' && !two;
			return k;
		}
	}
	*op = 0;
	*pipe = 0;
	return len;
}

int shell_parse_plain(const char *line, size_t len, struct shell_parse *out)
{
	size_t from = 0, op;
	int pipe, piped = 0;

	for (size_t k = 0; k < len; k++)
		if (!plain_byte((unsigned char)line[k]) &&
		    (line[k] == '\0' || !strchr(" \t|;&", line[k])))
			return 0;
	memset(out, 0, sizeof(*out));
	for (;;) {
		size_t to = stage_end(line, len, from, &op, &pipe);
		struct shell_command c = {.piped_to = -1};
		/* & alone, an empty stage, or not a plain name: the grammar decides */
		if ((line[to] == '&' && op != 2) || !plain_command(line + from, to - from, &c)) {
			free_command(&c);
			shell_parse_free(out);
			return 0;
		}
		out->cmds = grow_array(out->cmds, out->ncmds, sizeof(*out->cmds));
		if (piped)
			out->cmds[out->ncmds - 1].piped_to = (int)out->ncmds;
		out->cmds[out->ncmds++] = c;
		if (op == 0)
			return 1;
		piped = pipe;
		from = to + op;
	}
}
