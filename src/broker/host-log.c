/* How a session host signs its own copy of the log: said in its Hello
 * (SessionMeta.host_log), kept with the live session, told to escortd's
 * log and the consoles, and refused when the configuration says so. */
#include "broker.h"

#include "proto/host-log.h"

#include <stdio.h>
#include <string.h>

void host_log_take(struct host_log *h, const Escort__SessionMeta *m,
		   const struct broker_config *cfg)
{
	const Escort__HostLog *in = m ? m->host_log : NULL;

	memset(h, 0, sizeof(*h));
	h->signing = ESCORT__SIGNING__SIGNING_EPHEMERAL;
	if (in == NULL) {
		snprintf(h->why, sizeof(h->why), "its session host did not say how it signs");
		return;
	}
	if (in->signing == ESCORT__SIGNING__SIGNING_KEY)
		h->signing = ESCORT__SIGNING__SIGNING_KEY;
	else if (in->why != NULL && in->why[0] != '\0')
		snprintf(h->why, sizeof(h->why), "%s", in->why);
	else
		snprintf(h->why, sizeof(h->why), "its session host did not say why");
	h->sealed = in->sealed;
	snprintf(h->signer, sizeof(h->signer), "%s", in->signer ? in->signer : "");
	h->unknown_signer =
	    h->signing == ESCORT__SIGNING__SIGNING_KEY && !host_keys_known(cfg, h->signer);
}

const char *host_log_warning(const struct host_log *h, char *buf, size_t size)
{
	Escort__HostLog m;

	host_log_info(h, &m);
	return host_log_warning_text(&m, buf, size);
}

const char *host_log_refusal(const struct broker_config *cfg, const struct host_log *h, char *buf,
			     size_t size)
{
	if (!cfg->host_signing_required)
		return NULL;
	if (h->signing != ESCORT__SIGNING__SIGNING_KEY)
		snprintf(buf, size,
			 "escortd requires a signing key on the session host (host_signing: "
			 "required), and this one has none: %s",
			 h->why);
	else if (h->unknown_signer)
		snprintf(buf, size,
			 "escortd requires a signing key on the session host (host_signing: "
			 "required), and this one signs with a key escortd does not know: %s",
			 h->signer[0] ? h->signer : "no key named");
	else
		return NULL;
	return buf;
}

void host_log_info(const struct host_log *h, Escort__HostLog *out)
{
	escort__host_log__init(out);
	out->signing = h->signing;
	out->why = (char *)h->why;
	out->sealed = h->sealed;
	out->signer = (char *)h->signer;
	out->unknown_signer = h->unknown_signer;
	out->bad_signature = h->bad_signature;
}

const char *host_log_summary(const struct host_log *h, char *buf, size_t size)
{
	const char *w = host_log_warning(h, buf, size);

	if (w == NULL)
		snprintf(buf, size, "signed with its signing key %s, MAC keys sealed", h->signer);
	return buf;
}
