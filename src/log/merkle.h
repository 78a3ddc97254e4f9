/* An RFC 6962 / RFC 9162 Merkle tree over log records, kept as a compact
 * range: the roots of the perfect subtrees that make up the tree so far. */
#ifndef ESCORT_MERKLE_H
#define ESCORT_MERKLE_H

#include "sha256.h"

#include <stddef.h>
#include <stdint.h>

struct merkle {
	uint8_t stack[64][SHA256_LEN];
	int depth;
	uint64_t size;
};

/* SHA-256(0x00 || data) */
void merkle_leaf_hash(const void *data, size_t len, uint8_t out[SHA256_LEN]);
void merkle_init(struct merkle *m);
void merkle_append(struct merkle *m, const uint8_t leaf_hash[SHA256_LEN]);
/* The tree head of the current size (SHA-256 of nothing for the empty tree). */
void merkle_root(const struct merkle *m, uint8_t out[SHA256_LEN]);

#endif
