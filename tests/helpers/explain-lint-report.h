/* explain-lint's checks of a whole report: a finding shown twice, more than
 * one answer to "can it be undone", and a hedged list of verbs ("Deletes,
 * removes or resets") where the line's own words decide which one happens.
 * Each returns 0, or the fault's short description. */
#ifndef ESCORT_EXPLAIN_LINT_REPORT_H
#define ESCORT_EXPLAIN_LINT_REPORT_H

#include "risk/risk.h"

/* Two findings with the same rule and the same explanation. */
const char *report_repeated(const struct risk_report *r);

/* Two different answers (not "unknown" or "nothing to undo"). */
const char *report_two_undos(const struct risk_report *r);

/* text starts "Xs, Ys or Zs" or "Xs or Ys" and a word of line decides. */
const char *report_hedge(const char *line, const char *text);

#endif
