/* The one interface through which the exec gate gets its decisions. The
 * standalone policy (policy-standalone.c) maps risk levels to actions; the
 * broker plugs in through the same calls. */
#ifndef ESCORT_POLICY_H
#define ESCORT_POLICY_H

#include "change.h"
#include "program.h"
#include "proto/frame.h"
#include "request.h"
#include "risk/risk.h"

#include <stddef.h>
#include <stdint.h>

enum gate_action { GATE_ALLOW, GATE_DENY, GATE_ASK };

/* How far an approval reaches: this exec only; everything the approved
 * process and its descendants start with the same identity and arguments;
 * the same identity and arguments for the rest of the session. */
enum approval_scope {
	SCOPE_ONCE = ESCORT__SCOPE__SCOPE_ONCE,
	SCOPE_TREE = ESCORT__SCOPE__SCOPE_TREE,
	SCOPE_SESSION = ESCORT__SCOPE__SCOPE_SESSION,
	SCOPE_PATH = ESCORT__SCOPE__SCOPE_PATH, /* changes under verdict.path by the tree */
};

/* The risk engine's levels travel as escort.proto's Level. */
_Static_assert(LEVEL_INFO == (int)ESCORT__LEVEL__LEVEL_INFO &&
		   LEVEL_LOW == (int)ESCORT__LEVEL__LEVEL_LOW &&
		   LEVEL_MEDIUM == (int)ESCORT__LEVEL__LEVEL_MEDIUM &&
		   LEVEL_HIGH == (int)ESCORT__LEVEL__LEVEL_HIGH &&
		   LEVEL_CRITICAL == (int)ESCORT__LEVEL__LEVEL_CRITICAL,
	       "risk levels and escort.proto's Level differ");

struct verdict {
	enum gate_action action;
	enum approval_scope scope;
	char by[128];	  /* "policy", "escort alice", ... */
	char reason[512]; /* one line, for the operator and the log */
	int cacheable;	  /* an answered ask the gate may reuse for the same exec */
	char path[512];	  /* SCOPE_PATH: the folder approved */
};

struct exec_facts {
	const struct exec_request *req;
	const struct program *prog;
	const struct risk_report *report;
};

/* A change to files the policy's table says must be asked about. */
struct change_facts {
	const struct change *change;
	pid_t pid;
	const struct risk_report *report;
};

/* Called once per ask, when the answer is known (allow or deny). */
typedef void (*policy_answer_fn)(void *gate, uint64_t ask_id, const struct verdict *v);

struct policy {
	const char *name;
	/* Bumped whenever decisions may change: cached decisions of an older
	 * generation are not used. */
	uint64_t generation;
	void (*decide)(struct policy *p, const struct exec_facts *f, struct verdict *out);
	/* Asks for approval. Returns -1 with out filled when nobody can be asked
	 * (the gate then refuses: fail-closed); 0 when the answer will come
	 * through answer(gate, ask_id, ...). */
	int (*ask)(struct policy *p, const struct exec_facts *f, uint64_t ask_id,
		   policy_answer_fn answer, void *gate, struct verdict *out);
	/* No answer is needed any more (the process gave up waiting, or the
	 * session is ending): whoever was asked is told why. */
	void (*cancel)(struct policy *p, uint64_t ask_id, const char *reason);
	/* Changes to files are decided by the table at once (there are too many
	 * to put each to escortd): allow, deny, or ask; reason says why. */
	enum gate_action (*change_action)(struct policy *p, const struct risk_report *r,
					  char *reason, size_t size);
	/* Asks an escort about a change, as ask does for an exec. */
	int (*ask_change)(struct policy *p, const struct change_facts *f, uint64_t ask_id,
			  policy_answer_fn answer, void *gate, struct verdict *out);
	void (*free)(struct policy *p);
	/* Asks about every exec (the broker decides): the gate does not tell
	 * the operator a command is held until the policy calls gate_waiting. */
	int asks_everything;
};

const char *gate_action_name(enum gate_action a);
const char *approval_scope_name(enum approval_scope s);
int approval_scope_parse(const char *s, enum approval_scope *out);

/* info and low: allow; medium and high: ask; critical: deny. Nobody can be
 * asked, so what needs approval is refused. */
struct policy *policy_standalone_new(void);

struct Escort__ExecRequest;
struct Escort__Decision;

/* What the broker policy needs from the session host, which owns the
 * connection to escortd and the operator's terminal: the gate knows the
 * session only through these calls, given at creation. */
struct broker_port {
	void *ctx;
	/* 1 while escortd is connected. */
	int (*up)(void *ctx);
	/* The action (0 allow, 1 deny, 2 ask) escortd's last table gives a
	 * level and rules while it is away. */
	Escort__Action (*offline_action)(void *ctx, int level, const char *const *rules,
					 size_t n_rules);
	/* Sends an exec question; -1 when it cannot be sent. */
	int (*ask)(void *ctx, const struct Escort__ExecRequest *r);
	/* Tells escortd an asked question's answer is no longer awaited. */
	void (*withdraw)(void *ctx, uint64_t ask_id, const char *reason);
	/* The last line the operator typed ("" when none). */
	const char *(*typed_line)(void *ctx);
};

/* Every exec is decided by escortd through port; while escortd is away, by
 * the table it last sent, and nothing can be approved. */
struct policy *policy_broker_new(const struct broker_port *port);
/* What the session host hears from escortd, passed on to the policy: an
 * answer (or the news that one waits for a person), escortd lost, back. */
void policy_broker_decision(struct policy *p, const struct Escort__Decision *d);
void policy_broker_lost(struct policy *p);
void policy_broker_back(struct policy *p);

#endif
