/* The risk engine: rates a command line, or one exec's argv, against the
 * rules, and explains each finding for a reader who does not know Linux.
 * `escort explain` and the exec gate use the same calls, so they agree. */
#ifndef ESCORT_RISK_H
#define ESCORT_RISK_H

#include "rules.h"
#include "util/error.h"

struct finding {
	char *rule; /* rule id, or a built-in id such as "unknown-program" */
	int level;
	struct strlist attack;
	char *explain; /* with the command's own paths, hosts and accounts filled in */
	char *why, *ask, *undo;
};

struct risk_report {
	int level;
	char *line;    /* the line as the escort must see it (hidden characters shown) */
	char *summary; /* one paragraph */
	struct finding *findings;
	size_t n;
};

struct risk_engine;

enum risk_flags {
	/* Never start whatis (a child process) for a program without rules: an
	 * unknown program is rated the same, its text only lacks the manual's
	 * summary. For escortd, whose event loop must not wait on children. */
	RISK_NO_WHATIS = 1,
};

struct risk_engine *risk_engine_new(const char *rules_dir, int flags, struct error *err);
void risk_engine_free(struct risk_engine *e);
const struct rule_set *risk_engine_rules(const struct risk_engine *e);
/* Whether a finding can carry this id: a loaded rule's, or a built-in
 * finding's (docs/RULES.md; also those given to risk_report_add). */
int risk_engine_has_rule(const struct risk_engine *e, const char *id);

/* The engine opens no file an argv or a line names: scripts are rated from
 * the text in supplies (struct risk_input, analyze.h), or not looked into
 * when in is NULL. */
int risk_rate_line(struct risk_engine *e, const char *line, size_t len, const struct risk_input *in,
		   struct risk_report *r);
/* argv rated as if typed (so it agrees with risk_rate_line). */
int risk_rate_argv(struct risk_engine *e, char *const *argv, const struct risk_input *in,
		   struct risk_report *r);
/* argv of an exec trapped by the gate: rules marked "context: line" do not
 * apply, "context: exec" ones do. */
int risk_rate_exec(struct risk_engine *e, char *const *argv, const struct risk_input *in,
		   struct risk_report *r);
/* A change to files the gate trapped: kind is change_kind_name's word
 * ("write", "delete", ...), path the resolved path, in_home the same path
 * as "~/..." when it is inside the account's home (or NULL). Only rules with a
 * "change" match key apply; findings the gate adds (risk_report_add) come
 * after. The report is not summarised until risk_report_finish. */
int risk_rate_change(struct risk_engine *e, const char *kind, const char *path, const char *in_home,
		     int as_root, struct risk_report *r);
/* path as "~/rest" in out when it is inside home (not "/"), for
 * risk_rate_change's in_home; NULL otherwise. */
const char *risk_home_relative(const char *path, const char *home, char *out, size_t size);
/* Sorts the findings and writes the summary (after risk_report_add). */
void risk_report_finish(struct risk_report *r);
/* A finding from outside the rules (the gate's); level and summary follow.
 * id must be one of the built-in ids in risk.c (risk_engine_has_rule). */
void risk_report_add(struct risk_report *r, const char *id, int level, const char *explain,
		     const char *why, const char *ask, const char *attack);
void risk_report_free(struct risk_report *r);

/* Where the shipped rules are: ESCORT_RULES, the installed directory, or the
 * source tree next to an uninstalled build. */
const char *risk_default_rules_dir(void);
/* The same without ESCORT_RULES: the installed directory, or the source tree
 * next to an uninstalled build. */
const char *risk_shipped_rules_dir(void);

#endif
