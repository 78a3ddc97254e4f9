/* Forward-secure MAC keys: each epoch's key is derived from the previous
 * one, which is then erased, so a writer compromised in epoch e cannot make
 * tags for records of earlier epochs. The first key of a chain is sealed to
 * the auditor's public key; only the auditor can check the tags. */
#ifndef ESCORT_MACKEY_H
#define ESCORT_MACKEY_H

#include "sha256.h"

#include <sodium.h>
#include <stdint.h>

#define MAC_LEN 32
#define MAC_SEALED_LEN (32 + crypto_box_SEALBYTES)

struct mac_chain {
	uint8_t key[32];
	uint32_t epoch;
};

/* A fresh random key for epoch. */
void mac_chain_start(struct mac_chain *c, uint32_t epoch);
/* Moves to the next epoch's key and erases the current one. */
void mac_chain_next(struct mac_chain *c);
/* tag = BLAKE2b-256 keyed with the epoch key, over the record's leaf hash. */
void mac_tag(const struct mac_chain *c, const uint8_t leaf[SHA256_LEN], uint8_t tag[MAC_LEN]);
void mac_seal(const struct mac_chain *c, const uint8_t auditor_pk[32], uint8_t out[MAC_SEALED_LEN]);
/* Returns 0 and sets c->key when the auditor's key opens sealed. */
int mac_unseal(struct mac_chain *c, uint32_t epoch, const uint8_t sealed[MAC_SEALED_LEN],
	       const uint8_t auditor_pk[32], const uint8_t auditor_sk[32]);
void mac_chain_wipe(struct mac_chain *c);

#endif
