/* Relays the operator's terminal to the session's pseudo-terminal and back
 * (or, without a terminal, standard input, output and error to the
 * program's pipes), recording every byte, until the program ends. Nothing
 * here waits on the operator: output goes through outq.h. */
#ifndef ESCORT_RELAY_H
#define ESCORT_RELAY_H

#include "log/recorder.h"

#include <stdint.h>
#include <sys/types.h>

struct event_base;
struct relay;
struct typed_line;

struct relay_config {
	struct event_base *base; /* shared with the exec gate */
	int in_fd;		 /* operator input (standard input) */
	int out_fd;		 /* operator output (standard output) */
	int err_fd;		 /* the operator's standard error */
	int in_is_tty;		 /* in_fd is the operator's terminal */
	/* On a terminal: the pty's master, both ways (from_child_err -1). Without
	 * one: the program's stdin, stdout and stderr pipes; the relay closes
	 * to_child (end of input) and takes the other two. */
	int to_child, from_child, from_child_err;
	int messages; /* what the gate says to the operator (a pipe), or -1 */
	pid_t child;  /* the program, leader of its session */
	struct recorder *rec;
	struct typed_line *typed; /* fed with the operator's input on a terminal */
	/* Set to the running relay while relay_run runs (NULL otherwise), for
	 * relay_end_now. */
	struct relay **running;
	/* Called once when the session starts ending from our side (hang-up,
	 * a signal, terminate), before its processes are signalled: reason is
	 * the session-end reason (a constant string). May be NULL. */
	void (*ending)(void *ctx, const char *reason);
	/* Without a terminal: given a copy of every byte relayed between the
	 * operator and the program's standard input and output (from_program 0:
	 * the operator's input, before the program gets it), once recorded. It
	 * must not block; what it is given is not changed. NULL: nothing. */
	void (*watch)(void *ctx, int from_program, const uint8_t *data, size_t len);
	void *watch_ctx;
	void *ending_ctx;
};

/* Blocks the signals the relay handles; relay_run unblocks them once its
 * handlers are in place. Call before touching the operator's terminal. */
void relay_block_signals(void);

/* The event loop for in_fd (epoll cannot watch regular files). */
struct event_base *relay_new_base(int in_fd);

/* Runs until the program exits or the session must end; fills result. */
int relay_run(const struct relay_config *cfg, struct session_result *result);

/* Ends the session of running relay r at once (nothing when r is NULL):
 * every process in it is killed (a lock or a terminate from escortd). reason
 * goes into the session-end record. */
void relay_end_now(struct relay *r, const char *reason, const char *message);
/* Passes on now whatever the session's programs have written, then the gate's
 * lines waiting in their pipe (NULL: nothing). */
void relay_pass_output(struct relay *r);

#endif
