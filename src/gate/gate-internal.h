/* The gate's state, shared by the files that handle one kind of trapped
 * call: gate.c (execs and the listener), change-gate.c (changes to files).
 * Nothing outside src/gate includes it. */
#ifndef ESCORT_GATE_INTERNAL_H
#define ESCORT_GATE_INTERNAL_H

#include "caller-creds.h"
#include "change-calls.h"
#include "change-rate.h"
#include "creds-cache.h"
#include "decision-cache.h"
#include "effect.h"
#include "gate.h"
#include "held-watch.h"
#include "net-made.h"
#include "path-grants.h"
#include "program.h"
#include "request.h"
#include "tree-grants.h"
#include "util/buf.h"

#include <seccomp.h>
#include <sys/stat.h>

struct held {
	uint64_t ask_id, exec_id;
	struct seccomp_notif notif; /* to read the exec again before it goes */
	struct exec_request req;
	struct program prog;
	uint8_t key[DECISION_KEY_LEN];
	int level;
	int announced; /* the operator was told it waits */
	struct held *next;
};

struct gate {
	struct gate_config cfg;
	struct event *listener_event;
	struct seccomp_notif *notif;
	struct seccomp_notif_resp *resp;
	struct decision_cache *cache;
	struct identity_cache *ids; /* what files are: the gate's only such cache */
	struct exec_checks *checks;
	struct held *held;
	struct held_watch *watch; /* notices held execs whose process gave up */
	struct tree_grants *trees;
	const char *ended; /* why the session ended (nothing runs any more), or NULL */
	uint64_t next_id;
	struct gate_counters counters;
	int session_pts;	  /* N of the session's own /dev/pts/N, or -1 */
	struct link_names *links; /* other names of files the session linked */
	uint64_t handle_ns;	  /* the gate's CPU time, counted in ns */
	uint64_t notifications;	  /* received, for sampling the CPU clock */
	pid_t last_refused_pid;	  /* the last refusal shown to the operator */
	uint8_t last_refused_key[DECISION_KEY_LEN];
	pid_t last_effect_pid; /* the last refused call other than exec shown */
	const struct held_call *last_effect;
	struct creds self;	   /* the gate thread's own rights */
	struct creds_cache *creds; /* the rights of the threads that change files */
	struct change_rater rater; /* rates changes to files */
	pid_t last_change_pid;	   /* the last refused change shown */
	char last_change[256];
	uint64_t last_change_ms;
	struct held_change *held_changes; /* changes waiting for an escort */
	struct fifo_wait *fifo_waits;	  /* FIFO opens waiting for a reader */
	/* The session host's own streams: its standard input, output and error
	 * (the operator's real terminal, or sshd's pipes) and the messages pipe.
	 * What reaches them is never recorded. */
	struct stat streams[4];
	int nstreams;
	struct path_grants *paths; /* changes approved under a folder */
	struct net_made *net;	   /* network calls the gate makes for a caller */
	struct ipc_made *ipc_made; /* System V objects the session made */
	int session_root;	   /* the session's root directory (O_PATH), or -1 until needed */
};

/* Answers a call: 0 lets the kernel go on, otherwise it fails with error. */
void gate_respond(struct gate *g, uint64_t id, int error);
/* Answers a call with its result: a value, or -errno. */
void gate_respond_result(struct gate *g, uint64_t id, int result);
/* The session's root directory (O_PATH; the same for every process of it),
 * opened from pid's the first time; -1 when it cannot be. */
int gate_session_root(struct gate *g, pid_t pid);
/* An allowed connect, bind or send: made by the gate on the socket it takes,
 * with the address it judged: every call on an IP or a Unix socket
 * (net-made.h, net-unix.h); others left to the kernel. args: the
 * call's; approved: an escort allowed it (else the gate's own rating did). */
void gate_network_call(struct gate *g, pid_t tid, uint64_t id, enum held_check call,
		       const uint64_t args[6], const struct sockaddr_info *a, int approved);
/* Ends the operator's line b with " -- detail" and writes it, after the
 * session's output so far. */
void gate_message_end(struct gate *g, struct buf *b, const char *detail);

/* change-gate.c: a trapped call that changes files. */
void change_gate_handle(struct gate *g, const struct change_call *call);
/* The policy's answer to a held change; 0 when ask_id is not a change's. */
int change_gate_answer(struct gate *g, uint64_t ask_id, const struct verdict *v);
/* Changes whose process gave up waiting are withdrawn; 1 while some wait. */
int change_gate_withdraw_given_up(struct gate *g);
/* The session ended: every held change is refused and withdrawn. */
void change_gate_end(struct gate *g, const char *why);
void change_gate_waiting(struct gate *g, uint64_t ask_id, const char *detail);
int change_gate_own_file(void *ctx, const char *path);
int change_gate_holds_own_files(void *ctx, const char *path);
/* A network call net-effect.c did not allow: decided, or held, like a change. */
void change_gate_network(struct gate *g, const struct effect *e);

#endif
