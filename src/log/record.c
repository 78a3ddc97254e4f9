#include "record.h"

#include "crc32c.h"

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
	};

	if (type == 0 || type > REC_TYPE_MAX)
		return "unknown";
	return names[type];
}

void record_encode_file_header(struct buf *out)
{
	uint8_t h[LOG_FILE_HEADER_LEN] = {0};

	memcpy(h, LOG_MAGIC, LOG_MAGIC_LEN);
	put32(h + 8, LOG_VERSION);
	put32(h + 12, crc32c(0, h, 12));
	buf_append(out, h, sizeof(h));
}

int record_check_file_header(const uint8_t *data, size_t len, struct error *err)
{
	if (len < LOG_FILE_HEADER_LEN)
		return error_set(err, "file is shorter than the %d-byte header",
				 LOG_FILE_HEADER_LEN);
	if (memcmp(data, LOG_MAGIC, LOG_MAGIC_LEN) != 0)
		return error_set(err, "not an escort session log (bad magic)");
	if (get32(data + 12) != crc32c(0, data, 12))
		return error_set(err, "file header checksum does not match");
	if (get32(data + 8) != LOG_VERSION)
		return error_set(err, "unsupported log format version %u",
				 (unsigned)get32(data + 8));
	return 0;
}

void record_encode(struct buf *out, const struct record *r)
{
	size_t total = RECORD_HEADER_LEN + r->payload_len + RECORD_TRAILER_LEN;
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
	*used = total;
	return DECODE_OK;
}
