/* Key files: the Ed25519 signing key of checkpoints (in the signed-note key
 * format, so standard note verifiers accept it) and the auditor's X25519 key
 * pair that MAC keys are sealed to. */
#ifndef ESCORT_KEYS_H
#define ESCORT_KEYS_H

#include "util/error.h"

#include <sodium.h>
#include <stdint.h>

#define KEY_NAME_MAX 64

struct signing_key {
	char name[KEY_NAME_MAX + 1];
	uint32_t hash; /* signed-note key id */
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES]; /* all zero in a verifier */
	int has_secret;
};

struct auditor_key {
	uint8_t pk[crypto_box_PUBLICKEYBYTES];
	uint8_t sk[crypto_box_SECRETKEYBYTES];
	int has_secret;
};

int keys_init(struct error *err);

/* A new signing key named name (printable, no spaces or '+'). */
int signing_key_generate(struct signing_key *k, const char *name, struct error *err);
/* "name+hash+base64" (verifier) and "PRIVATE+KEY+name+hash+base64" (signer). */
void signing_key_vkey(const struct signing_key *k, char *out, size_t size);
void signing_key_skey(const struct signing_key *k, char *out, size_t size);
/* Parses either form from text (the first line). */
int signing_key_parse(struct signing_key *k, const char *text, struct error *err);
int signing_key_load(struct signing_key *k, const char *path, struct error *err);

void auditor_key_generate(struct auditor_key *k);
void auditor_key_format(const struct auditor_key *k, int secret, char *out, size_t size);
int auditor_key_parse(struct auditor_key *k, const char *text, struct error *err);
int auditor_key_load(struct auditor_key *k, const char *path, struct error *err);

/* Writes text to a new file with mode (refuses to overwrite). */
int key_file_write(const char *path, const char *text, int mode, struct error *err);

#endif
