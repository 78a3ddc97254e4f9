/* Risk rules: YAML data files (docs/RULES.md), loaded and checked once. */
#ifndef ESCORT_RULES_H
#define ESCORT_RULES_H

#include "analyze.h"
#include "util/error.h"

/* What is rated: a typed line (escort explain), or one exec trapped by the
 * gate, where every program a shell then starts is checked again. */
enum rate_context { RATE_ANY, RATE_LINE, RATE_EXEC };

enum risk_level { LEVEL_INFO, LEVEL_LOW, LEVEL_MEDIUM, LEVEL_HIGH, LEVEL_CRITICAL };

const char *level_name(int level);
int level_parse(const char *s);

struct rule {
	char *id, *family, *file;
	int line;
	int level;
	struct strlist attack;
	/* match keys: every key given must hold; within a key, any item.
	 * Plain words are stored with a 0x01 byte in front (see rules.c). */
	struct strlist command, subcommand, options, options_all, args, not_args, writes,
	    not_writes, reads, piped_to, piped_from, env;
	/* The kinds of subcommand verb (verbs.h: read, change, destroy). */
	struct strlist verbs;
	/* The values of options that take one (profile.c), and the wrappers a
	 * command was found through (real_command's via). */
	struct strlist values, via;
	/* The program as written (real_command's path): /tmp/x, ./run.sh. */
	struct strlist program;
	/* Tried only for a command no other rule matched (a general signal,
	 * such as a read verb, in place of "unknown program"). */
	int fallback;
	/* A rule about a change to files (the gate's file calls): the kinds
	 * (change_kind_name) and the resolved paths it applies to. */
	struct strlist change, paths;
	int as_root; /* -1: either way */
	int remote;  /* -1: either way */
	int context; /* RATE_ANY, or only RATE_LINE / RATE_EXEC */
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

/* Whether every command pattern of r is a plain name (so r can be indexed);
 * the names are then rule_command_name(r, i). */
int rule_literal_commands(const struct rule *r);
const char *rule_command_name(const struct rule *r, size_t i);

/* Whether rule applies to c; name_known: c's name is one of the rule's. */
int rule_matches(const struct rule *r, const struct real_command *c, int name_known);
int rule_applies_in(const struct rule *r, enum rate_context ctx);
/* Whether the change rule r applies to a change of kind to path. */
int rule_matches_change(const struct rule *r, const char *kind, const char *path, int as_root);

#endif
