#include "host-log.h"

#include <stdio.h>

static int has_key(const Escort__HostLog *h)
{
	return h != NULL && h->signing == ESCORT__SIGNING__SIGNING_KEY;
}

const char *host_log_warning_text(const Escort__HostLog *h, char *buf, size_t size)
{
	if (!has_key(h)) {
		snprintf(buf, size,
			 "NO SIGNING KEY on its host (%s): the host's own log is signed with a "
			 "key made for this session alone and proves nothing; only escortd's "
			 "copy counts",
			 h && h->why && h->why[0] ? h->why : "its session host did not say why");
		return buf;
	}
	if (h->bad_signature) {
		snprintf(buf, size,
			 "its host sent checkpoints not signed by the key it named (%s): they are "
			 "not kept; only escortd's copy counts",
			 h->signer && h->signer[0] ? h->signer : "no key named");
		return buf;
	}
	if (h->unknown_signer) {
		snprintf(buf, size,
			 "its host signs with a key escortd does not know (%s, not in host_keys): "
			 "the host's own log proves nothing; only escortd's copy counts",
			 h->signer && h->signer[0] ? h->signer : "no key named");
		return buf;
	}
	if (!h->sealed) {
		snprintf(buf, size,
			 "its host does not seal MAC keys to an auditor key: an auditor cannot "
			 "check the MACs of the host's own log");
		return buf;
	}
	return NULL;
}

const char *host_log_signing_name(const Escort__HostLog *h)
{
	return has_key(h) ? "key" : "ephemeral";
}
