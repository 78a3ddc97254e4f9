/* Runs every rule's test_hit and test_miss examples through the engine:
 * a hit must produce a finding from that rule, a miss must not.
 *   test-rules RULES_DIR */
#include "check.h"
#include "risk/risk.h"

#include <stdio.h>
#include <stdlib.h>

static int found(const struct risk_report *r, const char *id)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->findings[i].rule, id) == 0)
			return 1;
	return 0;
}

/* A line without shell syntax, split on spaces, is what the gate would see as
 * argv: both ways of asking must give the same level. */
static void check_argv_agrees(struct risk_engine *e, const char *line, size_t *compared)
{
	struct risk_report by_line, by_argv;
	char *copy, *argv[64], *save = NULL;
	int argc = 0;

	/* NAME=value words are the shell's business: an exec gets them as environment. */
	if (strpbrk(line, "|;&<>$`()'\"\\{}*?~#") != NULL || strchr(line, '=') != NULL)
		return;
	copy = strdup(line);
	for (char *w = strtok_r(copy, " ", &save); w && argc < 63; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (argc > 0) {
		risk_rate_line(e, line, strlen(line), NULL, &by_line);
		risk_rate_argv(e, argv, NULL, &by_argv);
		if (by_line.level != by_argv.level) {
			fprintf(stderr, "\"%s\": line rated %s, argv rated %s\n", line,
				level_name(by_line.level), level_name(by_argv.level));
			check_failures++;
		}
		(*compared)++;
		risk_report_free(&by_line);
		risk_report_free(&by_argv);
	}
	free(copy);
}

/* Examples of exec-only rules are an exec's words, split at spaces. */
static void rate_example(struct risk_engine *e, const struct rule *rule, const char *line,
			 struct risk_report *rep)
{
	char *copy, *argv[64], *save = NULL;
	int argc = 0;

	if (rule->change.n) { /* "KIND PATH", or "KIND PATH root" */
		char kind[32], path[1024], root[8] = "";
		if (sscanf(line, "%31s %1023s %7s", kind, path, root) < 2)
			memset(rep, 0, sizeof(*rep));
		else
			risk_rate_change(e, kind, path, path[0] == '~' ? path : NULL,
					 strcmp(root, "root") == 0, rep);
		return;
	}
	if (rule->context != RATE_EXEC) {
		risk_rate_line(e, line, strlen(line), NULL, rep);
		return;
	}
	copy = strdup(line);
	for (char *w = strtok_r(copy, " ", &save); w && argc < 63; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	risk_rate_exec(e, argv, NULL, rep);
	free(copy);
}

int main(int argc, char **argv)
{
	struct risk_engine *e;
	const struct rule_set *rules;
	struct error err;
	size_t examples = 0, compared = 0;

	if (argc != 2)
		return 2;
	e = risk_engine_new(argv[1], 0, &err);
	if (e == NULL) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	rules = risk_engine_rules(e);
	for (size_t i = 0; i < rules->n; i++) {
		const struct rule *rule = &rules->rules[i];
		for (int miss = 0; miss <= 1; miss++) {
			const struct strlist *lines = miss ? &rule->test_miss : &rule->test_hit;
			for (size_t k = 0; k < lines->n; k++) {
				struct risk_report rep;
				const char *line = lines->items[k];
				rate_example(e, rule, line, &rep);
				if (found(&rep, rule->id) == miss) {
					fprintf(stderr, "%s:%d: rule %s %s \"%s\" (rated %s)\n",
						rule->file, rule->line, rule->id,
						miss ? "matches its test_miss"
						     : "misses its test_hit",
						line, level_name(rep.level));
					check_failures++;
				}
				examples++;
				risk_report_free(&rep);
				if (rule->context != RATE_EXEC && rule->change.n == 0)
					check_argv_agrees(e, line, &compared);
			}
		}
	}
	printf("%zu rules, %zu examples checked, %zu also as argv\n", rules->n, examples, compared);
	risk_engine_free(e);
	CHECK_DONE();
}
