/* explain-lint's checks of sense: sentences that are false for the line they
 * explain (docs/RULES.md, "Words for the escort"), as against the mechanical
 * faults of wording. Each returns 0, or the fault's short description. */
#ifndef ESCORT_EXPLAIN_LINT_SENSE_H
#define ESCORT_EXPLAIN_LINT_SENSE_H

#include "risk/risk.h"

/* "another computer" said of a line whose only hosts are this machine's own
 * (localhost, 127.0.0.1, ::1). */
const char *sense_loopback(const char *line, const char *text);

/* scp/rsync whose last operand is HOST:PATH sends files out; a text saying
 * they come "to this one" reads it backwards. */
const char *sense_direction(const char *line, const char *text);

/* A lone command that writes a file (> or >>) said to change nothing. */
const char *sense_writes(const char *line, const char *text);

/* The program's name used as the thing acted on ("Asks aws to", "with
 * journalctl"), outside brackets and quotes. text is already unquoted. */
const char *sense_name_drop(const char *line, const char *plain);

/* On a lone command, a finding that says there is nothing to ask beside one
 * at high or above: one of them is false. */
const char *sense_contradiction(const char *line, const struct risk_report *r,
				const struct finding *f);

#endif
