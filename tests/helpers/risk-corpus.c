/* Rates the labelled corpus (tests/risk). A risky line must reach its level
 * (medium unless a "#@ LEVEL" line above it says otherwise), an everyday line
 * must stay at or below its level (low unless "#@ LEVEL" says otherwise).
 * Prints every misjudged line, then for each part the share of lines within
 * their level, per level, and precision and recall of "rated at or above T"
 * for T = medium, high, critical.
 *   risk-corpus RULES_DIR EVERYDAY RISKY [HELDOUT_EVERYDAY HELDOUT_RISKY]...
 * Misjudged lines of the first part fail; each held-out part, written before
 * the rules were tuned, is reported only (it measures, it is not a target). */
#include "risk/risk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NLEVELS (LEVEL_CRITICAL + 1)

struct part {
	/* [risky][label][rated]: how many lines */
	size_t count[2][NLEVELS][NLEVELS];
};

static int directive_level(const char *line)
{
	int level;

	if (strncmp(line, "#@", 2) != 0)
		return -1;
	line += 2 + strspn(line + 2, " \t");
	level = level_parse(line);
	if (level < 0) {
		fprintf(stderr, "risk-corpus: bad level line '%s'\n", line);
		exit(2);
	}
	return level;
}

static int rate_file(struct risk_engine *e, const char *path, int risky, struct part *p)
{
	char line[4096];
	FILE *f = fopen(path, "r");
	int wrong = 0, label = risky ? LEVEL_MEDIUM : LEVEL_LOW;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		struct risk_report r;
		size_t len = strcspn(line, "\n");
		int ok;

		line[len] = '\0';
		if (directive_level(line) >= 0)
			label = directive_level(line);
		if (len == 0 || line[0] == '#')
			continue;
		risk_rate_line(e, line, len, NULL, &r);
		p->count[risky][label][r.level]++;
		ok = risky ? r.level >= label : r.level <= label;
		if (!ok) {
			printf("  %-9s %-8s (want %s %s) %s  [%s]\n", risky ? "missed" : "too high",
			       level_name(r.level), risky ? ">=" : "<=", level_name(label), r.line,
			       r.n ? r.findings[0].rule : "no finding");
			wrong++;
		}
		risk_report_free(&r);
	}
	fclose(f);
	return wrong;
}

static double share(size_t n, size_t d)
{
	return d ? (double)n / (double)d : 1.0;
}

/* Within their level, per label level, and overall. */
static void print_within(const struct part *p, int risky)
{
	size_t all = 0, ok_all = 0;

	printf("    %s lines %s their level:", risky ? "risky" : "everyday",
	       risky ? "at or above" : "at or below");
	for (int label = 0; label < NLEVELS; label++) {
		size_t n = 0, ok = 0;
		for (int rated = 0; rated < NLEVELS; rated++) {
			n += p->count[risky][label][rated];
			if (risky ? rated >= label : rated <= label)
				ok += p->count[risky][label][rated];
		}
		if (n)
			printf(" %s %zu/%zu;", level_name(label), ok, n);
		all += n;
		ok_all += ok;
	}
	printf(" all %zu/%zu = %.3f\n", ok_all, all, share(ok_all, all));
}

/* "Rated at or above t": risky lines labelled t or more should be, everyday
 * lines labelled below t should not; other lines say nothing about t. */
static void print_threshold(const struct part *p, int t)
{
	size_t tp = 0, fn = 0, fp = 0;

	for (int label = 0; label < NLEVELS; label++)
		for (int rated = 0; rated < NLEVELS; rated++) {
			if (label >= t) {
				tp += rated >= t ? p->count[1][label][rated] : 0;
				fn += rated < t ? p->count[1][label][rated] : 0;
			}
			if (label < t)
				fp += rated >= t ? p->count[0][label][rated] : 0;
		}
	printf("    at or above %-8s precision %.3f, recall %.3f (%zu found, %zu missed, %zu "
	       "everyday too high)\n",
	       level_name(t), share(tp, tp + fp), share(tp, tp + fn), tp, fn, fp);
}

static void print_part(const char *name, const struct part *p)
{
	printf("risk corpus, %s:\n", name);
	print_within(p, 1);
	print_within(p, 0);
	for (int t = LEVEL_MEDIUM; t <= LEVEL_CRITICAL; t++)
		print_threshold(p, t);
}

static void add_part(struct part *to, const struct part *p)
{
	for (int r = 0; r < 2; r++)
		for (int l = 0; l < NLEVELS; l++)
			for (int k = 0; k < NLEVELS; k++)
				to->count[r][l][k] += p->count[r][l][k];
}

int main(int argc, char **argv)
{
	static struct part dev, heldout, whole;
	struct error err;
	struct risk_engine *e;
	int wrong;

	if (argc < 4 || argc % 2 != 0) {
		fprintf(stderr, "usage: risk-corpus RULES_DIR EVERYDAY RISKY [HELDOUT_EVERYDAY "
				"HELDOUT_RISKY]...\n");
		return 2;
	}
	e = risk_engine_new(argv[1], RISK_NO_WHATIS, &err);
	if (e == NULL) {
		fprintf(stderr, "risk-corpus: %s\n", err.msg);
		return 2;
	}
	printf("risk corpus: misjudged lines\n");
	wrong = rate_file(e, argv[2], 0, &dev) + rate_file(e, argv[3], 1, &dev);
	print_part("development part", &dev);
	add_part(&whole, &dev);
	for (int i = 4; i + 1 < argc; i += 2) {
		char name[4200];
		memset(&heldout, 0, sizeof(heldout));
		printf("risk corpus: misjudged held-out lines of %s (reported, not failed)\n",
		       argv[i + 1]);
		rate_file(e, argv[i], 0, &heldout);
		rate_file(e, argv[i + 1], 1, &heldout);
		snprintf(name, sizeof(name), "held-out part %s + %s", argv[i], argv[i + 1]);
		print_part(name, &heldout);
		add_part(&whole, &heldout);
	}
	if (argc > 4)
		print_part("whole corpus", &whole);
	risk_engine_free(e);
	return wrong ? 1 : 0;
}
