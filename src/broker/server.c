/* The broker's socket: accepting connections, knowing who is on the other
 * end (the kernel's peer credentials, never what the peer says), reading
 * frames and handing each to dispatch.c, heartbeats both ways. */
#include "broker.h"

#include "proto/names.h"
#include "util/visible.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <event2/buffer.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 4096
#define MAX_CONNS_PER_ACCOUNT 256
#define SLOW_PEER_BYTES (8u << 20)
#define HEARTBEAT_S 10
#define SILENCE_LIMIT_S 30	     /* a peer not heard from for this long is gone */
#define ENROLL_FRAME_MAX (16u << 10) /* a peer without a certificate sends no more */
#define UNVERIFIED_MAX 256	     /* TLS peers not (yet) known by a certificate */
#define UNVERIFIED_PER_ADDRESS 32    /* ... from one address */
#define UNVERIFIED_LIMIT_S 10	     /* ... have this long to handshake or enrol */
#define LOGIN_LIMIT_S 120	     /* a person logging in reads the prompts and types (login.c) */

int broker_verbose;

const char *conn_state_name(enum conn_state s)
{
	static const char *const names[] = {
	    [CONN_NEW] = "new",
	    [CONN_OPENING] = "session-opening",
	    [CONN_SESSION] = "session",
	    [CONN_CONSOLE] = "console",
	    [CONN_ENDED] = "ended-session",
	    [CONN_HANDSHAKE] = "tls-handshake",
	    [CONN_ENROLL] = "enrolment",
	    [CONN_HOST] = "host",
	    [CONN_LOGIN] = "login",
	};
	return names[s];
}

/* One line per event, whatever the operator put into the names it carries:
 * line breaks and escape sequences are written visibly, so nobody can add a
 * line of their own to escortd's log or drive the terminal that reads it. */
static void log_line(const char *fmt, va_list ap)
{
	char line[1200];
	struct buf shown = {0};
	time_t t = time(NULL);
	struct tm tm;

	if (broker_verbose < 0)
		return; /* tests and fuzzers */
	vsnprintf(line, sizeof(line), fmt, ap);
	visible_append(&shown, line, strlen(line));
	gmtime_r(&t, &tm);
	fprintf(stderr, "escortd: %04d-%02d-%02dT%02d:%02d:%02dZ %s\n", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, buf_cstr(&shown));
	buf_free(&shown);
}

void broker_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line(fmt, ap);
	va_end(ap);
}

void broker_debug(const char *fmt, ...)
{
	va_list ap;

	if (!broker_verbose)
		return;
	va_start(ap, fmt);
	log_line(fmt, ap);
	va_end(ap);
}

static time_t mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

static size_t count_conns(const struct broker *b)
{
	size_t n = 0;

	for (const struct conn *c = b->conns; c; c = c->next)
		n++;
	return n;
}

static void free_conn(struct conn *c)
{
	struct broker *b = c->b;

	for (struct conn **p = &b->conns; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	if (c->finish_event)
		event_free(c->finish_event);
	bufferevent_free(c->bev);
	free(c);
}

const char *conn_who(const struct conn *c, char *buf, size_t size)
{
	if (!c->tls)
		snprintf(buf, size, "%s (uid %u, pid %d)", c->account, (unsigned)c->uid,
			 (int)c->pid);
	else if (c->host[0] == '\0' && c->state == CONN_CONSOLE)
		snprintf(buf, size, "escort %s from %s (escort login)", c->account, c->address);
	else if (c->host[0] == '\0')
		snprintf(buf, size, "TLS peer %s (no known certificate)", c->address);
	else if (c->state == CONN_HOST)
		snprintf(buf, size, "host %s", c->host);
	else
		snprintf(buf, size, "%s on host %s (claimed uid %u)", c->account, c->host,
			 (unsigned)c->uid);
	return buf;
}

void conn_close(struct conn *c, const char *why)
{
	char who[200];

	if (why)
		broker_log("connection of %s closed: %s", conn_who(c, who, sizeof(who)), why);
	else
		broker_debug("connection of %s closed", conn_who(c, who, sizeof(who)));
	if (c->session)
		session_gone(c);
	if (c->login)
		login_gone(c);
	free_conn(c);
}

void conn_send(struct conn *c, const Frame *f)
{
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct buf b = {0};

	if (c->finishing)
		return;
	if (evbuffer_get_length(out) > SLOW_PEER_BYTES) {
		/* A peer that does not read must not grow escortd without bound: it
		 * is dropped (a session host reconnects and resumes). */
		conn_drop(c, "it does not read what escortd sends");
		return;
	}
	frame_encode(f, &b);
	evbuffer_add(out, b.data, b.len);
	buf_free(&b);
}

static void finish_now(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	conn_close(arg, NULL);
}

/* Returns 1 when a frame was handled, 0 when more bytes are needed, -1 when
 * the connection was closed. */
static int next_frame(struct conn *c, struct evbuffer *in)
{
	uint8_t head[FRAME_HEADER];
	size_t have = evbuffer_get_length(in), n = have < FRAME_HEADER ? have : FRAME_HEADER;
	size_t used;
	struct error err;
	Frame *f;
	uint32_t size;

	if (have == 0)
		return 0;
	evbuffer_copyout(in, head, n);
	if (frame_parse(head, n, &used, &f, &err) < 0) {
		conn_close(c, err.msg);
		return -1;
	}
	if (n < FRAME_HEADER)
		return 0;
	size = (uint32_t)head[4] << 24 | (uint32_t)head[5] << 16 | (uint32_t)head[6] << 8 | head[7];
	if (c->state == CONN_ENROLL && size > ENROLL_FRAME_MAX) {
		conn_close(c, "an enrolment frame is at most 16 KiB");
		return -1;
	}
	if (have < FRAME_HEADER + (size_t)size)
		return 0;
	if (frame_parse(evbuffer_pullup(in, FRAME_HEADER + size), FRAME_HEADER + size, &used, &f,
			&err) <= 0) {
		conn_close(c, err.msg);
		return -1;
	}
	evbuffer_drain(in, used);
	c->last_heard = mono_s();
	if (dispatch_frame(c, f) < 0) {
		char why[160];
		snprintf(why, sizeof(why), "%s is not expected from a %s connection",
			 frame_body_name(f->body_case), conn_state_name(c->state));
		frame_free(f);
		conn_close(c, why);
		return -1;
	}
	frame_free(f);
	return 1;
}

static void on_read(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);

	/* Handlers never close their own connection: they finish it. */
	while (!c->finishing && next_frame(c, in) == 1)
		;
}

static void on_write(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (c->finishing && evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		conn_close(c, NULL);
}

static void close_soon(struct conn *c)
{
	struct timeval now = {0, 0};

	if (c->finish_event != NULL)
		return;
	c->finish_event = evtimer_new(c->b->base, finish_now, c);
	if (c->finish_event)
		evtimer_add(c->finish_event, &now);
}

void conn_drop(struct conn *c, const char *why)
{
	char who[200];

	broker_log("dropping %s: %s", conn_who(c, who, sizeof(who)), why);
	c->finishing = 1;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	close_soon(c);
}

void conn_finish(struct conn *c, const char *why)
{
	char who[200];

	if (why)
		broker_log("%s: %s", conn_who(c, who, sizeof(who)), why);
	c->finishing = 1;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		close_soon(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if ((what & BEV_EVENT_CONNECTED) && c->tls) {
		tls_peer_identify(c);
		return;
	}
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_close(c, (what & BEV_EVENT_ERROR) ? "connection error" : NULL);
}

static void peer_identity(struct conn *c, uid_t uid, pid_t pid)
{
	struct passwd *pw;

	c->uid = uid;
	c->pid = pid;
	pw = c->uid == (uid_t)-1 ? NULL : getpwuid(c->uid);
	snprintf(c->account, sizeof(c->account), "%s", pw ? pw->pw_name : "");
}

/* One account cannot take every connection escortd has (or all its memory:
 * each connection may hold a frame being read): root is not limited. A
 * host's TLS connection carries a uid it only claims (a number on another
 * machine): it never counts against a local account. */
static int too_many(struct broker *b, uid_t uid)
{
	size_t n = 0;

	if (uid == 0)
		return 0;
	for (const struct conn *c = b->conns; c; c = c->next)
		n += !c->tls && c->uid == uid;
	if (n < MAX_CONNS_PER_ACCOUNT)
		return 0;
	broker_log("refused a connection from uid %u: it has %zu already", (unsigned)uid, n);
	return 1;
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct broker *b = arg;
	struct ucred cred = {.uid = (uid_t)-1, .pid = 0};
	socklen_t len = sizeof(cred);
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	(void)what;
	if (fd < 0)
		return;
	if (count_conns(b) >= MAX_CONNS ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || too_many(b, cred.uid) ||
	    conn_new(b, fd, cred.uid, cred.pid) == NULL)
		close(fd);
}

static void conn_attach(struct broker *b, struct conn *c);

struct conn *conn_new(struct broker *b, int fd, uid_t uid, pid_t pid)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	c->b = b;
	peer_identity(c, uid, pid);
	if (c->account[0] == '\0') {
		broker_log("refused a connection from uid %u: no account", (unsigned)c->uid);
		free(c);
		return NULL;
	}
	c->bev = bufferevent_socket_new(b->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		free(c);
		return NULL;
	}
	conn_attach(b, c);
	broker_debug("connection from %s (uid %u, pid %d)", c->account, (unsigned)uid, (int)pid);
	return c;
}

struct conn *conn_new_tls(struct broker *b, struct bufferevent *bev, const char *address)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	snprintf(c->address, sizeof(c->address), "%s", address);
	c->b = b;
	c->bev = bev;
	c->tls = 1;
	c->uid = (uid_t)-1;
	c->state = CONN_HANDSHAKE;
	snprintf(c->account, sizeof(c->account), "(tls)");
	conn_attach(b, c);
	return c;
}

/* Callbacks, limits and the list: the same for every kind of connection. */
static void conn_attach(struct broker *b, struct conn *c)
{
	c->serial = ++b->next_serial;
	c->last_heard = mono_s();
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, FRAME_MAX + FRAME_HEADER + 65536);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = b->conns;
	b->conns = c;
}

struct conn *conn_find(struct broker *b, uint64_t serial)
{
	for (struct conn *c = b->conns; c; c = c->next)
		if (c->serial == serial)
			return c;
	return NULL;
}

static void send_heartbeat(struct conn *c)
{
	Escort__Heartbeat h = ESCORT__HEARTBEAT__INIT;
	Frame f = ESCORT__FRAME__INIT;

	h.mono_ms = (uint64_t)mono_s() * 1000;
	f.body_case = ESCORT__FRAME__BODY_HEARTBEAT;
	f.heartbeat = &h;
	conn_send(c, &f);
}

/* States in which escortd does not send heartbeats: the peer has not said
 * what it is yet. */
static int quiet_state(enum conn_state s)
{
	return s == CONN_NEW || s == CONN_HANDSHAKE || s == CONN_ENROLL || s == CONN_LOGIN;
}

static int unverified(const struct conn *c)
{
	return c->state == CONN_HANDSHAKE || c->state == CONN_ENROLL || c->state == CONN_LOGIN;
}

int conn_room_for_tls(const struct broker *b, const char *address)
{
	size_t n = 0, all = 0, here = 0;

	for (const struct conn *c = b->conns; c; c = c->next) {
		n += unverified(c);
		here += unverified(c) && strcmp(c->address, address) == 0;
		all++;
	}
	return all < MAX_CONNS && n < UNVERIFIED_MAX && here < UNVERIFIED_PER_ADDRESS;
}

/* How long a peer may stay silent in its state. Anyone on the network can
 * open a TLS connection: until it is known, it gets less time. */
static time_t silence_limit(const struct conn *c)
{
	if (c->state == CONN_LOGIN)
		return LOGIN_LIMIT_S;
	return unverified(c) ? UNVERIFIED_LIMIT_S : SILENCE_LIMIT_S;
}

static const char *silence_why(const struct conn *c)
{
	if (c->state == CONN_LOGIN)
		return "no answer to its login's prompts in 120 seconds";
	return unverified(c) ? "no certificate or enrolment in 10 seconds"
			     : "silent for 30 seconds";
}

void conns_tick(struct broker *b)
{
	time_t now = mono_s();
	int beat = now - b->last_beat >= HEARTBEAT_S;

	if (beat)
		b->last_beat = now;
	for (struct conn *c = b->conns, *next; c; c = next) {
		next = c->next;
		if (c->finishing) { /* a peer that will not take its last frames */
			if (now - c->last_heard > SILENCE_LIMIT_S)
				conn_close(c, "it did not take escortd's last answer in time");
			continue;
		}
		if (now - c->last_heard > silence_limit(c))
			conn_drop(c, silence_why(c));
		else if (beat && !quiet_state(c->state))
			send_heartbeat(c);
	}
}

/* A socket left by a broker that died is replaced; a live one is not. */
static int remove_stale(const char *path, struct error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, alive;

	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return error_set(err, "%s exists and is not a socket", path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	alive = fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	if (fd >= 0)
		close(fd);
	if (alive)
		return error_set(err, "another escortd is listening on %s", path);
	unlink(path);
	return 0;
}

int broker_listen(struct broker *b, const char *path, struct error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char dir[PATH_MAX];
	char *slash;

	if (strlen(path) >= sizeof(sa.sun_path))
		return error_set(err, "the socket path %s is too long", path);
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return error_errno(err, "cannot create %s", dir);
	}
	if (remove_stale(path, err) < 0)
		return -1;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	b->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (b->listen_fd < 0)
		return error_errno(err, "cannot create a socket");
	if (bind(b->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return error_errno(err, "cannot listen on %s", path);
	/* Everyone may connect: who they are comes from the kernel, what they may
	 * do from the configuration. */
	if (chmod(path, 0666) < 0 || listen(b->listen_fd, 512) < 0)
		return error_errno(err, "cannot listen on %s", path);
	b->accept_event = event_new(b->base, b->listen_fd, EV_READ | EV_PERSIST, on_accept, b);
	if (b->accept_event == NULL || event_add(b->accept_event, NULL) < 0)
		return error_set(err, "cannot watch %s", path);
	return 0;
}
