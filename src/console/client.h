/* A console's connection to escortd: connect, say hello, ask, read the
 * answer. On escortd's Unix socket identity is the account running the
 * command (the kernel tells escortd); from another machine (--broker) it is
 * the credential `escort login` keeps, carried over TLS by a transport the
 * program provides (src/console-remote.c: this layer knows no TLS). */
#ifndef ESCORT_CONSOLE_CLIENT_H
#define ESCORT_CONSOLE_CLIENT_H

#include "proto/frame.h"

/* How frames travel when not on the Unix socket. read waits as long as the
 * transport's own time limit. */
struct console_transport {
	int (*write)(void *link, const Frame *f, struct error *err);
	int (*read)(void *link, Frame **out, struct error *err);
	void (*close)(void *link);
	int (*fd)(const void *link);	   /* to poll */
	int (*buffered)(const void *link); /* bytes read and not yet taken as frames */
};

struct console {
	int fd; /* the Unix socket; -1 on a transport */
	struct buf in;
	char account[64];
	uint64_t last_request; /* request ids count from 1 per connection */
	const struct console_transport *t;
	void *link;
};

/* Where a console command goes: escortd's Unix socket (--socket, else
 * $ESCORT_SOCKET, else /run/escort/escortd.sock), or with broker set
 * ("HOST:PORT", --broker) escortd on another machine over TLS. */
struct console_where {
	const char *socket;
	const char *broker;
};

/* Opens a console on escortd at broker over TLS with the credential kept
 * for it: set once by the program before any console_connect. */
extern int (*console_dial_broker)(struct console *c, const char *broker, struct error *err);

int console_open(struct console *c, const char *socket, struct error *err);
/* Says hello on an open transport (credential: escort login's) and reads
 * the welcome; the link is closed on failure. */
int console_open_on(struct console *c, const struct console_transport *t, void *link,
		    const char *credential, struct error *err);
int console_connect(struct console *c, const struct console_where *where, struct error *err);
void console_close(struct console *c);
/* Sends q and returns escortd's reply (free with frame_free); NULL with err. */
Frame *console_ask(struct console *c, const Escort__ConsoleRequest *q, struct error *err);
/* Sends q without waiting (watch reads the answers in its own loop) and
 * returns the request id its reply will carry; 0 with err. */
uint64_t console_send(struct console *c, const Escort__ConsoleRequest *q, struct error *err);
/* For a console's own loop (escort watch): the descriptor to poll; the
 * next frame if one is there without waiting (-1 with ERR_TIMEOUT when
 * not); whether more may be there without polling again. */
int console_poll_fd(const struct console *c);
int console_read_ready(struct console *c, Frame **out, struct error *err);
int console_buffered(const struct console *c);
/* Tells escortd this console is still there (it drops peers silent for 30 s). */
int console_heartbeat(struct console *c, struct error *err);

/* Opens, asks q, and on failure prints "escort VERB: why" and returns 1
 * (escortd refused) or 3 (escortd unreachable); 0 with *reply on success. */
int console_request_once(const struct console_where *where, const Escort__ConsoleRequest *q,
			 Frame **reply);
/* The same, printing escortd's answer; returns the exit status. */
int console_request_say(const struct console_where *where, const Escort__ConsoleRequest *q);
#endif
