#include "keyring.h"

#include "util/unreadable.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef ESCORT_KEYDIR
#define ESCORT_KEYDIR "/etc/escort"
#endif

/* KEYDIR/signing.key read by keyring_preload, while escort installed
 * set-group-id still had the group that may read it; taken by the first
 * keyring_load that names no other key. */
static struct {
	int ok;
	struct signing_key key;
} preloaded;

void keyring_preload(void)
{
	struct error err;

	if (keys_init(&err) < 0 ||
	    signing_key_load(&preloaded.key, ESCORT_KEYDIR "/signing.key", &err) < 0 ||
	    !preloaded.key.has_secret) {
		sodium_memzero(&preloaded, sizeof(preloaded));
		return; /* the session says why it has no key (keyring_warn) */
	}
	preloaded.ok = 1;
}

/* Whether the default signing key was preloaded and nothing else is named;
 * if so, it moves into signer. */
static int take_preloaded(const char *given, struct signing_key *signer, char *path, size_t size)
{
	const char *env = getenv("ESCORT_SIGN_KEY");

	if (!preloaded.ok || given != NULL || (env != NULL && env[0] != '\0'))
		return 0;
	*signer = preloaded.key;
	snprintf(path, size, "%s", ESCORT_KEYDIR "/signing.key");
	sodium_memzero(&preloaded, sizeof(preloaded));
	return 1;
}

/* The path to use and whether it was asked for explicitly. */
static const char *choose(const char *given, const char *env, const char *file, char *buf,
			  size_t size, int *explicit)
{
	const char *from_env = getenv(env);

	*explicit = 1;
	if (given != NULL)
		return given;
	if (from_env != NULL && from_env[0] != '\0')
		return from_env;
	*explicit = 0;
	snprintf(buf, size, "%s/%s", ESCORT_KEYDIR, file);
	return access(buf, R_OK) == 0 ? buf : NULL;
}

static void explain_missing_key(struct keyring *k)
{
	const char *path = ESCORT_KEYDIR "/signing.key";

	if (access(path, F_OK) == 0)
		snprintf(k->why_ephemeral, sizeof(k->why_ephemeral),
			 "%s exists but this account (uid %u) cannot read it", path,
			 (unsigned)getuid());
	else
		snprintf(k->why_ephemeral, sizeof(k->why_ephemeral),
			 "there is no %s (and no --sign-key or ESCORT_SIGN_KEY)", path);
}

void keyring_warn(const struct keyring *k, const char *who)
{
	if (!k->ephemeral)
		return;
	fprintf(stderr,
		"%s: WARNING: no signing key: %s. This session's log is signed with a key "
		"made for it alone, which proves nothing to an auditor. Install escort "
		"set-group-id escort-host and signing.key root:escort-host 0640 (see "
		"'escort keygen --help').\n",
		who, k->why_ephemeral);
}

/* A key in the key directory that is there but cannot be read is said, with
 * what the session does without it; a missing one is not (keys are optional). */
static void say_unreadable(const char *file, const char *without)
{
	char path[PATH_MAX], reason[200];
	const char *why;

	snprintf(path, sizeof(path), "%s/%s", ESCORT_KEYDIR, file);
	why = unreadable_why(path, reason, sizeof(reason));
	if (why != NULL && strcmp(why, "is missing") != 0)
		fprintf(stderr, "escort: %s %s: %s\n", path, why, without);
}

int keyring_load(struct keyring *k, const char *sign_path, const char *auditor_path,
		 struct error *err)
{
	char buf[PATH_MAX];
	int explicit;
	const char *path;

	memset(k, 0, sizeof(*k));
	if (keys_init(err) < 0)
		return -1;
	path = choose(sign_path, "ESCORT_SIGN_KEY", "signing.key", buf, sizeof(buf), &explicit);
	if (take_preloaded(sign_path, &k->signer, k->sign_path, sizeof(k->sign_path))) {
		/* read with escort's set-id group, which this process no longer has */
	} else if (path != NULL) {
		if (signing_key_load(&k->signer, path, err) < 0)
			return -1;
		if (!k->signer.has_secret)
			return error_set(err, "%s is a public key; signing needs the secret key",
					 path);
		snprintf(k->sign_path, sizeof(k->sign_path), "%s", path);
	} else { /* said loudly by keyring_warn, with why */
		if (signing_key_generate(&k->signer, "escort-session", err) < 0)
			return -1;
		k->ephemeral = 1;
		explain_missing_key(k);
	}
	path =
	    choose(auditor_path, "ESCORT_AUDITOR_KEY", "auditor.pub", buf, sizeof(buf), &explicit);
	if (path != NULL) {
		if (auditor_key_load(&k->auditor, path, err) < 0)
			return -1;
		k->has_auditor = 1;
		snprintf(k->auditor_path, sizeof(k->auditor_path), "%s", path);
		sodium_memzero(k->auditor.sk, sizeof(k->auditor.sk)); /* only the public part */
	} else {
		say_unreadable("auditor.pub",
			       "this session's MAC keys are not sealed to the auditor");
	}
	k->view.signer = &k->signer;
	k->view.signer_ephemeral = k->ephemeral;
	k->view.signer_why = k->ephemeral ? k->why_ephemeral : NULL;
	k->view.auditor = k->has_auditor ? &k->auditor : NULL;
	return 0;
}

void keyring_wipe(struct keyring *k)
{
	sodium_memzero(k, sizeof(*k));
}
