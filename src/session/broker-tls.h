/* escort run on an enrolled host: escortd is reached over TLS 1.3 with the
 * host's certificate (`escort enroll`'s files), and only a broker whose
 * certificate is of the host's CA, for server use, with the pin kept at
 * enrolment, is believed. */
#ifndef ESCORT_SESSION_BROKER_TLS_H
#define ESCORT_SESSION_BROKER_TLS_H

#include "tls/dial.h"
#include "util/error.h"

#include <limits.h>

struct event_base;
struct bufferevent;

#define BROKER_TLS_DIR "/etc/escort/host"

struct broker_tls {
	void *ctx;	   /* SSL_CTX */
	char where[300];   /* HOST:PORT */
	char pin[PIN_LEN]; /* of escortd's certificate */
	char dir[PATH_MAX / 2];
};

/* The broker this host uses, or NULL (err->code 0: there is none named;
 * otherwise why its files cannot be used). Named by $ESCORT_BROKER, else by
 * DIR/broker; DIR is $ESCORT_HOST_DIR, else BROKER_TLS_DIR. */
struct broker_tls *broker_tls_find(struct error *err);
void broker_tls_free(struct broker_tls *t);
/* Where this host's enrolment files are ($ESCORT_HOST_DIR, else BROKER_TLS_DIR;
 * always BROKER_TLS_DIR, and no $ESCORT_BROKER, when escort is set-id). */
const char *broker_tls_dir(void);
/* Whether this process was started set-id (AT_SECURE), even after the drop. */
int broker_tls_set_id(void);
/* Reads the host's files and key now, while escort still has the group that
 * may read them (setid.c); broker_tls_find then hands over this result. */
void broker_tls_preload(void);

/* Blocking, for the first hello (before the session starts). */
int broker_tls_dial(const struct broker_tls *t, struct tls_link *link, struct error *err);
/* The link, as a bufferevent on base (it owns the descriptor and TLS). */
struct bufferevent *broker_tls_wrap(struct event_base *base, struct tls_link *link);
/* Reconnecting: a TLS connection started without waiting; it reports
 * BEV_EVENT_CONNECTED, then broker_tls_pinned says whether it is escortd. */
struct bufferevent *broker_tls_connect(struct event_base *base, const struct broker_tls *t,
				       struct error *err);
int broker_tls_pinned(struct bufferevent *bev, const struct broker_tls *t);

#endif
