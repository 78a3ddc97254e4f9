#include "merkle.h"

#include <string.h>

static void node_hash(const uint8_t left[SHA256_LEN], const uint8_t right[SHA256_LEN],
		      uint8_t out[SHA256_LEN])
{
	sha256_prefixed(0x01, left, SHA256_LEN, right, SHA256_LEN, out);
}

void merkle_leaf_hash(const void *data, size_t len, uint8_t out[SHA256_LEN])
{
	sha256_prefixed(0x00, data, len, NULL, 0, out);
}

void merkle_init(struct merkle *m)
{
	memset(m, 0, sizeof(*m));
}

void merkle_append(struct merkle *m, const uint8_t leaf_hash[SHA256_LEN])
{
	uint8_t h[SHA256_LEN];

	memcpy(h, leaf_hash, SHA256_LEN);
	/* Each trailing one bit of the old size is a perfect subtree to merge. */
	for (uint64_t s = m->size; s & 1; s >>= 1) {
		node_hash(m->stack[--m->depth], h, h);
	}
	memcpy(m->stack[m->depth++], h, SHA256_LEN);
	m->size++;
}

void merkle_root(const struct merkle *m, uint8_t out[SHA256_LEN])
{
	uint8_t h[SHA256_LEN];

	if (m->size == 0) {
		sha256("", 0, out);
		return;
	}
	memcpy(h, m->stack[m->depth - 1], SHA256_LEN);
	for (int i = m->depth - 2; i >= 0; i--)
		node_hash(m->stack[i], h, h);
	memcpy(out, h, SHA256_LEN);
}
