/* The gate's records in the session log (docs/LOG-FORMAT.md): what an exec
 * asked for and what it is (exec, phase "request"), the decision (decision),
 * and what the kernel ran after it was allowed (exec, phase "ran"). Each
 * returns -1 when the log cannot take it: the gate then refuses. */
#ifndef ESCORT_EXEC_RECORD_H
#define ESCORT_EXEC_RECORD_H

#include "log/recorder.h"
#include "policy.h"
#include "program.h"
#include "request.h"
#include "risk/risk.h"

int exec_record_request(struct recorder *rec, uint64_t id, const struct exec_request *req,
			const struct program *prog, int level, const char *summary,
			const char *cached_rules, const struct risk_report *report);
int exec_record_unreadable(struct recorder *rec, uint64_t id, const struct exec_request *req,
			   const char *why);
int exec_record_decision(struct recorder *rec, uint64_t id, pid_t pid, const struct verdict *v,
			 int cached);
/* What the check after an exec found; recorded as the phase field. */
enum exec_outcome {
	EXEC_RAN,	    /* "ran" */
	EXEC_ENDED,	    /* "ended": before it could be checked */
	EXEC_NOT_COMPLETED, /* "not-completed" */
	EXEC_MISMATCH,	    /* "mismatch": another program runs than the one judged */
};
/* exe: what runs instead of the file decided on; args: the arguments it
 * runs with instead of the argv decided on (mismatch only, else NULL). */
int exec_record_ran(struct recorder *rec, uint64_t id, pid_t pid, enum exec_outcome outcome,
		    const char *exe, const char *args);

#endif
