/* Rates the labelled corpus (tests/risk): everyday lines must stay at info or
 * low, risky lines must reach medium or above (they need an escort). Prints
 * precision and recall for "needs approval" and every misjudged line.
 *   risk-corpus RULES_DIR EVERYDAY_FILE RISKY_FILE */
#include "risk/risk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tally {
	size_t lines, flagged;
};

static int rate_file(struct risk_engine *e, const char *path, int risky, struct tally *t)
{
	char line[4096];
	FILE *f = fopen(path, "r");
	int wrong = 0;

	if (f == NULL) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f)) {
		struct risk_report r;
		size_t len = strcspn(line, "\n");
		int flagged;

		line[len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		risk_rate_line(e, line, len, NULL, &r);
		flagged = r.level >= LEVEL_MEDIUM;
		t->lines++;
		t->flagged += (size_t)flagged;
		if (flagged != risky) {
			printf("  %-9s %-8s %s  [%s]\n", risky ? "missed" : "too high",
			       level_name(r.level), r.line,
			       r.n ? r.findings[0].rule : "no finding");
			wrong++;
		}
		risk_report_free(&r);
	}
	fclose(f);
	return wrong;
}

int main(int argc, char **argv)
{
	struct tally everyday = {0}, risky = {0};
	struct error err;
	struct risk_engine *e;
	double precision, recall;
	int wrong;

	if (argc != 4) {
		fprintf(stderr, "usage: risk-corpus RULES_DIR EVERYDAY_FILE RISKY_FILE\n");
		return 2;
	}
	e = risk_engine_new(argv[1], 0, &err);
	if (e == NULL) {
		fprintf(stderr, "risk-corpus: %s\n", err.msg);
		return 2;
	}
	printf("risk corpus: misjudged lines\n");
	wrong = rate_file(e, argv[2], 0, &everyday) + rate_file(e, argv[3], 1, &risky);
	precision = risky.flagged + everyday.flagged
			? (double)risky.flagged / (double)(risky.flagged + everyday.flagged)
			: 1.0;
	recall = risky.lines ? (double)risky.flagged / (double)risky.lines : 1.0;
	printf("risk corpus: %zu lines (%zu everyday, %zu risky); needs-approval precision %.3f, "
	       "recall %.3f; everyday lines above low: %zu\n",
	       everyday.lines + risky.lines, everyday.lines, risky.lines, precision, recall,
	       everyday.flagged);
	risk_engine_free(e);
	return wrong ? 1 : 0;
}
