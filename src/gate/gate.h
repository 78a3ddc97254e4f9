/* The exec gate's supervisor, run by the session host inside its event loop:
 * every exec of the session is read, identified, rated, decided through the
 * policy, recorded, then allowed, refused or held; after an allowed exec the
 * gate checks what the kernel really ran. */
#ifndef ESCORT_GATE_H
#define ESCORT_GATE_H

#include "change.h"
#include "identity.h"
#include "log/gate-counters.h"
#include "log/recorder.h"
#include "own-files.h"
#include "policy.h"
#include "risk/risk.h"

#include <event2/event.h>
#include <stdint.h>

struct gate_config {
	struct event_base *base;
	int listener; /* the seccomp listener (the gate closes it) */
	struct recorder *rec;
	struct risk_engine *risk;
	struct identity_index *index;
	struct policy *policy;
	int message_fd;	  /* where the operator reads refusals (the terminal, or stderr) */
	int message_crlf; /* the terminal is raw: end lines with \r\n */
	pid_t first;	  /* the session's first process: its descendants are the session */
	const struct own_files *own; /* escort's own files: out of the session's reach */
	int session_pty;	     /* the master of the session's own terminal, or -1 (pipes) */
	/* Called before a line to the operator: passes on what the session's
	 * programs wrote before the call, so the line comes after it. */
	void (*flush_output)(void *ctx);
	void *flush_ctx;
	/* Called (NULL: nothing) once a change to files the gate allowed has
	 * been done for process pid: path as the process sees it, path2 the new
	 * name of a rename or link (else empty). The session's transfer records
	 * (src/session/transfers.c) are made from it. */
	void (*changed)(void *ctx, pid_t pid, enum change_kind kind, const char *path,
			const char *path2);
	void *changed_ctx;
};

struct gate;

struct gate *gate_start(const struct gate_config *cfg, struct error *err);
/* Refuses whatever is still held, stops checking and frees the gate. */
void gate_stop(struct gate *g);
const struct gate_counters *gate_counters(const struct gate *g);
/* The session's end is being sent: the gate records nothing more (no
 * post-exec checks, no calls taken; a process still alive waits until
 * gate_stop, then its calls fail). */
void gate_quiesce(struct gate *g);

/* The policy's answer to a held exec (policy_answer_fn). */
void gate_answer(void *gate, uint64_t ask_id, const struct verdict *v);
/* An answer to an ask the gate no longer holds (withdrawn, or the session
 * ended): nothing runs; an approval is recorded as refused. */
void gate_late_answer(void *gate, uint64_t ask_id, const struct verdict *v);
/* The session is ending (hang-up, terminate, the program exited): every held
 * exec is refused and its ask withdrawn, tree and session approvals end, and
 * every later exec is refused. reason is kept (a constant string). */
void gate_end_session(struct gate *g, const char *reason);
/* Shows the operator "escort: " and line (without line end) after what the
 * programs wrote, as the gate's own lines are, and records it as output. */
void gate_say(struct gate *g, const char *line);
/* The policy's news that an ask now waits for a person: the operator is told. */
void gate_waiting(void *gate, uint64_t ask_id, const char *detail);

#endif
