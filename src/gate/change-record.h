/* The record of a change to files the gate decided: a decision record
 * (docs/LOG-FORMAT.md) with the call, the kind, the resolved paths, the
 * rating and who decided. Refusals and holds are urgent (signed at once). */
#ifndef ESCORT_CHANGE_RECORD_H
#define ESCORT_CHANGE_RECORD_H

#include "change.h"
#include "log/recorder.h"
#include "policy.h"
#include "risk/risk.h"

#include <stdint.h>

int change_record(struct recorder *rec, uint64_t id, pid_t pid, const struct change *c,
		  const struct risk_report *r, const struct verdict *v);

#endif
