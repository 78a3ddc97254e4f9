#include "mackey.h"

#include <string.h>

void mac_chain_start(struct mac_chain *c, uint32_t epoch)
{
	randombytes_buf(c->key, sizeof(c->key));
	c->epoch = epoch;
}

void mac_chain_next(struct mac_chain *c)
{
	uint8_t next[32];

	crypto_kdf_derive_from_key(next, sizeof(next), 1, "escortep", c->key);
	memcpy(c->key, next, sizeof(next));
	sodium_memzero(next, sizeof(next));
	c->epoch++;
}

void mac_tag(const struct mac_chain *c, const uint8_t leaf[SHA256_LEN], uint8_t tag[MAC_LEN])
{
	crypto_generichash(tag, MAC_LEN, leaf, SHA256_LEN, c->key, sizeof(c->key));
}

void mac_seal(const struct mac_chain *c, const uint8_t auditor_pk[32], uint8_t out[MAC_SEALED_LEN])
{
	crypto_box_seal(out, c->key, sizeof(c->key), auditor_pk);
}

int mac_unseal(struct mac_chain *c, uint32_t epoch, const uint8_t sealed[MAC_SEALED_LEN],
	       const uint8_t auditor_pk[32], const uint8_t auditor_sk[32])
{
	if (crypto_box_seal_open(c->key, sealed, MAC_SEALED_LEN, auditor_pk, auditor_sk) != 0)
		return -1;
	c->epoch = epoch;
	return 0;
}

void mac_chain_wipe(struct mac_chain *c)
{
	sodium_memzero(c, sizeof(*c));
}
