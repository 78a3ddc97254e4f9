/* escortd's state while it runs: connections, live sessions and the
 * approvals waiting for an escort. One event loop; every handler is short. */
#ifndef ESCORT_BROKER_H
#define ESCORT_BROKER_H

#include "config.h"
#include "log/recorder.h"
#include "proto/frame.h"
#include "risk/risk.h"
#include "store.h"

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define SCREEN_KEEP (64u << 10) /* output kept per session for a console that starts following */
#define ACK_RING 64

enum conn_role { CONN_NEW, CONN_SESSION, CONN_CONSOLE };

struct live_session;

struct conn {
	struct broker *b;
	struct bufferevent *bev;
	uid_t uid;
	pid_t pid;
	char account[64];
	enum conn_role role;
	struct live_session *session; /* CONN_SESSION */
	char follow[40];	      /* CONN_CONSOLE: the session whose screen it follows */
	int finishing;		      /* close once what was sent has left */
	struct event *finish_event;
	struct conn *next;
};

struct ack_mark {
	uint64_t seq, ticket;
};

struct live_session {
	char id[40];
	char op[64];
	uid_t uid;
	char host[256];
	char *argv_json;
	char **argv;
	size_t argc;
	char log[PATH_MAX];
	time_t started, away_since;
	struct recorder *rec;
	struct conn *conn; /* NULL while its session host is away */
	uint64_t received, acked;
	struct ack_mark marks[ACK_RING];
	unsigned n_marks;
	struct buf screen;
	unsigned cols, rows;
	unsigned pending;
	struct live_session *next;
};

struct pending {
	int64_t id;
	struct live_session *s;
	uint64_t ask_id;
	Escort__PendingInfo *info; /* what the escort is shown */
	time_t expires;
	struct pending *next;
};

struct broker {
	struct broker_config cfg;
	char state_dir[PATH_MAX / 2];
	struct event_base *base;
	struct store *store;
	struct risk_engine *risk;
	struct signing_key signer;
	struct recorder_options keys;
	struct auditor_key auditor;
	int listen_fd;
	struct event *accept_event, *tick, *stop_signals[2];
	struct conn *conns;
	struct live_session *sessions;
	struct pending *pending;
};

/* server.c */
int broker_listen(struct broker *b, const char *path, struct error *err);
void conn_send(struct conn *c, const Frame *f);
void conn_close(struct conn *c, const char *why);
/* Sends what is queued, then closes (a refusal that the peer must read). */
void conn_finish(struct conn *c, const char *why);
/* Closes at the next turn of the loop, dropping what is unsent. */
void conn_drop(struct conn *c, const char *why);
void broker_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* session-link.c */
void session_hello(struct conn *c, const Escort__Hello *h);
void session_record(struct conn *c, const Escort__Record *r);
void session_end(struct conn *c, const Escort__SessionEnd *e);
void session_gone(struct conn *c);
void sessions_tick(struct broker *b);
struct live_session *session_find(struct broker *b, const char *id);
/* A structured record written by the broker itself into a session's log. */
void session_note(struct live_session *s, uint16_t type, const struct buf *payload);
void session_terminate(struct live_session *s, const char *reason);

/* decide.c */
void exec_request(struct conn *c, Escort__ExecRequest *r);

/* approvals.c */
struct pending *pending_add(struct broker *b, struct live_session *s, Escort__PendingInfo *info,
			    uint64_t ask_id);
struct pending *pending_find(struct broker *b, int64_t id);
/* Answers an item: an escort's approval or denial, a timeout, a lock. */
void pending_close(struct broker *b, struct pending *p, int allow, int scope, const char *by,
		   const char *reason, const char *state);
void pending_drop_session(struct broker *b, struct live_session *s, const char *why);
void pending_tick(struct broker *b);
int approve_check(struct broker *b, const struct conn *c, const struct pending *p,
		  const char *confirm, char *why, size_t size);

/* console.c */
void console_request(struct conn *c, const Escort__ConsoleRequest *r);
void console_screen(struct broker *b, struct live_session *s, const uint8_t *data, size_t len,
		    int ended);

/* locks.c */
int lock_user(struct broker *b, const char *user, const char *reason, const char *by,
	      struct error *err);
int unlock_user(struct broker *b, const char *user, const char *by, struct error *err);

#endif
