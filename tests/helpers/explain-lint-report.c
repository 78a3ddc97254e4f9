#include "explain-lint-report.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

const char *report_repeated(const struct risk_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		for (size_t k = 0; k < i; k++)
			if (strcmp(r->findings[i].rule, r->findings[k].rule) == 0 &&
			    strcmp(r->findings[i].explain, r->findings[k].explain) == 0)
				return "the same finding shown twice";
	return NULL;
}

static int answered(const char *undo)
{
	return strcmp(undo, "unknown") != 0 && strncmp(undo, "nothing", 7) != 0;
}

const char *report_two_undos(const struct risk_report *r)
{
	const char *first = NULL;

	for (size_t i = 0; i < r->n; i++) {
		const char *u = r->findings[i].undo;
		if (!answered(u))
			continue;
		if (first && strcmp(first, u) != 0)
			return "two different answers to \"can it be undone\"";
		first = u;
	}
	return NULL;
}

/* A word ending in "s" at p, its length or 0. */
static size_t verb_at(const char *p)
{
	size_t n = 0;

	while (islower((unsigned char)p[n]) || (n == 0 && isupper((unsigned char)p[n])))
		n++;
	return n > 2 && p[n - 1] == 's' ? n : 0;
}

/* "Xs, Ys or Zs " / "Xs or Ys ": a hedged list of verbs at the start. */
static int hedged(const char *text)
{
	const char *p = text;
	size_t n;
	int verbs = 0;

	while ((n = verb_at(p)) > 0) {
		verbs++;
		p += n;
		if (strncmp(p, ", ", 2) == 0)
			p += 2;
		else if (strncmp(p, " or ", 4) == 0 && verbs >= 1 && verb_at(p + 4))
			return 1;
		else
			return 0;
	}
	return 0;
}

/* A word of the line that says which action happens. */
static int decides(const char *line)
{
	static const char *const words[] = {
	    "delete",	"rm",	  "remove", "terminate", "destroy",   "drop",
	    "stop",	"kill",	  "prune",  "purge",	 "uninstall", "flush",
	    "truncate", "create", "reset",  "useradd",	 "userdel",   "groupadd",
	    "groupdel", "umount", "mkdir",  "gzip",	 "gunzip",    NULL};
	char copy[4096], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		size_t len = strcspn(w, "-");
		for (size_t i = 0; words[i]; i++)
			if (strcmp(w, words[i]) == 0 ||
			    (len > 0 && strlen(words[i]) == len && strncmp(w, words[i], len) == 0))
				return 1;
		if (strncmp(line, "tar ", 4) == 0 && w == copy + 4 && strpbrk(w, "ctx"))
			return 1; /* tar's mode letters */
		if (strncmp(line, "passwd ", 7) == 0 &&
		    (strcmp(w, "-d") == 0 || strcmp(w, "-l") == 0))
			return 1;
	}
	return 0;
}

const char *report_hedge(const char *line, const char *text)
{
	if (hedged(text) && decides(line))
		return "a hedged list of verbs where the line decides which";
	return NULL;
}
