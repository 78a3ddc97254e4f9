/* A trapped call that is not an exec (held-calls.c): does it change the
 * system, or reach a process outside the session? Judged from the
 * notification's arguments, /proc and, for adjtimex, four bytes of the
 * caller's memory (the notification is re-validated after such reads). */
#ifndef ESCORT_EFFECT_H
#define ESCORT_EFFECT_H

#include "held-calls.h"
#include "identity-cache.h"
#include "ipc-made.h"
#include "sockaddr.h"

#include <limits.h>

#include <seccomp.h>
#include <sys/types.h>

enum effect_outcome {
	EFFECT_ALLOW,	  /* answered CONTINUE: the kernel does the rest */
	EFFECT_REFUSE,	  /* refused with EPERM, told and recorded */
	EFFECT_AS_KERNEL, /* failed with error, as the kernel would (no such process) */
	EFFECT_GONE,	  /* the caller went away while it was judged: nothing to answer */
	EFFECT_DONE,	  /* the gate made the call for the caller: -error, or value */
};

struct effect {
	const struct held_call *call;
	int error;	      /* EFFECT_AS_KERNEL; EFFECT_DONE: the call failed with it */
	long value;	      /* EFFECT_DONE: the call's result when it did not fail */
	int signal;	      /* the signal sent, or 0 */
	pid_t target;	      /* the process or group reached (-N: group N), or 0 */
	int every_process;    /* kill(-1, ...) */
	char target_name[32]; /* its command name, when known */
	char file[PATH_MAX];  /* code loaded: the file, as the process sees it */
	/* How it is rated: the call's table entry, or what judging its
	 * arguments found (an address: "another machine", "Docker"). */
	int level;	    /* enum risk_level */
	const char *attack; /* MITRE ATT&CK technique */
	char what[512];	    /* what it would have done, for a non-engineer */
	char where[320];    /* "to 203.0.113.5 port 80", "on 0.0.0.0 port 8080", or "" */
	int has_address;    /* address holds the decoded address */
	int sock;	    /* the caller's socket the gate took (listen), or -1 */
	struct sockaddr_info address;
};

/* What the judging needs to know about the session. */
struct effect_scope {
	pid_t first;		      /* the session's first process (session-tree.h) */
	struct identity_cache *ids;   /* what files are (code loaded, code-map.h) */
	struct identity_index *index; /* the system's programs */
	int session_pts;	      /* N of the session's own /dev/pts/N, or -1 */
	struct ipc_made *ipc;	      /* System V objects the session made */
	const struct creds *self;     /* the gate thread's own rights */
};

enum effect_outcome effect_judge(int listener, const struct seccomp_notif *n,
				 const struct effect_scope *s, struct effect *e);

/* "kill signal 15 to process 123 (sleep)", "sethostname": what the call was. */
void effect_describe(const struct effect *e, char *out, size_t size);

#endif
