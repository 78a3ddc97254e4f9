/* Building small logs in memory for the unit tests. */
#ifndef ESCORT_LOGTEST_H
#define ESCORT_LOGTEST_H

#include "log/mackey.h"
#include "log/record.h"

#include <string.h>

static struct mac_chain test_mac;

static void test_log_header(struct buf *b)
{
	struct segment_header h = {0};

	memset(h.session, 7, sizeof(h.session));
	segment_header_encode(b, &h);
}

static void test_log_record(struct buf *b, uint16_t type, uint64_t seq, const void *payload,
			    size_t len)
{
	struct record r = {.type = type,
			   .seq = seq,
			   .mono_ns = seq * 500000000ull,
			   .wall_ns = 1700000000000000000ull,
			   .payload = payload,
			   .payload_len = len};
	uint8_t leaf[SHA256_LEN];

	record_encode(b, &r, &test_mac, leaf);
}

#endif
