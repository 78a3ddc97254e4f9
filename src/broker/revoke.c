/* A revoked host is cut off at once: its TLS connections close and its live
 * sessions end (the store already refuses its certificates for new ones). */
#include "broker.h"

#include <stdio.h>
#include <string.h>

unsigned broker_cut_host(struct broker *b, const char *host)
{
	unsigned n = 0;
	char reason[200];

	snprintf(reason, sizeof(reason), "host %s is revoked", host);
	for (struct live_session *s = b->sessions; s; s = s->next)
		if (s->remote && strcmp(s->host, host) == 0)
			session_terminate(s, reason);
	/* A connection with a session was told to end it, and may send the end;
	 * the others close now. */
	for (struct conn *c = b->conns; c; c = c->next)
		if (c->tls && strcmp(c->host, host) == 0 && !c->finishing && !c->session) {
			conn_drop(c, reason);
			n++;
		}
	return n;
}
