/* Frames: round trip, partial input, and every way a frame is refused. */
#include "check.h"
#include "proto/frame.h"
#include "proto/text.h"

static void round_trip(void)
{
	Escort__Ack ack = ESCORT__ACK__INIT;
	Frame f = ESCORT__FRAME__INIT, *out;
	struct buf b = {0};
	struct error err;
	size_t used;

	ack.seq = 77;
	f.body_case = ESCORT__FRAME__BODY_ACK;
	f.ack = &ack;
	frame_encode(&f, &b);
	frame_encode(&f, &b);
	for (size_t cut = 0; cut < b.len / 2; cut++)
		CHECK(frame_parse(b.data, cut, &used, &out, &err) == 0);
	CHECK(frame_parse(b.data, b.len, &used, &out, &err) == 1);
	CHECK(used == b.len / 2 && out->body_case == ESCORT__FRAME__BODY_ACK &&
	      out->ack->seq == 77);
	frame_free(out);
	buf_free(&b);
}

static int refused(const char *bytes, size_t len, const char *want)
{
	struct error err;
	size_t used;
	Frame *out;

	if (frame_parse((const uint8_t *)bytes, len, &used, &out, &err) != -1)
		return 0;
	return strstr(err.msg, want) != NULL;
}

static void refusals(void)
{
	CHECK(refused("GET /", 5, "not an escort frame"));
	CHECK(refused("EX", 2, "second byte"));
	CHECK(refused("ES\x00\x01\x00\x00\x00\x00", 8, "version 1"));
	CHECK(refused("ES\x00\x02\x7f\x00\x00\x00", 8, "over the limit"));
	CHECK(refused("ES\x00\x02\x00\x00\x00\x03\xff\xff\xff", 11, "does not decode"));
	CHECK(refused("ES\x00\x02\x00\x00\x00\x00", 8, "carries no message"));
}

static void text_is_made_valid(void)
{
	struct text_arena a = {0};
	const char *ok = "caf\xc3\xa9";

	CHECK(text_utf8(&a, ok) == ok);
	CHECK_STR(text_utf8(&a, "a\xff"
				"b\xc3"),
		  "a\\xffb\\xc3");
	CHECK_STR(text_utf8(&a, NULL), "");
	text_arena_free(&a);
}

int main(void)
{
	round_trip();
	refusals();
	text_is_made_valid();
	CHECK_DONE();
}
