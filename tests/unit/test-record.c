#include "check.h"
#include "log/fields.h"
#include "log/reader.h"
#include "log/record.h"
#include "logtest.h"

#include <stdlib.h>

static void make_log(struct buf *b, int records)
{
	test_log_header(b);
	for (int i = 0; i < records; i++) {
		char payload[32];
		int n = snprintf(payload, sizeof(payload), "payload %d", i);
		test_log_record(b, REC_OUTPUT, (uint64_t)i, payload, (size_t)n);
	}
}

static int count_records(const uint8_t *data, size_t len, enum reader_result *last)
{
	struct log_reader r;
	struct record rec;
	struct error err;
	int n = 0;

	log_reader_init(&r, data, len);
	while ((*last = log_reader_next(&r, &rec, &err)) == READ_RECORD)
		n++;
	log_reader_close(&r);
	return n;
}

static void test_roundtrip(void)
{
	struct buf b = {0};
	struct log_reader r;
	struct record rec;
	struct error err;

	make_log(&b, 3);
	log_reader_init(&r, b.data, b.len);
	CHECK(log_reader_next(&r, &rec, &err) == READ_RECORD);
	CHECK(rec.type == REC_OUTPUT && rec.seq == 0 && rec.payload_len == 9);
	CHECK(memcmp(rec.payload, "payload 0", 9) == 0);
	CHECK(log_reader_next(&r, &rec, &err) == READ_RECORD && rec.mono_ns == 500000000ull);
	CHECK(log_reader_next(&r, &rec, &err) == READ_RECORD);
	CHECK(log_reader_next(&r, &rec, &err) == READ_END);
	log_reader_close(&r);
	buf_free(&b);
}

/* Every single-bit change anywhere is caught: by the header check, a CRC,
 * the length range or the sequence check. */
static void test_every_bit_flip(void)
{
	struct buf b = {0};
	enum reader_result last;
	int missed = 0;

	make_log(&b, 3);
	for (size_t i = 0; i < b.len * 8; i++) {
		b.data[i / 8] ^= (uint8_t)(1u << (i % 8));
		int n = count_records(b.data, b.len, &last);
		if (last == READ_END && n == 3)
			missed++;
		b.data[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	CHECK(missed == 0);
	buf_free(&b);
}

static void test_truncation_is_torn(void)
{
	struct buf b = {0};
	enum reader_result last;

	make_log(&b, 2);
	CHECK(count_records(b.data, b.len - 5, &last) == 1 && last == READ_TORN);
	CHECK(count_records(b.data, 10, &last) == 0 && last == READ_DAMAGED);
	buf_free(&b);
}

static void test_sequence_gap(void)
{
	struct buf b = {0};
	struct buf c = {0};
	enum reader_result last;
	size_t first;

	make_log(&b, 3);
	/* Drop the middle record: header + record 0 + record 2. */
	first = SEGMENT_HEADER_LEN + RECORD_HEADER_LEN + 9 + RECORD_TRAILER_LEN;
	buf_append(&c, b.data, first);
	buf_append(&c, b.data + first * 2 - SEGMENT_HEADER_LEN,
		   b.len - (first * 2 - SEGMENT_HEADER_LEN));
	CHECK(count_records(c.data, c.len, &last) == 1 && last == READ_DAMAGED);
	buf_free(&b);
	buf_free(&c);
}

static void test_fields(void)
{
	struct buf b = {0};
	struct field f;
	size_t pos = 0;

	fields_add(&b, "user", "alice");
	fields_add(&b, "skipped", NULL);
	fields_add_int(&b, "exit_status", -1);
	CHECK(fields_next(b.data, b.len, &pos, &f) == 1);
	CHECK_STR(f.key, "user");
	CHECK_STR(f.value, "alice");
	CHECK(fields_next(b.data, b.len, &pos, &f) == 1);
	CHECK_STR(f.value, "-1");
	CHECK(fields_next(b.data, b.len, &pos, &f) == 0);
	pos = 0;
	CHECK(fields_next(b.data, b.len - 1, &pos, &f) == 1);
	CHECK(fields_next(b.data, b.len - 1, &pos, &f) == -1);
	buf_free(&b);
}

int main(void)
{
	test_roundtrip();
	test_every_bit_flip();
	test_truncation_is_torn();
	test_sequence_gap();
	test_fields();
	CHECK_DONE();
}
