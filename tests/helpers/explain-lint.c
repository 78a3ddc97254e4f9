/* Reads every explanation the corpus produces as a reader who does not know
 * Linux would, and fails on the mechanical faults of docs/RULES.md ("Words
 * for the escort"): a raw placeholder ({}, $f, $(...)), a fallback in place of
 * a name ("nothing named"), an empty explanation or question, an option or its
 * value or a subcommand word listed as a thing acted on ("stop and auditd",
 * "50 and /var/log/syslog"), and a bare "/" for the whole machine. Quoted
 * text (the operator's own, between typographic quotes) is not judged.
 * A folder stands for every .txt file in it (the corpus and its held-out parts), so files added
 * later are checked too. explain-lint RULES_DIR CORPUS_FILE_OR_FOLDER... */
#include "explain-lint-report.h"
#include "explain-lint-sense.h"
#include "risk/risk.h"

#include <dirent.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 64

/* Subcommand words a reader must never see listed as things. */
static const char *const verbs[] = {
    "get",	"list",	   "ls",	"describe", "show",   "status",	   "logs",	 "plan",
    "diff",	"inspect", "version",	"top",	    "check",  "delete",	   "destroy",	 "drop",
    "rm",	"remove",  "terminate", "stop",	    "kill",   "purge",	   "prune",	 "reset",
    "truncate", "flush",   "apply",	"set",	    "put",    "patch",	   "update",	 "migrate",
    "restore",	"revoke",  "start",	"restart",  "enable", "disable",   "reload",	 "install",
    "push",	"pull",	   "clean",	"del",	    "add",    "is-active", "list-units", "cat",
    "rollback", "upgrade", "uninstall", "drain",    "cordon", "replace",   "edit",	 "scale",
    "create",	NULL};

/* Words after which the next word is a program, not a subcommand. */
static const char *const starters[] = {"sudo",	  "xargs", "nohup", "env", "time",
				       "timeout", "|",	   "||",    "&&",  ";",
				       "exec",	  "nice",  "-exec", "-c",  NULL};

static int is_one(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

static const char *const fallbacks[] = {"nothing named", "no file named",
					"what the command is given", NULL};

static int faults;

static void fault(const char *line, const struct finding *f, const char *what, const char *text)
{
	printf("  %s\n    %s: %s\n    in: %s\n", line, f ? f->rule : "summary", what, text);
	faults++;
}

/* The text without its quoted parts: between \u201c and \u201d, or else
 * between plain quotes (a manual's summary). */
static void unquote(const char *in, char *out, size_t size)
{
	int quoted = 0, typographic = strstr(in, "\u201c") != NULL;
	size_t n = 0;

	for (; *in && n + 1 < size; in++) {
		if (strncmp(in, "\u201c", 3) == 0 || strncmp(in, "\u201d", 3) == 0) {
			quoted = in[2] == '\x9c';
			in += 2;
			continue;
		}
		if (*in == '"' && !typographic) {
			quoted = !quoted;
			continue;
		}
		if (!quoted)
			out[n++] = *in;
	}
	out[n] = '\0';
}

static int is_item_start(const char *text, const char *at)
{
	static const char *const before[] = {"(", ": ", ", ", " and ", NULL};

	if (at == text)
		return 1;
	for (size_t i = 0; before[i]; i++) {
		size_t n = strlen(before[i]);
		if ((size_t)(at - text) >= n && strncmp(at - n, before[i], n) == 0)
			return 1;
	}
	return 0;
}

static int is_item_end(const char *end)
{
	return *end == '\0' || strchr(",).;", *end) != NULL || strncmp(end, " and ", 5) == 0;
}

/* The word next to the list item at..end, before or after it. */
static void neighbour(const char *text, const char *at, const char *end, char *out, size_t size)
{
	const char *from = NULL, *to;
	size_t n = 0;

	if (strncmp(end, " and ", 5) == 0 || strncmp(end, ", ", 2) == 0) {
		from = end + (end[1] == 'a' ? 5 : 2);
	} else if (at - text >= 5 && strncmp(at - 5, " and ", 5) == 0) {
		for (from = at - 5; from > text && from[-1] != ' '; from--)
			;
	} else if (at - text >= 2 && strncmp(at - 2, ", ", 2) == 0) {
		for (from = at - 2; from > text && from[-1] != ' '; from--)
			;
	}
	out[0] = '\0';
	if (from == NULL)
		return;
	for (to = from; *to && !strchr(" ,.;:)", *to) && n + 1 < size; to++)
		out[n++] = *to;
	out[n] = '\0';
}

/* A list of subcommand words only ("such as get, list and describe") talks
 * about words, it does not name them as things. */
static int among_verbs(const char *text, const char *at, const char *end)
{
	char next[64];

	neighbour(text, at, end, next, sizeof(next));
	return is_one(next, verbs);
}

/* word stands in text as an item of a list of things. */
static int listed(const char *text, const char *word)
{
	size_t n = strlen(word);

	for (const char *at = strstr(text, word); at; at = strstr(at + 1, word)) {
		const char *end = at + n;
		int joined_after = strncmp(end, " and ", 5) == 0;
		int joined_before = at - text >= 5 && strncmp(at - 5, " and ", 5) == 0;
		int word_start = at == text || at[-1] == ' ' || at[-1] == '(';
		/* in a list ("(a and b)", ": a, b"), or joined to another thing ("Cuts 0 and x") */
		int joined = (word_start && joined_after) || (joined_before && is_item_end(end));
		/* an option joined to a word is talked about ("with --delete and"), not listed */
		if (((is_item_start(text, at) && is_item_end(end)) || (joined && word[0] != '-')) &&
		    !among_verbs(text, at, end))
			return 1;
	}
	return 0;
}

static int raw_placeholder(const char *text)
{
	for (const char *p = text; *p; p++) {
		if (*p == '{' && strchr(p, '}') &&
		    strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_") ==
			(size_t)(strchr(p, '}') - p - 1))
			return 1;
		if (*p == '$' && p[1] &&
		    strchr("({@*_ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
			   p[1]))
			return 1;
	}
	return 0;
}

/* Words of the line an explanation must not list as things: options, the
 * short values after them, and subcommand words. */
static size_t not_things(char *copy, char **words)
{
	size_t n = 0;
	char *save = NULL, *prev = NULL;

	for (char *w = strtok_r(copy, " \t", &save); w && n < MAX_WORDS;
	     w = strtok_r(NULL, " \t", &save)) {
		int short_value =
		    prev && prev[0] == '-' &&
		    (strspn(w, "0123456789") == strlen(w) || strlen(w) == 1 || w[0] == '+');
		int verb = 0;
		/* the program itself ("ls", "xargs rm") is no subcommand */
		/* after "a;" a program starts, not a subcommand */
		int after_list = prev && prev[0] && prev[strlen(prev) - 1] == ';';
		for (size_t i = 0; verbs[i] && prev && !is_one(prev, starters) &&
				   !strchr(prev, '=') && !after_list;
		     i++)
			verb |= strcmp(w, verbs[i]) == 0;
		if ((strchr("-+", w[0]) && w[1] != '\0') || short_value || verb)
			words[n++] = w;
		prev = w;
	}
	return n;
}

/* Sentences false for the line (explain-lint-sense.c). */
static void check_sense(const char *line, const struct finding *f, const char *text,
			const char *plain)
{
	const char *why[4] = {sense_loopback(line, text), sense_direction(line, text),
			      sense_writes(line, text), NULL};

	/* "escort has no rule for this part of docker" names the program on purpose */
	if (f && strcmp(f->rule, "unknown-program") != 0 && strcmp(f->rule, "parse-error") != 0)
		why[3] = sense_name_drop(line, plain);
	for (size_t i = 0; i < 4; i++)
		if (why[i])
			fault(line, f, why[i], text);
}

static void check_text(const char *line, const struct finding *f, const char *what,
		       const char *text, char **words, size_t nwords)
{
	char plain[8192];

	if (text == NULL || text[0] == '\0') {
		fault(line, f, "empty", what);
		return;
	}
	unquote(text, plain, sizeof(plain));
	if (raw_placeholder(plain))
		fault(line, f, "raw placeholder", text);
	for (size_t i = 0; fallbacks[i]; i++)
		if (strstr(plain, fallbacks[i]))
			fault(line, f, "a fallback instead of a name", text);
	if (listed(plain, "/"))
		fault(line, f, "a bare / instead of the whole machine", text);
	for (size_t i = 0; i < nwords; i++)
		if (listed(plain, words[i]))
			fault(line, f, "an option, its value or a subcommand listed as a thing",
			      text);
	check_sense(line, f, text, plain);
}

static void check_report(const char *line, const struct risk_report *r)
{
	char copy[4096], *words[MAX_WORDS];
	size_t nwords;

	snprintf(copy, sizeof(copy), "%s", line);
	nwords = not_things(copy, words);
	check_text(line, NULL, "summary", r->summary, words, nwords);
	if (report_repeated(r))
		fault(line, NULL, report_repeated(r), r->summary);
	if (report_two_undos(r))
		fault(line, NULL, report_two_undos(r), r->summary);
	for (size_t i = 0; i < r->n; i++) {
		const struct finding *f = &r->findings[i];
		check_text(line, f, "explain", f->explain, words, nwords);
		if (report_hedge(line, f->explain))
			fault(line, f, report_hedge(line, f->explain), f->explain);
		check_text(line, f, "why", f->why, words, nwords);
		check_text(line, f, "ask", f->ask, words, nwords);
		if (f->level >= LEVEL_MEDIUM && strchr(f->ask, '?') == NULL)
			fault(line, f, "no question for the operator", f->ask);
		if (sense_contradiction(line, r, f))
			fault(line, f, sense_contradiction(line, r, f), f->explain);
	}
}

static void lint_file(struct risk_engine *e, const char *path)
{
	char line[4096];
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		struct risk_report r;
		size_t len = strcspn(line, "\n");
		line[len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		risk_rate_line(e, line, len, NULL, &r);
		check_report(line, &r);
		risk_report_free(&r);
	}
	fclose(f);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_corpus(const struct dirent *d)
{
	return fnmatch("*.txt", d->d_name, 0) == 0;
}

static void lint_path(struct risk_engine *e, const char *path)
{
	struct dirent **names;
	char file[4096];
	int n = scandir(path, &names, is_corpus, by_name);

	if (n < 0) { /* not a folder: a file */
		lint_file(e, path);
		return;
	}
	if (n == 0) {
		fprintf(stderr, "explain-lint: no .txt corpus file in %s\n", path);
		exit(2);
	}
	for (int i = 0; i < n; i++) {
		snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
		lint_file(e, file);
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	struct risk_engine *e;
	struct error err;

	if (argc < 3) {
		fprintf(stderr, "usage: explain-lint RULES_DIR CORPUS_FILE_OR_FOLDER...\n");
		return 2;
	}
	setenv("ESCORT_NO_WHATIS", "1", 1);
	e = risk_engine_new(argv[1], RISK_NO_WHATIS, &err);
	if (e == NULL) {
		fprintf(stderr, "explain-lint: %s\n", err.msg);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		lint_path(e, argv[i]);
	printf("explain-lint: %d fault%s\n", faults, faults == 1 ? "" : "s");
	risk_engine_free(e);
	return faults ? 1 : 0;
}
