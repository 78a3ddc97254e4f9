/* escortd's state while it runs: connections, live sessions and the
 * approvals waiting for an escort. One event loop; every handler is short. */
#ifndef ESCORT_BROKER_H
#define ESCORT_BROKER_H

#include "config.h"
#include "log/recorder.h"
#include "proto/frame.h"
#include "risk/risk.h"
#include "store.h"
#include "tls/ca.h"

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <limits.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define SCREEN_KEEP (64u << 10) /* output kept per session for a console that starts following */
#define ACK_RING 64

/* What a connection is, and how far it has come. Which messages each state
 * accepts is dispatch.c's table. */
enum conn_state {
	CONN_NEW,	/* waiting for Hello */
	CONN_OPENING,	/* a session host whose log is being opened off the loop */
	CONN_SESSION,	/* a live session's host */
	CONN_CONSOLE,	/* a console */
	CONN_ENDED,	/* a session host whose session ended: waiting for the last Ack */
	CONN_HANDSHAKE, /* TLS: the handshake is not done (no frame is read yet) */
	CONN_ENROLL,	/* TLS without a certificate: may enrol once, log in once, or open a
			   console with a credential of `escort login` */
	CONN_HOST,	/* TLS with a valid host certificate (c->host) */
	CONN_LOGIN,	/* TLS without a certificate: a person logs in (PAM's conversation) */
};

struct live_session;

/* How a session host signs and seals its own copy of the log, as its Hello
 * said: shown to escorts and owners, and refused by host_signing: required. */
struct host_log {
	Escort__Signing signing; /* SIGNING_KEY or SIGNING_EPHEMERAL, nothing else */
	char why[512];		 /* ephemeral: which key file, why */
	int sealed;		 /* its MAC keys are sealed to an auditor key */
	char signer[300];	 /* the verifier key it says it signs with */
	int unknown_signer;	 /* host_keys is set and does not have it */
	int bad_signature;	 /* a checkpoint it sent is not signed by signer */
};

struct conn {
	struct broker *b;
	struct bufferevent *bev;
	uint64_t serial; /* never reused: how slow jobs find their connection again */
	uid_t uid;
	pid_t pid;
	char account[64];
	char host[64];	      /* TLS: the host its certificate names; "" on the Unix socket */
	char cert_serial[40]; /* TLS: that certificate's serial (hex) */
	char address[64];     /* TLS: the peer's IP address */
	char credential[65];  /* TLS console: the hash of its credential (escort login) */
	int tls;
	enum conn_state state;
	struct live_session *session; /* CONN_OPENING, CONN_SESSION */
	char follow[40];	      /* CONN_CONSOLE: the session whose screen it follows */
	uint64_t request_id;	      /* CONN_CONSOLE: the request being answered */
	struct pam_attempt *login;    /* CONN_LOGIN: PAM's check (login.c) */
	size_t login_asked;	      /* CONN_LOGIN: items of the prompt not yet answered */
	time_t last_heard;	      /* monotonic seconds */
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
	int remote; /* its host is an enrolled one, on TLS: host is its certificate's */
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
	time_t ending_since; /* terminated or locked: nothing more runs; 0 otherwise */
	char end_reason[200];
	char kept_origin[256];	  /* of the first checkpoint its host sent, or "" */
	uint64_t kept_size;	  /* the tree size of the last one kept */
	struct host_log host_log; /* how its host signs its own log (host-log.c) */
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
	struct jobs *jobs;
	uint64_t next_serial;
	time_t last_beat; /* monotonic seconds of the last heartbeats sent */
	struct conn *conns;
	struct live_session *sessions; /* live: their logs are open */
	struct live_session *opening;  /* their logs are being opened by the worker */
	struct live_session *closing;  /* their logs are being sealed by the worker */
	uint64_t sessions_ended; /* marked ended in escortd.db (the web console's index follows) */
	struct pending *pending;
	/* The fleet (tls-listen.c): escortd's CA and its TLS listener. */
	struct ca ca;
	void *tls_ctx; /* SSL_CTX */
	X509 *next_ca; /* during a CA rotation (STATE/ca/next): handed to hosts as they renew */
	int tls_fd;
	struct event *tls_accept;
	/* escort login (login.c): PAM off the loop, and the wrong guesses. */
	struct pam_check *login_pam;
	struct login_limit *login_limit;
};

/* setup.c: everything escortd needs before it listens, shared with the
 * tests and fuzzers that drive a broker without a socket. First the
 * configuration, checked against the rules escortd rates with (nothing else
 * is touched: escortd --check-config stops there), then the rest. */
enum config_verdict { CONFIG_OK, CONFIG_REFUSED, CONFIG_NO_RULES };
enum config_verdict broker_load_config(struct broker *b, const char *config_path,
				       struct error *err);
int broker_open(struct broker *b, const char *state_dir, struct error *err);
void broker_close(struct broker *b);

/* server.c */
int broker_listen(struct broker *b, const char *path, struct error *err);
/* A connection on fd whose peer is uid/pid (from the kernel). */
struct conn *conn_new(struct broker *b, int fd, uid_t uid, pid_t pid);
struct conn *conn_find(struct broker *b, uint64_t serial);
const char *conn_state_name(enum conn_state s);
/* Who is on c, for escortd's log: the account, uid and pid the kernel gave;
 * over TLS the host its certificate names and the account it claims. */
const char *conn_who(const struct conn *c, char *buf, size_t size);
/* Heartbeats out, silent peers (30 s) closed: from the tick. */
void conns_tick(struct broker *b);
void conn_send(struct conn *c, const Frame *f);
void conn_close(struct conn *c, const char *why);
/* Sends what is queued, then closes (a refusal that the peer must read). */
void conn_finish(struct conn *c, const char *why);
/* Closes at the next turn of the loop, dropping what is unsent. */
void conn_drop(struct conn *c, const char *why);
/* What escortd says on standard error: broker_log always, broker_debug
 * with -v (connections, every decision); nothing at all when negative. */
extern int broker_verbose;
void broker_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void broker_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* tls-listen.c: escortd's TCP listener (TLS 1.3, certificates of its CA;
 * docs/PROTOCOL.md, The fleet). hostport is "ADDR:PORT". */
int broker_listen_tls(struct broker *b, const char *hostport, struct error *err);
/* The handshake is done: who the peer is, from its certificate alone. */
void tls_peer_identify(struct conn *c);
/* A TLS connection on bev (the handshake not done yet). */
struct conn *conn_new_tls(struct broker *b, struct bufferevent *bev, const char *address);
/* Whether another TLS connection from address may be taken: escortd's limit
 * on all connections, and of those not yet known by a certificate 256 at
 * most, 32 from one address (so that strangers on the network cannot crowd
 * out hosts and local consoles). */
int conn_room_for_tls(const struct broker *b, const char *address);

/* enroll.c: a host without a certificate asks for one with a join token. */
void enroll_request(struct conn *c, const Escort__EnrollRequest *r);
/* A host with a valid certificate asks for a new one (no token): issued for
 * the name of the certificate it connected with. */
void enroll_renewal(struct conn *c, const Escort__EnrollRequest *r);

/* login.c: an escort's console on another machine (docs/PROTOCOL.md,
 * Login). A password checked by PAM (service "escort", off the loop) buys
 * a credential that names the person; a console's Hello over TLS must
 * carry one, and who it is comes from it alone. */
int login_start(struct broker *b, struct error *err);
void login_stop(struct broker *b);
void login_request(struct conn *c, const Escort__LoginRequest *r);
void login_answer(struct conn *c, const Escort__LoginAnswer *r);
/* c closes during its login: PAM's conversation is cancelled. */
void login_gone(struct conn *c);
void login_console_hello(struct conn *c, const Escort__Hello *h);

/* revoke.c: host's certificates are revoked (in the store); its
 * connections and live sessions end now. Returns how many connections. */
unsigned broker_cut_host(struct broker *b, const char *host);

/* host-log.c: what a Hello says of the host's own log, kept in h (an
 * unknown or missing signing is taken as ephemeral). */
void host_log_take(struct host_log *h, const Escort__SessionMeta *m,
		   const struct broker_config *cfg);
/* The warning for escortd's log and the consoles, or NULL when the host
 * signs with its key and seals its MAC keys. */
const char *host_log_warning(const struct host_log *h, char *buf, size_t size);
/* The warning, or that all is well: the host_log field of escortd's copy. */
const char *host_log_summary(const struct host_log *h, char *buf, size_t size);
/* The refusal for a session host without a signing key when the
 * configuration says host_signing: required, or NULL. */
const char *host_log_refusal(const struct broker_config *cfg, const struct host_log *h, char *buf,
			     size_t size);
/* The same as a message for a console's SessionInfo (pointing into h). */
void host_log_info(const struct host_log *h, Escort__HostLog *out);

/* dispatch.c: the one place that says which message each state accepts.
 * Returns -1 for a message not expected in the connection's state. */
int dispatch_frame(struct conn *c, Frame *f);

/* jobs.c: slow work (opening, resuming and sealing logs) off the event
 * loop, as redis' bio.c. work runs on the worker thread and must not touch
 * the broker's lists; done runs on the loop afterwards, in submission order. */
typedef void (*job_work_fn)(void *arg);
typedef void (*job_done_fn)(struct broker *b, void *arg);
int jobs_start(struct broker *b, struct error *err);
void jobs_submit(struct broker *b, job_work_fn work, job_done_fn done, void *arg);
/* Waits until every job submitted so far has run (tests, shutdown). */
void jobs_drain(struct broker *b);
void jobs_stop(struct broker *b);

/* session-open.c */
void session_hello(struct conn *c, const Escort__Hello *h);

/* sessions.c */
void session_record(struct conn *c, const Escort__Record *r);
void session_end(struct conn *c, const Escort__SessionEnd *e);
void session_gone(struct conn *c);
void sessions_tick(struct broker *b);
struct live_session *session_find(struct broker *b, const char *id);
/* Ends s: out of the live list now, its log sealed on the worker, then the
 * final Ack to the connection ack_conn (a serial; 0: nobody is owed one). */
void session_finish(struct broker *b, struct live_session *s, const struct session_result *r,
		    uint64_t ack_conn);
void session_free(struct live_session *s);
void unlink_from(struct live_session **list, struct live_session *s);
/* A structured record written by the broker itself into a session's log. */
void session_note(struct live_session *s, uint16_t type, const struct buf *payload);
void session_terminate(struct live_session *s, const char *reason);

/* kept-checkpoints.c: the checkpoints of a session's logs, kept apart from
 * them in STATE/checkpoints/SESSION.notes (its host's, sent as records of
 * type checkpoint, and escortd's own, appended by its log's writer). */
void kept_checkpoints_path(const struct broker *b, const struct live_session *s, char *out,
			   size_t size);
void session_keep_checkpoint(struct broker *b, struct live_session *s, const uint8_t *note,
			     size_t len);

/* decide.c */
void decide_exec(struct conn *c, Escort__ExecRequest *r);

/* approvals.c */
struct pending *pending_add(struct broker *b, struct live_session *s, Escort__PendingInfo *info,
			    uint64_t ask_id);
struct pending *pending_find(struct broker *b, int64_t id);
/* Answers an item: an escort's approval or denial, a timeout, a lock. */
void pending_close(struct broker *b, struct pending *p, enum policy_action action,
		   Escort__Scope scope, const char *path, const char *by, const char *reason,
		   const char *state);
void pending_withdraw(struct conn *c, const Escort__Withdraw *w);
void pending_drop_session(struct broker *b, struct live_session *s, const char *why);
void pending_tick(struct broker *b);
int approve_check(struct broker *b, const struct conn *c, const struct pending *p,
		  const char *confirm, char *why, size_t size);

/* scope.c: what a console's person sees and acts on (1: yes). */
int scope_cleared(const struct person *p, int level);
int scope_sees_session(const struct broker *b, const char *account, const struct live_session *s);
int scope_sees_item(const struct broker *b, const char *account, const struct pending *item);
int scope_may_end(const struct broker *b, const char *account, const struct live_session *s);
/* 0: account may lock (on) or unlock user; -1 with why. */
int scope_lock_check(struct broker *b, const char *account, const char *user, int on, char *why,
		     size_t size);

/* console.c */
void console_hello(struct conn *c);
void console_request(struct conn *c, const Escort__ConsoleRequest *r);
void console_screen(struct broker *b, struct live_session *s, const uint8_t *data, size_t len,
		    int ended);

/* locks.c */
int lock_user(struct broker *b, const char *user, const char *reason, const char *by,
	      struct error *err);
int unlock_user(struct broker *b, const char *user, const char *by, struct error *err);

#endif
