/* One report, said once: a finding repeated word for word (systemctl stop x
 * && systemctl disable x) is shown once, the findings of a line agree on
 * whether it can be undone (the most pessimistic answer), and everyday
 * findings (low, info) are not shown beside a finding at high or above
 * ("looks at the network" next to keys sent out). Text only; the line's
 * level is unchanged. */
#ifndef ESCORT_REPORT_TIDY_H
#define ESCORT_REPORT_TIDY_H

#include "risk.h"

/* Frees a finding's strings. */
void report_finding_free(struct finding *f);

void report_tidy(struct risk_report *r);

#endif
