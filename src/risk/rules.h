/* Risk rules: YAML data files (docs/RULES.md), loaded and checked once. */
#ifndef ESCORT_RULES_H
#define ESCORT_RULES_H

#include "analyze.h"
#include "util/error.h"

enum risk_level { LEVEL_INFO, LEVEL_LOW, LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_CRITICAL };

const char *level_name(int level);
int level_parse(const char *s);

struct rule {
	char *id, *family, *file;
	int line;
	int level;
	struct strlist attack;
	/* match keys: every key given must hold; within a key, any item */
	struct strlist command, subcommand, options, options_all, args, not_args, writes, reads,
	    piped_to, piped_from, env;
	int as_root; /* -1: either way */
	int remote;  /* -1: either way */
	char *explain, *why, *ask, *undo;
	struct strlist test_hit, test_miss;
};

struct rule_set {
	struct rule *rules;
	size_t n;
};

/* Loads every *.yaml file in dir, in name order. A bad file fails the
 * whole load with the file, line and reason. */
int rules_load(struct rule_set *set, const char *dir, struct error *err);
void rules_free(struct rule_set *set);

/* Whether rule applies to c. */
int rule_matches(const struct rule *r, const struct real_command *c);

#endif
