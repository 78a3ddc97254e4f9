#include "broker-client.h"

#include "broker-tls.h"

#include "log/record.h"
#include "proto/names.h"
#include "proto/text.h"
#include "util/exit-status.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_SOCKET "/run/escort/escortd.sock"
#define WELCOME_WAIT_MS 5000
#define SPOOL_LIMIT (256u << 20) /* recording kept for an absent escortd */
#define FINISH_WAIT_S 10
#define HEARTBEAT_S 10
#define SILENCE_LIMIT_S 30 /* escortd heard from less often than this is gone */
#define ANSWER_LIMIT_S 5   /* TLS: an ExecRequest unanswered this long: the link is gone */

struct spooled {
	uint64_t seq;
	uint16_t type;
	int urgent;
	size_t len;
	uint8_t *data;
};

struct broker_client {
	char socket[108];
	struct broker_tls *tls; /* escortd over TLS (an enrolled host), else the socket */
	struct tls_link first;	/* TLS: the connection of the first hello, until started */
	char session[40];
	struct event_base *base;
	struct bufferevent *bev;
	struct event *retry, *heartbeat, *give_up;
	struct event *answer_wait; /* TLS: an ExecRequest sent, nothing heard since */
	struct broker_client_callbacks cb;
	int up, resuming, finishing, terminated, end_acked;
	int told_lost;	   /* the operator was told escortd is away */
	time_t last_heard; /* monotonic seconds */
	Escort__Action offline[LEVEL_CRITICAL + 1];
	char **rules;
	Escort__Action *rule_actions;
	size_t n_rules;
	struct spooled *spool;
	size_t n_spool, cap_spool, spool_bytes;
	int signing_key, sealed; /* how the session's own log is signed: every Hello says */
	char signing_why[PATH_MAX + 100];
	char signer[300]; /* the verifier key of the session's own log */
	uint64_t next_seq, acked;
};

const char *broker_client_socket(const char *given)
{
	const char *env = getenv("ESCORT_SOCKET");

	if (given)
		return given;
	if (env && env[0])
		return env;
	return access(DEFAULT_SOCKET, F_OK) == 0 ? DEFAULT_SOCKET : NULL;
}

static int dial(const char *path, struct error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return error_set(err, "the socket path %s is too long", path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return error_errno(err, "cannot create a socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		error_errno(err, "cannot reach escortd at %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

static void keep_signing(struct broker_client *l, const struct recorder_options *keys)
{
	l->signing_key = keys && keys->signer && !keys->signer_ephemeral;
	l->sealed = keys && keys->auditor != NULL;
	snprintf(l->signing_why, sizeof(l->signing_why), "%s",
		 keys && keys->signer_why ? keys->signer_why : "");
	if (keys && keys->signer)
		signing_key_vkey(keys->signer, l->signer, sizeof(l->signer));
}

/* Over TLS the hello says who types: the account running this session
 * (escortd takes it as the host's claim). */
static void claim_account(Escort__Hello *h, char *name, size_t size)
{
	struct passwd *pw = getpwuid(getuid());

	snprintf(name, size, "%s", pw ? pw->pw_name : "");
	h->account = name;
	h->uid = (uint32_t)getuid();
}

static void hello_encode(const struct broker_client *l, const struct session_meta *m,
			 const char *resume, struct buf *out)
{
	char account[64];
	Escort__Hello h = ESCORT__HELLO__INIT;
	Escort__SessionMeta sm = ESCORT__SESSION_META__INIT;
	Escort__HostLog hl = ESCORT__HOST_LOG__INIT;
	Frame f = ESCORT__FRAME__INIT;
	struct text_arena t = {0};
	size_t argc = 0;

	h.kind = ESCORT__PEER_KIND__PEER_SESSION;
	h.resume_session = (char *)(resume ? resume : "");
	if (l->tls)
		claim_account(&h, account, sizeof(account));
	hl.signing =
	    l->signing_key ? ESCORT__SIGNING__SIGNING_KEY : ESCORT__SIGNING__SIGNING_EPHEMERAL;
	hl.why = text_utf8(&t, l->signing_why);
	hl.sealed = l->sealed;
	hl.signer = text_utf8(&t, l->signer);
	sm.host_log = &hl;
	h.meta = &sm;
	if (m) {
		while (m->argv[argc])
			argc++;
		sm.host = text_utf8(&t, m->host);
		sm.tty = text_utf8(&t, m->tty);
		sm.pty = text_utf8(&t, m->pty);
		sm.term = text_utf8(&t, m->term);
		sm.origin = text_utf8(&t, m->origin);
		sm.n_argv = argc;
		sm.argv = text_utf8_all(&t, m->argv, argc);
		sm.ssh_connection = text_utf8(&t, m->ssh_connection);
		sm.ssh_original_command = text_utf8(&t, m->ssh_original_command);
		sm.cols = m->cols;
		sm.rows = m->rows;
	}
	f.body_case = ESCORT__FRAME__BODY_HELLO;
	f.hello = &h;
	frame_encode(&f, out);
	text_arena_free(&t);
}

static int send_hello(const struct broker_client *l, int fd, const struct session_meta *m,
		      const char *resume, struct error *err)
{
	struct buf b = {0};
	size_t done = 0;

	hello_encode(l, m, resume, &b);
	while (done < b.len) {
		ssize_t n = write(fd, b.data + done, b.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			buf_free(&b);
			return error_errno(err, "cannot send the hello to escortd");
		}
		done += (size_t)n;
	}
	buf_free(&b);
	return 0;
}

static void keep_policy(struct broker_client *l, const Escort__PolicyTable *t)
{
	for (int i = 0; i <= LEVEL_CRITICAL; i++)
		l->offline[i] = ESCORT__ACTION__ACTION_DENY; /* what the table does not say */
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n_actions && i <= LEVEL_CRITICAL; i++)
		l->offline[i] = t->actions[i];
	for (size_t i = 0; i < l->n_rules; i++)
		free(l->rules[i]);
	free(l->rules);
	free(l->rule_actions);
	l->n_rules = t->n_rules < t->n_rule_actions ? t->n_rules : t->n_rule_actions;
	l->rules = xcalloc(l->n_rules + 1, sizeof(char *));
	l->rule_actions = xcalloc(l->n_rules + 1, sizeof(*l->rule_actions));
	for (size_t i = 0; i < l->n_rules; i++) {
		l->rules[i] = xstrdup(t->rules[i]);
		l->rule_actions[i] = t->rule_actions[i];
	}
}

/* escortd's heartbeats may come before the welcome while it opens the log. */
static int read_welcome(int fd, struct buf *in, Frame **f, struct error *err)
{
	for (;;) {
		if (frame_read_fd(fd, in, f, WELCOME_WAIT_MS, err) < 0)
			return -1;
		if ((*f)->body_case != ESCORT__FRAME__BODY_HEARTBEAT)
			return 0;
		frame_free(*f);
		*f = NULL;
	}
}

/* The hello on the Unix socket: the descriptor, or -1 with err. */
static int hello_unix(struct broker_client *l, const struct session_meta *meta, Frame **f,
		      struct error *err)
{
	struct buf in = {0};
	int fd = dial(l->socket, err);

	if (fd >= 0 &&
	    (send_hello(l, fd, meta, NULL, err) < 0 || read_welcome(fd, &in, f, err) < 0)) {
		close(fd);
		fd = -1;
	}
	buf_free(&in);
	return fd;
}

/* The hello over TLS, on l->first. */
static int hello_tls(struct broker_client *l, const struct session_meta *meta, Frame **f,
		     struct error *err)
{
	struct buf b = {0};
	int rc;

	if (broker_tls_dial(l->tls, &l->first, err) < 0)
		return -1;
	hello_encode(l, meta, NULL, &b);
	rc = tls_bytes_write(&l->first, b.data, b.len, err);
	buf_free(&b);
	return rc == 0 ? tls_answer_read(&l->first, f, err) : -1;
}

static int take_welcome(struct broker_client *l, const Frame *f, struct error *err)
{
	if (f->body_case != ESCORT__FRAME__BODY_WELCOME)
		return error_set(err, "escortd answered the hello with message %d",
				 (int)f->body_case);
	if (!f->welcome->accepted)
		return error_set(err, "escortd refuses it: %s", f->welcome->reason);
	snprintf(l->session, sizeof(l->session), "%s", f->welcome->session);
	keep_policy(l, f->welcome->policy);
	return 0;
}

struct broker_client *broker_client_open(const char *socket, struct broker_tls *tls,
					 const struct session_meta *meta,
					 const struct recorder_options *keys, struct error *err)
{
	struct broker_client *l = xcalloc(1, sizeof(*l));
	Frame *f = NULL;
	int fd = -1, rc;

	snprintf(l->socket, sizeof(l->socket), "%s", socket ? socket : "");
	l->tls = tls;
	l->first.fd = -1;
	keep_signing(l, keys);
	if (tls)
		rc = hello_tls(l, meta, &f, err);
	else
		rc = (fd = hello_unix(l, meta, &f, err)) < 0 ? -1 : 0;
	if (rc < 0 || take_welcome(l, f, err) < 0) {
		frame_free(f);
		if (fd >= 0)
			close(fd);
		broker_client_free(l);
		return NULL;
	}
	frame_free(f);
	l->bev = (struct bufferevent *)(intptr_t)fd; /* wrapped in broker_client_start */
	l->up = 1;
	l->next_seq = 1;
	return l;
}

int broker_client_up(const struct broker_client *l)
{
	return l->up;
}

const char *broker_client_session(const struct broker_client *l)
{
	return l->session;
}

Escort__Action broker_client_offline_action(const struct broker_client *l, int level,
					    const char *const *rules, size_t n_rules)
{
	int matched = 0;
	Escort__Action by_rule = ESCORT__ACTION__ACTION_ALLOW;

	for (size_t i = 0; i < n_rules; i++)
		for (size_t k = 0; k < l->n_rules; k++)
			if (strcmp(rules[i], l->rules[k]) == 0) {
				by_rule = matched ? action_strictest(by_rule, l->rule_actions[k])
						  : l->rule_actions[k];
				matched = 1;
			}
	if (matched)
		return by_rule;
	return level >= 0 && level <= LEVEL_CRITICAL ? l->offline[level]
						     : ESCORT__ACTION__ACTION_DENY;
}

static void send_frame(struct broker_client *l, const Frame *f)
{
	struct buf b = {0};

	frame_encode(f, &b);
	bufferevent_write(l->bev, b.data, b.len);
	buf_free(&b);
}

static void send_record(struct broker_client *l, const struct spooled *s)
{
	Escort__Record r = ESCORT__RECORD__INIT;
	Frame f = ESCORT__FRAME__INIT;

	r.seq = s->seq;
	r.type = s->type;
	r.payload.data = s->data;
	r.payload.len = s->len;
	r.urgent = s->urgent;
	f.body_case = ESCORT__FRAME__BODY_RECORD;
	f.record = &r;
	send_frame(l, &f);
}

static void drop_acked(struct broker_client *l, uint64_t seq)
{
	size_t k = 0;

	while (k < l->n_spool && l->spool[k].seq <= seq) {
		l->spool_bytes -= l->spool[k].len;
		free(l->spool[k].data);
		k++;
	}
	if (k > 0) {
		memmove(l->spool, l->spool + k, (l->n_spool - k) * sizeof(*l->spool));
		l->n_spool -= k;
	}
	if (seq > l->acked)
		l->acked = seq;
}

void broker_client_record(void *link, uint16_t type, const void *data, size_t len, int urgent)
{
	struct broker_client *l = link;
	struct spooled s = {l->next_seq++, type, urgent, len, xmalloc(len)};

	memcpy(s.data, data, len);
	if (l->n_spool == l->cap_spool) {
		l->cap_spool = l->cap_spool ? l->cap_spool * 2 : 256;
		l->spool = xreallocarray(l->spool, l->cap_spool, sizeof(*l->spool));
	}
	l->spool[l->n_spool++] = s;
	l->spool_bytes += len;
	if (l->up && !l->resuming)
		send_record(l, &s);
	if (l->spool_bytes > SPOOL_LIMIT && !l->terminated && l->cb.terminate) {
		l->terminated = 1;
		l->cb.terminate(l->cb.arg, "escortd has been away too long to keep the recording "
					   "for it");
	}
}

/* escortd answers every ExecRequest at once (pending, or its decision): a
 * link that carries no answer for ANSWER_LIMIT_S is cut (a network link
 * can fail without a word, unlike the Unix socket), so that what waits is
 * refused now rather than after 30 silent seconds. */
static void expect_answer(struct broker_client *l)
{
	struct timeval limit = {ANSWER_LIMIT_S, 0};

	if (l->answer_wait && !evtimer_pending(l->answer_wait, NULL))
		evtimer_add(l->answer_wait, &limit);
}

static void lose(struct broker_client *l, const char *why);

static void on_no_answer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	lose(arg, "escortd did not answer in time");
}

int broker_client_ask(struct broker_client *l, const Escort__ExecRequest *r)
{
	Frame f = ESCORT__FRAME__INIT;

	if (!l->up || l->resuming)
		return -1;
	f.body_case = ESCORT__FRAME__BODY_EXEC_REQUEST;
	f.exec_request = (Escort__ExecRequest *)r;
	send_frame(l, &f);
	expect_answer(l);
	return 0;
}

void broker_client_withdraw(struct broker_client *l, uint64_t ask_id, const char *reason)
{
	Escort__Withdraw w = ESCORT__WITHDRAW__INIT;
	Frame f = ESCORT__FRAME__INIT;

	if (!l->up || l->resuming)
		return;
	w.ask_id = ask_id;
	w.reason = (char *)reason;
	f.body_case = ESCORT__FRAME__BODY_WITHDRAW;
	f.withdraw = &w;
	send_frame(l, &f);
}

static void lose(struct broker_client *l, const char *why);

/* Lines to the operator go through the session, which records them. */
static void tell(struct broker_client *l, const char *fmt, ...)
{
	char line[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (l->cb.say)
		l->cb.say(l->cb.arg, line);
	else
		fprintf(stderr, "escort: %s\n", line);
}

static void welcome_back(struct broker_client *l, const Escort__Welcome *w)
{
	if (!w->accepted) {
		tell(l, "escortd does not take the session back: %s", w->reason);
		l->resuming = 0;
		l->terminated = 1;
		if (l->cb.terminate)
			l->cb.terminate(l->cb.arg, w->reason);
		return;
	}
	l->resuming = 0;
	l->up = 1;
	keep_policy(l, w->policy);
	drop_acked(l, w->acked);
	for (size_t i = 0; i < l->n_spool; i++)
		send_record(l, &l->spool[i]);
	if (l->told_lost)
		tell(l, "escortd is back: commands that need approval can be approved again");
	l->told_lost = 0;
	if (l->cb.back)
		l->cb.back(l->cb.arg);
	if (l->finishing)
		event_base_loopbreak(l->base);
}

static void handle(struct broker_client *l, const Frame *f)
{
	switch (f->body_case) {
	case ESCORT__FRAME__BODY_WELCOME:
		if (l->resuming)
			welcome_back(l, f->welcome);
		break;
	case ESCORT__FRAME__BODY_ACK:
		drop_acked(l, f->ack->seq);
		if (l->finishing && f->ack->session_end) {
			l->end_acked = 1;
			event_base_loopbreak(l->base);
		}
		break;
	case ESCORT__FRAME__BODY_DECISION:
		if (l->cb.decision)
			l->cb.decision(l->cb.arg, f->decision);
		break;
	case ESCORT__FRAME__BODY_TERMINATE:
		l->terminated = 1;
		if (l->cb.terminate)
			l->cb.terminate(l->cb.arg, f->terminate->reason);
		break;
	default:
		break;
	}
}

static time_t now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct broker_client *l = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	l->last_heard = now_s();
	if (l->answer_wait)
		evtimer_del(l->answer_wait);
	while (l->bev == bev) {
		size_t have = evbuffer_get_length(in), used;
		struct error err;
		Frame *f;
		if (have == 0)
			return;
		int rc = frame_parse(evbuffer_pullup(in, -1), have, &used, &f, &err);
		if (rc == 0)
			return;
		if (rc < 0)
			return lose(l, err.msg);
		evbuffer_drain(in, used);
		handle(l, f);
		frame_free(f);
	}
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		lose(arg, "the connection closed");
}

static int wrap(struct broker_client *l, int fd, struct error *err)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	l->bev = bufferevent_socket_new(l->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (l->bev == NULL) {
		close(fd);
		return error_set(err, "cannot watch the connection to escortd");
	}
	bufferevent_setcb(l->bev, on_read, NULL, on_event, l);
	bufferevent_setwatermark(l->bev, EV_READ, 0, FRAME_MAX + FRAME_HEADER + 65536);
	bufferevent_enable(l->bev, EV_READ | EV_WRITE);
	l->last_heard = now_s();
	return 0;
}

static void watch(struct broker_client *l)
{
	bufferevent_setcb(l->bev, on_read, NULL, on_event, l);
	bufferevent_setwatermark(l->bev, EV_READ, 0, FRAME_MAX + FRAME_HEADER + 65536);
	bufferevent_enable(l->bev, EV_READ | EV_WRITE);
	l->last_heard = now_s();
}

/* The first connection over TLS, onto the loop. */
static int wrap_tls(struct broker_client *l, struct error *err)
{
	if ((l->bev = broker_tls_wrap(l->base, &l->first)) == NULL)
		return error_set(err, "cannot watch the connection to escortd");
	watch(l);
	return 0;
}

/* Reconnecting over TLS: the handshake is done; is it escortd? Then the
 * hello that resumes the session. */
static void on_tls_connect(struct bufferevent *bev, short what, void *arg)
{
	struct broker_client *l = arg;
	struct buf b = {0};

	if (!(what & BEV_EVENT_CONNECTED))
		return lose(l, "cannot reach escortd");
	if (!broker_tls_pinned(bev, l->tls))
		return lose(l, "the broker's certificate does not have the pin of enrolment");
	hello_encode(l, NULL, l->session, &b);
	bufferevent_write(bev, b.data, b.len);
	buf_free(&b);
	watch(l);
	l->resuming = 1;
	l->up = 1;
}

static void retry_tls(struct broker_client *l)
{
	struct timeval second = {1, 0};
	struct error err;

	if ((l->bev = broker_tls_connect(l->base, l->tls, &err)) == NULL) {
		evtimer_add(l->retry, &second);
		return;
	}
	bufferevent_setcb(l->bev, NULL, NULL, on_tls_connect, l);
	bufferevent_enable(l->bev, EV_READ | EV_WRITE);
}

static void lose(struct broker_client *l, const char *why)
{
	struct timeval second = {1, 0};
	int was_up = l->up && !l->resuming;

	if (l->bev == NULL)
		return;
	bufferevent_free(l->bev);
	l->bev = NULL;
	if (l->answer_wait)
		evtimer_del(l->answer_wait);

	l->up = 0; /* first: the line told is recorded, and spooled */
	l->resuming = 0;
	if (was_up) {
		tell(l,
		     "lost escortd (%s): commands that need approval are refused until it is "
		     "back",
		     why);
		l->told_lost = 1;
	}
	if (l->cb.lost)
		l->cb.lost(l->cb.arg);
	evtimer_add(l->retry, &second);
	if (l->finishing)
		event_base_loopbreak(l->base);
}

static void on_retry(evutil_socket_t fd_unused, short what, void *arg)
{
	struct broker_client *l = arg;
	struct timeval second = {1, 0};
	struct error err;
	int fd;

	(void)fd_unused;
	(void)what;
	if (l->bev != NULL || l->terminated)
		return;
	if (l->tls)
		return retry_tls(l);
	fd = dial(l->socket, &err);
	if (fd < 0 || send_hello(l, fd, NULL, l->session, &err) < 0 || wrap(l, fd, &err) < 0) {
		if (fd >= 0 && l->bev == NULL)
			close(fd);
		evtimer_add(l->retry, &second);
		return;
	}
	l->resuming = 1;
	l->up = 1;
}

static void on_heartbeat(evutil_socket_t fd, short what, void *arg)
{
	struct broker_client *l = arg;
	Escort__Heartbeat h = ESCORT__HEARTBEAT__INIT;
	Frame f = ESCORT__FRAME__INIT;

	(void)fd;
	(void)what;
	if (l->bev && now_s() - l->last_heard > SILENCE_LIMIT_S)
		return lose(l, "escortd has been silent for 30 seconds");
	if (!l->up || l->resuming)
		return;
	f.body_case = ESCORT__FRAME__BODY_HEARTBEAT;
	f.heartbeat = &h;
	send_frame(l, &f);
}

int broker_client_start(struct broker_client *l, struct event_base *base,
			const struct broker_client_callbacks *cb, struct error *err)
{
	struct timeval beat = {HEARTBEAT_S, 0};
	int fd = (int)(intptr_t)l->bev;

	l->base = base;
	l->cb = *cb;
	l->bev = NULL;
	l->retry = evtimer_new(base, on_retry, l);
	if (l->tls && (l->answer_wait = evtimer_new(base, on_no_answer, l)) == NULL)
		return error_set(err, "cannot set up the connection to escortd");
	l->heartbeat = event_new(base, -1, EV_PERSIST, on_heartbeat, l);
	if (l->retry == NULL || l->heartbeat == NULL || event_add(l->heartbeat, &beat) < 0) {
		if (fd >= 0)
			close(fd);
		return error_set(err, "cannot set up the connection to escortd");
	}
	if (l->tls)
		return wrap_tls(l, err);
	return wrap(l, fd, err);
}

static void on_give_up(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopbreak(((struct broker_client *)arg)->base);
}

static void end_frame(Frame *f, Escort__SessionEnd *e, const struct session_result *r,
		      struct text_arena *t)
{
	e->exit_status = r->exit_status;
	e->signal = r->signal;
	e->reason = text_utf8(t, r->reason ? r->reason : "exit");
	e->error = text_utf8(t, r->error);
	e->execs = r->gate.execs;
	e->allowed = r->gate.allowed;
	e->denied = r->gate.denied;
	e->held = r->gate.held;
	e->cached = r->gate.cached;
	e->verified = r->gate.verified;
	e->unverified = r->gate.unverified;
	e->mismatched = r->gate.mismatched;
	e->gate_cpu_us = r->gate.gate_cpu_us;
	f->body_case = ESCORT__FRAME__BODY_END;
	f->end = e;
}

/* Before broker_client_start over TLS: the first connection is still
 * blocking (its reads time out as the dial set). */
static int refuse_unstarted_tls(struct broker_client *l, const Frame *end, struct error *err)
{
	Frame *f = NULL;
	int rc = tls_frame_write(&l->first, end, err);

	while (rc == 0 && (rc = tls_frame_read(&l->first, &f, err)) == 0) {
		int done = f->body_case == ESCORT__FRAME__BODY_ACK && f->ack->session_end;
		frame_free(f);
		if (done)
			break;
	}
	tls_link_close(&l->first);
	return rc;
}

/* Before broker_client_start: the connection is still a plain descriptor. */
static int refuse_unstarted(struct broker_client *l, const Frame *end, struct error *err)
{
	int fd = (int)(intptr_t)l->bev;
	struct buf in = {0};
	Frame *f = NULL;
	int rc;

	l->bev = NULL;
	rc = frame_write_fd(fd, end, err);
	while (rc == 0 && (rc = frame_read_fd(fd, &in, &f, FINISH_WAIT_S * 1000, err)) == 0) {
		int done = f->body_case == ESCORT__FRAME__BODY_ACK && f->ack->session_end;
		frame_free(f);
		if (done)
			break;
	}
	buf_free(&in);
	close(fd);
	return rc;
}

void broker_client_refuse(struct broker_client *l, const char *why)
{
	const struct session_result r = {
	    .exit_status = EXIT_ESCORT_FAILED, .reason = "refused", .error = why};
	Escort__SessionEnd e = ESCORT__SESSION_END__INIT;
	Frame f = ESCORT__FRAME__INIT;
	struct text_arena t = {0};
	struct error err;

	if (l == NULL)
		return;
	if (l->base != NULL) { /* started: it may have lost its connection */
		if (l->bev != NULL || l->retry != NULL)
			broker_client_finish(l, &r);
		return;
	}
	end_frame(&f, &e, &r, &t);
	if ((l->tls ? refuse_unstarted_tls(l, &f, &err) : refuse_unstarted(l, &f, &err)) < 0)
		fprintf(stderr, "escort: escortd did not confirm the refusal of session %s: %s\n",
			l->session, err.msg);
	text_arena_free(&t);
}

void broker_client_finish(struct broker_client *l, const struct session_result *r)
{
	Escort__SessionEnd e = ESCORT__SESSION_END__INIT;
	struct timeval wait = {FINISH_WAIT_S, 0};
	Frame f = ESCORT__FRAME__INIT;
	struct text_arena t = {0};

	end_frame(&f, &e, r, &t);
	l->finishing = 1;
	l->give_up = evtimer_new(l->base, on_give_up, l);
	if (l->give_up)
		evtimer_add(l->give_up, &wait);
	/* Until escortd has everything: wait for it to come back, resend, end. */
	while (l->give_up && evtimer_pending(l->give_up, NULL)) {
		if (l->up && !l->resuming) {
			send_frame(l, &f);
			event_base_dispatch(l->base);
			if (l->end_acked)
				break;
		} else {
			event_base_loop(l->base, EVLOOP_ONCE);
		}
	}
	text_arena_free(&t);
	if (!l->end_acked)
		fprintf(stderr,
			"escort: escortd did not confirm the end of session %s (%zu records "
			"unconfirmed); this host's own log has the whole session\n",
			l->session, l->n_spool);
}

void broker_client_free(struct broker_client *l)
{
	if (l == NULL)
		return;
	if (l->bev && l->base)
		bufferevent_free(l->bev);
	if (l->first.ssl || l->first.fd >= 0)
		tls_link_close(&l->first);
	broker_tls_free(l->tls);
	if (l->retry)
		event_free(l->retry);
	if (l->heartbeat)
		event_free(l->heartbeat);
	if (l->give_up)
		event_free(l->give_up);
	if (l->answer_wait)
		event_free(l->answer_wait);
	drop_acked(l, UINT64_MAX);
	free(l->spool);
	for (size_t i = 0; i < l->n_rules; i++)
		free(l->rules[i]);
	free(l->rules);
	free(l->rule_actions);
	free(l);
}
