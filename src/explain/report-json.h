/* A risk report as JSON, the shape `escort explain --json` documents. */
#ifndef ESCORT_REPORT_JSON_H
#define ESCORT_REPORT_JSON_H

#include "risk/risk.h"
#include "util/buf.h"

/* Appends the members (without braces) "line", "level", "summary" and
 * "findings" of r. */
void report_json_members(struct buf *b, const struct risk_report *r);

#endif
