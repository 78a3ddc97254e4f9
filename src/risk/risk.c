#include "risk.h"
#include "report-tidy.h"

#include "content.h"
#include "describe.h"
#include "fill.h"
#include "util/buf.h"
#include "util/grow.h"
#include "util/visible.h"
#include "util/xmalloc.h"
#include "whatis.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ESCORT_RULESDIR
#define ESCORT_RULESDIR "/usr/local/share/escort/rules"
#endif

/* Rules by the plain program names they apply to, so that a command is only
 * checked against its own rules and the rules that apply to any program. */
struct name_entry {
	const char *name;
	size_t rule;
};

struct risk_engine {
	struct rule_set rules;
	struct name_entry *by_name; /* sorted by name, then rule */
	size_t nby_name;
	size_t *any_name; /* rules without plain command names, in order */
	size_t nany;
	size_t *fallback; /* rules tried when no other rule matched */
	size_t nfallback;
	enum rate_context context; /* of the rating under way */
	int system_program;	   /* of the rating under way: risk_input's */
	/* of the rating under way: the find whose -exec runs the command rated */
	const struct real_command *finder;
	int flags; /* enum risk_flags */
};

static int by_name_cmp(const void *a, const void *b)
{
	const struct name_entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->rule > y->rule) - (x->rule < y->rule);
}

static void build_index(struct risk_engine *e)
{
	for (size_t i = 0; i < e->rules.n; i++) {
		const struct rule *r = &e->rules.rules[i];
		if (r->fallback) {
			e->fallback = grow_array(e->fallback, e->nfallback, sizeof(size_t));
			e->fallback[e->nfallback++] = i;
			continue;
		}
		if (!rule_literal_commands(r)) {
			e->any_name = grow_array(e->any_name, e->nany, sizeof(size_t));
			e->any_name[e->nany++] = i;
			continue;
		}
		for (size_t k = 0; k < r->command.n; k++) {
			e->by_name = grow_array(e->by_name, e->nby_name, sizeof(*e->by_name));
			e->by_name[e->nby_name++] = (struct name_entry){rule_command_name(r, k), i};
		}
	}
	qsort(e->by_name, e->nby_name, sizeof(*e->by_name), by_name_cmp);
}

const char *risk_default_rules_dir(void)
{
	const char *env = getenv("ESCORT_RULES");

	return env != NULL && env[0] != '\0' ? env : risk_shipped_rules_dir();
}

const char *risk_shipped_rules_dir(void)
{
	static char beside_build[PATH_MAX];
	char exe[PATH_MAX];
	ssize_t n;

	if (access(ESCORT_RULESDIR, R_OK) == 0)
		return ESCORT_RULESDIR;
	/* An uninstalled build: BUILD/src/escort next to SOURCE/rules. */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		for (int up = 0; up < 4; up++) {
			char *slash = strrchr(exe, '/');
			if (slash == NULL)
				break;
			*slash = '\0';
			if (strlen(exe) + sizeof("/rules") > sizeof(beside_build))
				break;
			strcpy(beside_build, exe);
			strcat(beside_build, "/rules");
			if (access(beside_build, R_OK) == 0)
				return beside_build;
		}
	}
	return ESCORT_RULESDIR;
}

struct risk_engine *risk_engine_new(const char *rules_dir, int flags, struct error *err)
{
	struct risk_engine *e = xcalloc(1, sizeof(*e));

	if (rules_load(&e->rules, rules_dir, err) < 0) {
		free(e);
		return NULL;
	}
	build_index(e);
	e->flags = flags;
	return e;
}

void risk_engine_free(struct risk_engine *e)
{
	if (e == NULL)
		return;
	rules_free(&e->rules);
	shell_parser_release();
	free(e->by_name);
	free(e->any_name);
	free(e->fallback);
	free(e);
}

const struct rule_set *risk_engine_rules(const struct risk_engine *e)
{
	return &e->rules;
}

/* The engine's own findings, then those the gate and escortd add. */
static const char *const builtin_ids[] = {
    "parse-error",
    "too-deep",
    "computed-command",
    "disguised-command",
    "hidden-characters",
    "unknown-program",
    "memory-code",
    "unknown-code",
    "preload",
    "library-path",
    "shell-startup-file",
    "arguments-too-long",
    "unrated",
    "change-outside-scratch",
    "setuid-bit",
    "device-node",
    "escort-own-file",
    "escort-own-stream",
    "change-owner",
    "hard-link",
    "file-with-other-names",
    "network-destination",
    "other-terminal",
    "script-too-long",
    "script-unreadable",
};

int risk_engine_has_rule(const struct risk_engine *e, const char *id)
{
	for (size_t i = 0; i < sizeof(builtin_ids) / sizeof(builtin_ids[0]); i++)
		if (strcmp(builtin_ids[i], id) == 0)
			return 1;
	for (size_t i = 0; i < e->rules.n; i++)
		if (strcmp(e->rules.rules[i].id, id) == 0)
			return 1;
	return 0;
}

static int is_word(const char *s, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0)
			return 1;
	return 0;
}

static struct finding *add(struct risk_report *r, const char *id, int level)
{
	struct finding *f;

	r->findings = grow_array(r->findings, r->n, sizeof(*r->findings));
	f = &r->findings[r->n++];
	memset(f, 0, sizeof(*f));
	f->rule = xstrdup(id);
	f->level = level;
	if (level > r->level)
		r->level = level;
	return f;
}

static void add_builtin(struct risk_report *r, const char *id, int level, char *explain,
			const char *why, const char *ask, const char *attack)
{
	struct finding *f = add(r, id, level);

	f->explain = explain;
	f->why = xstrdup(why);
	f->ask = xstrdup(ask);
	f->undo = xstrdup("unknown");
	if (attack)
		strlist_add(&f->attack, attack);
}

static void add_rule_finding(struct risk_report *r, const struct rule *rule,
			     const struct real_command *c, const struct real_command *finder)
{
	struct finding *f = add(r, rule->id, rule->level);

	for (size_t i = 0; i < rule->attack.n; i++)
		strlist_add(&f->attack, rule->attack.items[i]);
	f->explain = risk_fill(rule->explain, c, finder);
	f->why = risk_fill(rule->why, c, finder);
	f->ask = risk_fill(rule->ask, c, finder);
	f->undo = xstrdup(rule->undo);
}

/* A change rule's finding about one path of a command. */
static void add_rule_finding_for(struct risk_report *r, const struct rule *rule,
				 const struct real_command *c, const char *path, int deletes)
{
	struct real_command one = *c;

	/* its words are the path's alone, as typed */
	one.name = (char *)(deletes ? "delete" : "write");
	memset(&one.operands, 0, sizeof(one.operands));
	memset(&one.args, 0, sizeof(one.args));
	strlist_add(&one.operands, path);
	strlist_add(&one.args, path);
	add_rule_finding(r, rule, &one, NULL);
	strlist_free(&one.operands);
	strlist_free(&one.args);
}

/* A program with rules, none of which is about what this line asks of it:
 * "escort has no rule for this part of docker", not a false "no rule". */
static void unknown_part(struct buf *b, const struct real_command *c)
{
	const char *words[3];
	size_t n = describe_subcommand(c, words, 3);

	buf_append_str(b, "Runs ");
	visible_append(b, c->name, strlen(c->name));
	for (size_t i = 0; i < n; i++) {
		buf_putc(b, ' ');
		visible_append(b, words[i], strlen(words[i]));
	}
	buf_append_str(b, ". escort has no rule for this part of ");
	visible_append(b, c->name, strlen(c->name));
	buf_append_str(b, ", so what it will change is not known.");
}

/* A program without any rule: what its manual says it is. */
static void unknown_whole(const struct risk_engine *e, struct buf *b, const struct real_command *c)
{
	char summary[300] = "";

	const char *words[4];
	size_t n = describe_subcommand(c, words, 4);

	if (!(e->flags & RISK_NO_WHATIS))
		whatis_lookup(c->name, summary, sizeof(summary));
	buf_append_str(b, "Runs ");
	visible_append(b, c->name, strlen(c->name));
	for (size_t i = 0; i < n; i++) { /* "gcloud (compute instances delete)" */
		buf_append_str(b, i ? " " : " (");
		visible_append(b, words[i], strlen(words[i]));
	}
	if (n > 0)
		buf_putc(b, ')');
	if (e->flags & RISK_NO_WHATIS) {
		buf_append_str(b, ", a program escort has no rule for.");
	} else if (summary[0]) {
		buf_append_str(
		    b, ", a program escort has no rule for. Its manual describes it as: \"");
		visible_append(b, summary, strlen(summary));
		buf_append_str(b, "\".");
	} else {
		buf_append_str(b,
			       ", a program escort has no rule for and that has no manual page.");
	}
}

static void unknown_program(const struct risk_engine *e, struct risk_report *r,
			    const struct real_command *c, int has_rules)
{
	char *explain;
	struct buf b = {0};
	int level = LEVEL_MEDIUM;

	if (has_rules)
		unknown_part(&b, c);
	else
		unknown_whole(e, &b, c);
	/* One of the system's installed programs (the gate's identity; a
	 * manual page proves nothing, anyone can write one): what it does to
	 * files, the network and other processes is held as it happens. */
	if (e->system_program) {
		level = LEVEL_LOW;
		buf_append_str(&b, " What it changes, where it connects and whom it signals is "
				   "checked as it happens.");
	}
	explain = xstrdup(buf_cstr(&b));
	buf_free(&b);
	add_builtin(r, "unknown-program", level, explain,
		    "unknown program: ask the operator what it does",
		    "What does this program do, and what will it change?", NULL);
}

/* sudo, doas, su: the reader is told who acts, unless the text says it. */
static void say_as_root(struct finding *f)
{
	struct buf b = {0};

	if (strstr(f->explain, "administrator") || strstr(f->explain, "root"))
		return;
	buf_append_str(&b, f->explain);
	buf_append_str(&b, " It runs as the administrator (root).");
	free(f->explain);
	f->explain = xstrdup(buf_cstr(&b));
	buf_free(&b);
}

static int try_rule(struct risk_engine *e, struct risk_report *r, size_t i,
		    const struct real_command *c, int name_known)
{
	if (!rule_applies_in(&e->rules.rules[i], e->context) ||
	    !rule_matches(&e->rules.rules[i], c, name_known))
		return 0;
	add_rule_finding(r, &e->rules.rules[i], c, e->finder);
	if (c->as_root)
		say_as_root(&r->findings[r->n - 1]);
	return 1;
}

/* vim -R, vi -R: the editor opens its files read-only. */
static int read_only(const struct real_command *c)
{
	for (size_t i = 0; i < c->opts.n; i++)
		if (strcmp(c->opts.items[i], "R") == 0)
			return 1;
	return 0;
}

/* The rules about changes, on the files a command visibly changes: what it
 * writes (redirections, tee, cp and mv targets...) and what rm deletes.
 * Absolute paths only: a relative one is only known to the gate. */
static void rate_visible_changes(struct risk_engine *e, struct risk_report *r,
				 const struct real_command *c)
{
	static const char *const deleters[] = {"rm", "unlink", "rmdir", "shred", NULL};
	static const char *const editors[] = {
	    "vi",  "vim",   "nvim",   "nano",	  "pico",      "emacs",	   "ed", "ex",
	    "joe", "micro", "mcedit", "sudoedit", "vim.basic", "vim.tiny", NULL};
	int deletes = is_word(c->name, deleters);
	const struct strlist *paths =
	    deletes || (is_word(c->name, editors) && !read_only(c)) ? &c->operands : &c->writes;

	for (size_t i = 0; i < paths->n; i++) {
		const char *path = paths->items[i];
		if (path[0] != '/' && path[0] != '~')
			continue;
		for (size_t k = 0; k < e->rules.n; k++) {
			const struct rule *rule = &e->rules.rules[k];
			if (rule->level > LEVEL_INFO &&
			    rule_matches_change(rule, deletes ? "delete" : "write", path,
						c->as_root))
				add_rule_finding_for(r, rule, c, path, deletes);
		}
	}
}

static char *computed_text(const struct real_command *c)
{
	struct buf b = {0};
	char *s;

	buf_append_str(&b, "Runs a program whose name is only decided when the line runs (");
	if (c->name[0] == '$' && c->name[1] != '(') {
		buf_append_str(&b, "the name held in the variable ");
		visible_append(&b, c->name + 1 + (c->name[1] == '{'),
			       strcspn(c->name + 1 + (c->name[1] == '{'), "}"));
	} else {
		describe_word(&b, c->name, NULL);
	}
	buf_append_str(&b, "). Nobody can tell in advance what it will be.");
	s = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

static void rate_command_rules(struct risk_engine *e, struct risk_report *r,
			       const struct real_command *c);

static void finding_free(struct finding *f)
{
	report_finding_free(f);
}

/* A reassuring finding: low or info, and nothing to ask ("it changes
 * nothing"). */
static int reassuring(const struct finding *f)
{
	return f->level <= LEVEL_LOW && strncmp(f->ask, "Nothing to ask", 14) == 0;
}

static void drop_reassuring_from(struct risk_report *r, size_t first)
{
	size_t kept = first;

	for (size_t i = first; i < r->n; i++) {
		if (reassuring(&r->findings[i]))
			finding_free(&r->findings[i]);
		else
			r->findings[kept++] = r->findings[i];
	}
	r->n = kept;
}

static int top_level_from(const struct risk_report *r, size_t first)
{
	int top = LEVEL_INFO;

	for (size_t i = first; i < r->n; i++)
		top = r->findings[i].level > top ? r->findings[i].level : top;
	return top;
}

/* A command's reassuring findings are false beside one of its own at medium
 * or above (kubectl get secret showing values, journalctl --vacuum-time
 * deleting, crontab -r), and for a command written into a file that runs
 * later (what it does there is not "nothing"): they go. The line's level is
 * unchanged. */
static void rate_command(struct risk_engine *e, struct risk_report *r, const struct real_command *c)
{
	size_t first = r->n;

	rate_command_rules(e, r, c);
	if (top_level_from(r, first) >= LEVEL_MEDIUM || (c->via && strstr(c->via, "written to")))
		drop_reassuring_from(r, first);
	for (size_t i = first; c->via && i < r->n; i++) {
		char *planted = content_planted(c->via, r->findings[i].explain);
		if (planted) {
			free(r->findings[i].explain);
			r->findings[i].explain = planted;
		}
	}
}

static void rate_command_rules(struct risk_engine *e, struct risk_report *r,
			       const struct real_command *c)
{
	int matched = 0, has_rules;

	if (c->name_dynamic) {
		add_builtin(r, "computed-command", LEVEL_HIGH, computed_text(c),
			    "a command name built at run time hides what really runs",
			    "Why is the program's name computed? Type the real command instead.",
			    "T1027");
		return;
	}
	if (c->name_disguised)
		add_builtin(r, "disguised-command", LEVEL_HIGH,
			    risk_fill("Runs {command}, but its name is written in a disguised way "
				      "(quotes, backslashes or escape codes inside the name).",
				      c, NULL),
			    "disguising a command's name is a way to slip it past a reviewer",
			    "Why is the name of the program disguised? Type it plainly.", "T1027");
	/* The command's own rules and the general ones, merged in file order. */
	size_t lo = 0, hi = e->nby_name, a = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(e->by_name[mid].name, c->name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	has_rules = lo < e->nby_name && strcmp(e->by_name[lo].name, c->name) == 0;
	for (size_t last = (size_t)-1;
	     lo < e->nby_name && strcmp(e->by_name[lo].name, c->name) == 0; lo++) {
		size_t own = e->by_name[lo].rule;
		if (own == last)
			continue; /* a name listed twice in one rule */
		while (a < e->nany && e->any_name[a] < own)
			matched |= try_rule(e, r, e->any_name[a++], c, 0);
		matched |= try_rule(e, r, own, c, 1);
		last = own;
	}
	while (a < e->nany)
		matched |= try_rule(e, r, e->any_name[a++], c, 0);
	for (size_t k = 0; k < e->nfallback && !matched; k++)
		matched = try_rule(e, r, e->fallback[k], c, 0);
	if (!matched)
		unknown_program(e, r, c, has_rules);
	rate_visible_changes(e, r, c);
}

static int by_level(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	return y->level - x->level;
}

static void summarise(struct risk_report *r)
{
	struct buf b = {0};
	const struct finding *top;
	char level[16];

	if (r->n == 0) {
		r->summary = xstrdup("Nothing to run.");
		return;
	}
	/* Stable enough: equal levels keep their order of appearance. */
	for (size_t i = 1; i < r->n; i++)
		for (size_t k = i; k > 0 && by_level(&r->findings[k - 1], &r->findings[k]) > 0;
		     k--) {
			struct finding t = r->findings[k];
			r->findings[k] = r->findings[k - 1];
			r->findings[k - 1] = t;
		}
	top = &r->findings[0];
	strncpy(level, level_name(r->level), sizeof(level) - 1);
	level[sizeof(level) - 1] = '\0';
	level[0] = (char)(level[0] - 'a' + 'A');
	/* appends, not printf: the explanation can be long, and every line is summarised */
	if (r->level == LEVEL_INFO) {
		buf_append_str(&b, "Harmless. ");
	} else {
		buf_append_str(&b, level);
		buf_append_str(&b, " risk. ");
	}
	buf_append_str(&b, top->explain);
	if (r->level >= LEVEL_MEDIUM) {
		if (strcmp(top->undo, "no") == 0 && !strstr(top->explain, "cannot be"))
			buf_append_str(&b, " It cannot be undone.");
		buf_append_str(&b, " Ask the operator: ");
		buf_append_str(&b, top->ask);
	}
	if (r->n > 1)
		buf_printf(&b, " (%zu more finding%s below.)", r->n - 1, r->n == 2 ? "" : "s");
	r->summary = xstrdup(buf_cstr(&b));
	buf_free(&b);
}

/* The findings about the whole line (the first n) hold one at high. */
static int line_level(const struct risk_report *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r->findings[i].level >= LEVEL_HIGH)
			return 1;
	return 0;
}

static void rate(struct risk_engine *e, const struct analysis *a, struct risk_report *r)
{
	if (a->parse_error)
		add_builtin(r, "parse-error", LEVEL_HIGH,
			    xstrdup("The line is not a complete, well-formed command, so what it "
				    "would do cannot be checked."),
			    "a line that does not parse may hide what it does",
			    "Can you type the command again, plainly and complete?", NULL);
	if (a->too_deep)
		add_builtin(r, "too-deep", LEVEL_HIGH,
			    xstrdup("The line nests commands inside commands too deeply to check."),
			    "deep nesting is a way to hide what runs",
			    "Why is the command built this way? Type the real command.", "T1027");
	/* a line that hides what it does (parse error, hidden characters)
	 * reassures about none of its parts */
	size_t line_findings = r->n;
	e->finder = NULL;
	for (size_t i = 0; i < a->n; i++) {
		const struct real_command *c = &a->cmds[i];
		if (strcmp(c->name, "find") == 0)
			e->finder = c;
		else if (c->via == NULL || strstr(c->via, "find -exec") == NULL)
			e->finder = NULL;
		rate_command(e, r, c);
	}
	e->finder = NULL;
	if (line_level(r, line_findings))
		drop_reassuring_from(r, line_findings);
	report_tidy(r);
	summarise(r);
}

static void show_line(struct risk_report *r, const char *line, size_t len)
{
	struct buf b = {0};

	if (visible_append(&b, line, len) > 0) {
		struct buf x = {0};
		buf_append_str(&x, "The line contains characters that hide or change how it looks "
				   "(shown here as \\x.. and <U+....>): what you see may not be "
				   "what runs.");
		add_builtin(r, "hidden-characters", LEVEL_HIGH, xstrdup(buf_cstr(&x)),
			    "control characters, escape sequences and invisible or "
			    "right-to-left characters can hide part of a command",
			    "Why does the command contain hidden characters? Type it again "
			    "without them.",
			    "T1036");
		buf_free(&x);
	}
	r->line = xstrdup(buf_cstr(&b));
	buf_free(&b);
}

int risk_rate_line(struct risk_engine *e, const char *line, size_t len, const struct risk_input *in,
		   struct risk_report *r)
{
	struct analysis a;

	e->context = RATE_LINE;
	e->system_program = 0;
	memset(r, 0, sizeof(*r));
	show_line(r, line, len);
	if (analyze_line(line, len, in, &a) < 0)
		return -1;
	rate(e, &a, r);
	analysis_free(&a);
	return 0;
}

static int rate_argv_in(struct risk_engine *e, char *const *argv, const struct risk_input *in,
			struct risk_report *r)
{
	struct analysis a;
	struct buf joined = {0};

	memset(r, 0, sizeof(*r));
	e->system_program = in ? in->system_program : 0;
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			buf_putc(&joined, ' ');
		buf_append_str(&joined, argv[i]);
	}
	show_line(r, (const char *)joined.data ? buf_cstr(&joined) : "", joined.len);
	buf_free(&joined);
	if (analyze_argv(argv, in, &a) < 0)
		return -1;
	rate(e, &a, r);
	analysis_free(&a);
	return 0;
}

int risk_rate_argv(struct risk_engine *e, char *const *argv, const struct risk_input *in,
		   struct risk_report *r)
{
	e->context = RATE_LINE;
	return rate_argv_in(e, argv, in, r);
}

int risk_rate_exec(struct risk_engine *e, char *const *argv, const struct risk_input *in,
		   struct risk_report *r)
{
	e->context = RATE_EXEC;
	return rate_argv_in(e, argv, in, r);
}

void risk_report_add(struct risk_report *r, const char *id, int level, const char *explain,
		     const char *why, const char *ask, const char *attack)
{
	add_builtin(r, id, level, xstrdup(explain), why, ask, attack);
	free(r->summary);
	summarise(r);
}

void risk_report_free(struct risk_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		finding_free(&r->findings[i]);
	free(r->findings);
	free(r->line);
	free(r->summary);
	memset(r, 0, sizeof(*r));
}

int risk_rate_change(struct risk_engine *e, const char *kind, const char *path, const char *in_home,
		     int as_root, struct risk_report *r)
{
	struct real_command c = {.name = (char *)DESCRIBE_RESOLVED, .as_root = as_root};

	memset(r, 0, sizeof(*r));
	strlist_add(&c.operands, path);
	strlist_add(&c.args, path);
	for (size_t i = 0; i < e->rules.n; i++) {
		const struct rule *rule = &e->rules.rules[i];
		if (rule_matches_change(rule, kind, path, as_root) ||
		    (in_home && rule_matches_change(rule, kind, in_home, as_root)))
			add_rule_finding(r, rule, &c, NULL);
	}
	strlist_free(&c.operands);
	strlist_free(&c.args);
	return 0;
}

void risk_report_finish(struct risk_report *r)
{
	free(r->summary);
	r->summary = NULL;
	summarise(r);
}
