/* The keys a session records with: the checkpoint signing key and the
 * auditor's public key, from options, the environment or the key directory. */
#ifndef ESCORT_KEYRING_H
#define ESCORT_KEYRING_H

#include "log/keys.h"
#include "log/recorder.h"

#include <limits.h>

struct keyring {
	struct signing_key signer;
	struct auditor_key auditor;
	int has_auditor;
	int ephemeral;
	char why_ephemeral[PATH_MAX + 100]; /* no readable signing key: which file, why */
	char sign_path[PATH_MAX];	    /* the files the keys came from, or "" */
	char auditor_path[PATH_MAX];
	struct recorder_options view; /* points into this keyring */
};

/* sign_path / auditor_path: NULL for ESCORT_SIGN_KEY / ESCORT_AUDITOR_KEY,
 * else KEYDIR/signing.key and KEYDIR/auditor.pub when they exist. A key named
 * explicitly must load; without any signing key, one is made for this session. */
int keyring_load(struct keyring *k, const char *sign_path, const char *auditor_path,
		 struct error *err);
void keyring_wipe(struct keyring *k);
/* For escort installed set-group-id (src/setid.c), before it gives the group
 * up: reads KEYDIR/signing.key into memory, never a path from the operator's
 * environment. The next keyring_load that names no other key signs with it. */
void keyring_preload(void);
/* Says loudly on stderr that the session is signed with a key made for it
 * alone, and why; nothing when a signing key was read. */
void keyring_warn(const struct keyring *k, const char *who);

#endif
