/* The session host's connection to escortd: the hello, the recording
 * streamed record by record and kept (spooled) until escortd says it is
 * durable, exec questions and their answers, and reconnection when escortd
 * comes back. */
#ifndef ESCORT_BROKER_CLIENT_H
#define ESCORT_BROKER_CLIENT_H

#include "log/recorder.h"
#include "proto/frame.h"
#include "risk/rules.h"

#include <stddef.h>
#include <stdint.h>

struct event_base;

struct broker_client_callbacks {
	void (*decision)(void *arg, const Escort__Decision *d);
	void (*terminate)(void *arg, const char *reason);
	void (*lost)(void *arg); /* escortd went away: nothing can be approved now */
	void (*back)(void *arg); /* escortd is back */
	/* A line for the operator (without "escort: " or line end): the session
	 * shows it after what its programs wrote and records it; NULL: stderr. */
	void (*say)(void *arg, const char *line);
	void *arg;
};

struct broker_client;

/* The socket named by --socket, ESCORT_SOCKET, or the default when it exists;
 * NULL when there is no broker to use. */
const char *broker_client_socket(const char *given);

/* Connects and says hello, with how the session's own log is signed (keys:
 * every Hello, resuming ones too, says it); NULL with err when escortd cannot
 * be reached or refuses the session (err says why: locked, not an operator,
 * no signing key, ...). */
struct broker_tls;
/* tls, when not NULL, is escortd over TLS (broker-tls.h; the client owns it
 * from then on, even when it fails) and socket is not used. */
struct broker_client *broker_client_open(const char *socket, struct broker_tls *tls,
					 const struct session_meta *meta,
					 const struct recorder_options *keys, struct error *err);
int broker_client_start(struct broker_client *l, struct event_base *base,
			const struct broker_client_callbacks *cb, struct error *err);
int broker_client_up(const struct broker_client *l);
const char *broker_client_session(const struct broker_client *l);
/* The policy escortd allows while it is away: the action for a level and
 * the rules that change it. */
Escort__Action broker_client_offline_action(const struct broker_client *l, int level,
					    const char *const *rules, size_t n_rules);

/* recorder_tee_fn */
void broker_client_record(void *link, uint16_t type, const void *data, size_t len, int urgent);
int broker_client_ask(struct broker_client *l, const Escort__ExecRequest *r);
/* Tells escortd the answer to ask_id is no longer awaited (nothing when it
 * is away: it withdraws what its session host left). */
void broker_client_withdraw(struct broker_client *l, uint64_t ask_id, const char *reason);

/* The session is refused after escortd accepted it (its log, rules or gate
 * could not be set up): escortd seals its log with the reason "refused" and
 * why, so that no unsealed log is left behind. */
void broker_client_refuse(struct broker_client *l, const char *why);

/* Sends the end of the session and waits (a few seconds at most) until
 * escortd has everything; says on stderr what it could not send. */
void broker_client_finish(struct broker_client *l, const struct session_result *r);
void broker_client_free(struct broker_client *l);

#endif
