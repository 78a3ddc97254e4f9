/* The broker's socket: accepting connections, knowing who is on the other
 * end (the kernel's peer credentials, never what the peer says), reading
 * frames and handing each to the code for the connection's role. */
#include "broker.h"

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
#define SLOW_PEER_BYTES (8u << 20)

void broker_log(const char *fmt, ...)
{
	char line[1200];
	va_list ap;
	time_t t = time(NULL);
	struct tm tm;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	gmtime_r(&t, &tm);
	fprintf(stderr, "escortd: %04d-%02d-%02dT%02d:%02d:%02dZ %s\n", tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, line);
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

void conn_close(struct conn *c, const char *why)
{
	if (why)
		broker_log("connection of %s (uid %u, pid %d) closed: %s", c->account,
			   (unsigned)c->uid, (int)c->pid, why);
	if (c->role == CONN_SESSION)
		session_gone(c);
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

static int dispatch(struct conn *c, Frame *f)
{
	switch (c->role) {
	case CONN_NEW:
		if (f->body_case != ESCORT__FRAME__BODY_HELLO)
			return -1;
		if (strcmp(f->hello->role, "console") == 0) {
			Escort__Welcome w = ESCORT__WELCOME__INIT;
			Frame reply = ESCORT__FRAME__INIT;
			c->role = CONN_CONSOLE;
			w.accepted = 1;
			w.account = c->account;
			reply.body_case = ESCORT__FRAME__BODY_WELCOME;
			reply.welcome = &w;
			conn_send(c, &reply);
			return 0;
		}
		if (strcmp(f->hello->role, "session") != 0)
			return -1;
		session_hello(c, f->hello);
		return 0;
	case CONN_SESSION:
		if (f->body_case == ESCORT__FRAME__BODY_RECORD)
			session_record(c, f->record);
		else if (f->body_case == ESCORT__FRAME__BODY_EXEC_REQUEST)
			exec_request(c, f->exec_request);
		else if (f->body_case == ESCORT__FRAME__BODY_END)
			session_end(c, f->end);
		else if (f->body_case != ESCORT__FRAME__BODY_HEARTBEAT)
			return -1;
		return 0;
	case CONN_CONSOLE:
		if (f->body_case == ESCORT__FRAME__BODY_REQUEST)
			console_request(c, f->request);
		else if (f->body_case != ESCORT__FRAME__BODY_HEARTBEAT)
			return -1;
		return 0;
	}
	return -1;
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
	if (have < FRAME_HEADER + (size_t)size)
		return 0;
	if (frame_parse(evbuffer_pullup(in, FRAME_HEADER + size), FRAME_HEADER + size, &used, &f,
			&err) <= 0) {
		conn_close(c, err.msg);
		return -1;
	}
	evbuffer_drain(in, used);
	if (dispatch(c, f) < 0) {
		char why[160];
		snprintf(why, sizeof(why), "message %d is not expected here", (int)f->body_case);
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
	broker_log("dropping %s (uid %u, pid %d): %s", c->account, (unsigned)c->uid, (int)c->pid,
		   why);
	c->finishing = 1;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	close_soon(c);
}

void conn_finish(struct conn *c, const char *why)
{
	if (why)
		broker_log("%s (uid %u, pid %d): %s", c->account, (unsigned)c->uid, (int)c->pid,
			   why);
	c->finishing = 1;
	bufferevent_disable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		close_soon(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;

	(void)bev;
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		conn_close(c, (what & BEV_EVENT_ERROR) ? "connection error" : NULL);
}

static void peer_identity(struct conn *c, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct passwd *pw;

	c->uid = (uid_t)-1;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
		c->uid = cred.uid;
		c->pid = cred.pid;
	}
	pw = c->uid == (uid_t)-1 ? NULL : getpwuid(c->uid);
	snprintf(c->account, sizeof(c->account), "%s", pw ? pw->pw_name : "");
}

static void on_accept(evutil_socket_t lfd, short what, void *arg)
{
	struct broker *b = arg;
	struct conn *c;
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	(void)what;
	if (fd < 0)
		return;
	if (count_conns(b) >= MAX_CONNS || (c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->b = b;
	peer_identity(c, fd);
	if (c->account[0] == '\0') {
		broker_log("refused a connection from uid %u: no account", (unsigned)c->uid);
		free(c);
		close(fd);
		return;
	}
	c->bev = bufferevent_socket_new(b->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		free(c);
		close(fd);
		return;
	}
	bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
	bufferevent_setwatermark(c->bev, EV_READ, 0, FRAME_MAX + FRAME_HEADER + 65536);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->next = b->conns;
	b->conns = c;
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
