#include "client.h"
#include "util/exit-status.h"

#include "proto/names.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define ANSWER_WAIT_MS 10000

int (*console_dial_broker)(struct console *c, const char *broker, struct error *err);

static int write_frame(struct console *c, const Frame *f, struct error *err)
{
	return c->t ? c->t->write(c->link, f, err) : frame_write_fd(c->fd, f, err);
}

static int read_frame(struct console *c, Frame **out, struct error *err)
{
	return c->t ? c->t->read(c->link, out, err)
		    : frame_read_fd(c->fd, &c->in, out, ANSWER_WAIT_MS, err);
}

/* Hello, then escortd's welcome (or its reason for refusing). */
static int greet(struct console *c, const char *credential, struct error *err)
{
	Escort__Hello h = ESCORT__HELLO__INIT;
	Frame f = ESCORT__FRAME__INIT, *answer = NULL;
	int ok;

	h.kind = ESCORT__PEER_KIND__PEER_CONSOLE;
	h.credential = (char *)(credential ? credential : "");
	f.body_case = ESCORT__FRAME__BODY_HELLO;
	f.hello = &h;
	if (write_frame(c, &f, err) < 0 || read_frame(c, &answer, err) < 0)
		return -1;
	ok = answer->body_case == ESCORT__FRAME__BODY_WELCOME && answer->welcome->accepted;
	if (!ok && answer->body_case == ESCORT__FRAME__BODY_WELCOME && answer->welcome->reason[0])
		error_set(err, "escortd does not take this console: %s", answer->welcome->reason);
	else if (!ok)
		error_set(err, "escortd does not take this console");
	else
		snprintf(c->account, sizeof(c->account), "%s", answer->welcome->account);
	frame_free(answer);
	return ok ? 0 : -1;
}

int console_open(struct console *c, const char *socket_path, struct error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	const char *env = getenv("ESCORT_SOCKET");

	memset(c, 0, sizeof(*c));
	if (socket_path == NULL)
		socket_path = env && env[0] ? env : "/run/escort/escortd.sock";
	if (strlen(socket_path) >= sizeof(sa.sun_path))
		return error_set(err, "the socket path %s is too long", socket_path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", socket_path);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return error_errno(err, "cannot create a socket");
	if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		error_errno(err, "cannot reach escortd at %s", socket_path);
		console_close(c);
		return -1;
	}
	if (greet(c, NULL, err) < 0) {
		console_close(c);
		return -1;
	}
	return 0;
}

int console_open_on(struct console *c, const struct console_transport *t, void *link,
		    const char *credential, struct error *err)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->t = t;
	c->link = link;
	if (greet(c, credential, err) < 0) {
		console_close(c);
		return -1;
	}
	return 0;
}

int console_connect(struct console *c, const struct console_where *where, struct error *err)
{
	if (where->broker == NULL)
		return console_open(c, where->socket, err);
	if (where->socket)
		return error_set(err, "--socket and --broker: one or the other");
	if (console_dial_broker == NULL)
		return error_set(err, "this program cannot reach escortd over TLS");
	return console_dial_broker(c, where->broker, err);
}

void console_close(struct console *c)
{
	if (c->t && c->link)
		c->t->close(c->link);
	c->t = NULL;
	c->link = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	buf_free(&c->in);
}

uint64_t console_send(struct console *c, const Escort__ConsoleRequest *q, struct error *err)
{
	Escort__ConsoleRequest mine = *q;
	Frame f = ESCORT__FRAME__INIT;

	mine.request_id = ++c->last_request;
	f.body_case = ESCORT__FRAME__BODY_REQUEST;
	f.request = &mine;
	return write_frame(c, &f, err) < 0 ? 0 : mine.request_id;
}

int console_poll_fd(const struct console *c)
{
	return c->t ? c->t->fd(c->link) : c->fd;
}

int console_buffered(const struct console *c)
{
	return c->t ? c->t->buffered(c->link) : c->in.len > 0;
}

int console_read_ready(struct console *c, Frame **out, struct error *err)
{
	struct pollfd p = {console_poll_fd(c), POLLIN, 0};

	if (c->t == NULL)
		return frame_read_fd(c->fd, &c->in, out, 0, err);
	if (!console_buffered(c) && poll(&p, 1, 0) == 0)
		return error_set_code(err, ERR_TIMEOUT, "no frame yet");
	return read_frame(c, out, err);
}

int console_heartbeat(struct console *c, struct error *err)
{
	Escort__Heartbeat h = ESCORT__HEARTBEAT__INIT;
	Frame f = ESCORT__FRAME__INIT;

	f.body_case = ESCORT__FRAME__BODY_HEARTBEAT;
	f.heartbeat = &h;
	return write_frame(c, &f, err);
}

Frame *console_ask(struct console *c, const Escort__ConsoleRequest *q, struct error *err)
{
	Frame *answer = NULL;
	uint64_t id = console_send(c, q, err);

	if (id == 0)
		return NULL;
	for (;;) {
		if (read_frame(c, &answer, err) < 0)
			return NULL;
		if (answer->body_case == ESCORT__FRAME__BODY_REPLY &&
		    answer->reply->request_id == id)
			return answer;
		frame_free(answer); /* heartbeats, screens for a follower: not what was asked */
	}
}

int console_request_once(const struct console_where *where, const Escort__ConsoleRequest *q,
			 Frame **reply)
{
	const char *name = verb_name(q->verb);
	struct console c;
	struct error err;

	*reply = NULL;
	if (console_connect(&c, where, &err) < 0) {
		fprintf(stderr, "escort %s: %s\n", name, err.msg);
		return EXIT_UNREACHABLE;
	}
	*reply = console_ask(&c, q, &err);
	console_close(&c);
	if (*reply == NULL) {
		fprintf(stderr, "escort %s: %s\n", name, err.msg);
		return EXIT_UNREACHABLE;
	}
	if (!(*reply)->reply->ok) {
		fprintf(stderr, "escort %s: %s\n", name, (*reply)->reply->error);
		frame_free(*reply);
		*reply = NULL;
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

int console_request_say(const struct console_where *where, const Escort__ConsoleRequest *q)
{
	Frame *reply;
	int rc = console_request_once(where, q, &reply);

	if (rc != EXIT_OK)
		return rc;
	printf("%s\n", reply->reply->message);
	frame_free(reply);
	return EXIT_OK;
}
