#include "record.h"

#include "crc32c.h"
#include "merkle.h"

#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

const char *record_type_name(uint16_t type)
{
	static const char *names[] = {
	    [REC_SESSION_START] = "session-start",
	    [REC_SESSION_END] = "session-end",
	    [REC_INPUT] = "input",
	    [REC_OUTPUT] = "output",
	    [REC_WINDOW] = "window",
	    [REC_EXEC] = "exec",
	    [REC_DECISION] = "decision",
	    [REC_APPROVAL] = "approval",
	    [REC_LOCK] = "lock",
	    [REC_EPOCH_END] = "epoch-end",
	    [REC_CHECKPOINT] = "checkpoint",
	    [REC_RECOVERY] = "recovery",
	    [REC_MAC_KEY] = "mac-key",
	    [REC_ERROR_OUTPUT] = "error-output",
	    [REC_TRANSFER] = "transfer",
	};

	if (type == 0 || type > REC_TYPE_MAX)
		return "unknown";
	return names[type];
}

const char *segment_reason_name(uint32_t reason)
{
	switch (reason) {
	case SEGMENT_FIRST:
		return "first";
	case SEGMENT_AFTER_SYNC_FAILURE:
		return "after-sync-failure";
	case SEGMENT_AFTER_RECOVERY:
		return "after-recovery";
	}
	return "unknown";
}

void segment_header_encode(struct buf *out, const struct segment_header *h)
{
	uint8_t p[SEGMENT_HEADER_LEN] = {0};

	memcpy(p, LOG_MAGIC, LOG_MAGIC_LEN);
	put32(p + 8, LOG_VERSION);
	put32(p + 12, h->index);
	put32(p + 16, h->reason);
	memcpy(p + 20, h->session, SESSION_ID_LEN);
	put64(p + 36, h->prev_tree_size);
	memcpy(p + 44, h->prev_root, SHA256_LEN);
	put64(p + 76, h->prev_file_size);
	put32(p + 84, crc32c(0, p, 84));
	buf_append(out, p, sizeof(p));
}

int segment_header_decode(const uint8_t *p, size_t len, struct segment_header *h, struct error *err)
{
	if (len < LOG_MAGIC_LEN || memcmp(p, LOG_MAGIC, LOG_MAGIC_LEN) != 0)
		return error_set(err, "not an escort session log (bad magic)");
	if (len < 12 || get32(p + 8) != LOG_VERSION)
		return error_set(err, "unsupported log format version %u",
				 len < 12 ? 0 : (unsigned)get32(p + 8));
	if (len < SEGMENT_HEADER_LEN)
		return error_set(err, "file is shorter than the %d-byte segment header",
				 SEGMENT_HEADER_LEN);
	if (get32(p + 84) != crc32c(0, p, 84))
		return error_set(err, "segment header checksum does not match");
	h->index = get32(p + 12);
	h->reason = get32(p + 16);
	memcpy(h->session, p + 20, SESSION_ID_LEN);
	h->prev_tree_size = get64(p + 36);
	memcpy(h->prev_root, p + 44, SHA256_LEN);
	h->prev_file_size = get64(p + 76);
	return 0;
}

void record_encode(struct buf *out, const struct record *r, const struct mac_chain *mac,
		   uint8_t leaf_hash[SHA256_LEN])
{
	size_t leaf_len = RECORD_HEADER_LEN + r->payload_len;
	size_t total = leaf_len + RECORD_TRAILER_LEN;
	uint8_t *p;

	buf_reserve(out, total);
	p = out->data + out->len;
	put32(p, (uint32_t)(total - 4));
	put16(p + 4, r->type);
	put16(p + 6, r->flags);
	put64(p + 8, r->seq);
	put32(p + 16, r->epoch);
	put64(p + 20, r->mono_ns);
	put64(p + 28, r->wall_ns);
	if (r->payload_len > 0)
		memcpy(p + RECORD_HEADER_LEN, r->payload, r->payload_len);
	merkle_leaf_hash(p, leaf_len, leaf_hash);
	mac_tag(mac, leaf_hash, p + leaf_len);
	put32(p + total - 4, crc32c(0, p, total - 4));
	out->len += total;
}

enum decode_result record_decode(const uint8_t *data, size_t len, struct record *r, size_t *used,
				 struct error *err)
{
	uint32_t body;
	size_t total;

	if (len < 4)
		return DECODE_SHORT;
	body = get32(data);
	if (body < RECORD_HEADER_LEN - 4 + RECORD_TRAILER_LEN ||
	    body > RECORD_HEADER_LEN - 4 + RECORD_MAX_PAYLOAD + RECORD_TRAILER_LEN) {
		error_set(err, "record length %u is out of range", (unsigned)body);
		return DECODE_BAD;
	}
	total = (size_t)body + 4;
	if (len < total)
		return DECODE_SHORT;
	if (get32(data + total - 4) != crc32c(0, data, total - 4)) {
		error_set(err, "record checksum (CRC32C) does not match");
		return DECODE_BAD;
	}
	r->type = get16(data + 4);
	r->flags = get16(data + 6);
	r->seq = get64(data + 8);
	r->epoch = get32(data + 16);
	r->mono_ns = get64(data + 20);
	r->wall_ns = get64(data + 28);
	r->payload = data + RECORD_HEADER_LEN;
	r->payload_len = total - RECORD_HEADER_LEN - RECORD_TRAILER_LEN;
	r->leaf = data;
	r->leaf_len = RECORD_HEADER_LEN + r->payload_len;
	r->mac = data + r->leaf_len;
	*used = total;
	return DECODE_OK;
}
