/* A console's connection to escortd: connect, say hello, ask, read the
 * answer. Identity is the account running the command (the kernel tells
 * escortd), so there is nothing to log in with. */
#ifndef ESCORT_CONSOLE_CLIENT_H
#define ESCORT_CONSOLE_CLIENT_H

#include "proto/frame.h"

struct console {
	int fd;
	struct buf in;
	char account[64];
	uint64_t last_request; /* request ids count from 1 per connection */
};

/* socket: --socket, else $ESCORT_SOCKET, else /run/escort/escortd.sock. */
int console_open(struct console *c, const char *socket, struct error *err);
void console_close(struct console *c);
/* Sends q and returns escortd's reply (free with frame_free); NULL with err. */
Frame *console_ask(struct console *c, const Escort__ConsoleRequest *q, struct error *err);
/* Sends q without waiting (watch reads the answers in its own loop) and
 * returns the request id its reply will carry; 0 with err. */
uint64_t console_send(struct console *c, const Escort__ConsoleRequest *q, struct error *err);
/* Tells escortd this console is still there (it drops peers silent for 30 s). */
int console_heartbeat(struct console *c, struct error *err);

/* Opens, asks q, and on failure prints "escort VERB: why" and returns 1
 * (escortd refused) or 3 (escortd unreachable); 0 with *reply on success. */
int console_request_once(const char *socket, const Escort__ConsoleRequest *q, Frame **reply);
/* The same, printing escortd's answer; returns the exit status. */
int console_request_say(const char *socket, const Escort__ConsoleRequest *q);
#endif
