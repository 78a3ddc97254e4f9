#include "check.h"
#include "log/export.h"
#include "log/fields.h"
#include "logtest.h"

#include <stdlib.h>

static struct buf log_buf;
static uint64_t seq;

static void add(uint16_t type, const void *payload, size_t len)
{
	test_log_record(&log_buf, type, seq++, payload, len);
}

static char *export_as(enum export_format f, int *rc)
{
	struct log_reader r;
	struct error err;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	log_reader_init(&r, log_buf.data, log_buf.len);
	*rc = export_log(&r, f, out, &err);
	log_reader_close(&r);
	fclose(out);
	return text;
}

int main(void)
{
	struct buf start = {0}, end = {0};
	uint8_t window[4] = {100, 0, 30, 0};
	char *text;
	int rc;

	fields_add(&start, "user", "op\"erator");
	fields_add(&start, "cols", "100");
	fields_add(&start, "argv", "bash");
	fields_add_int(&end, "exit_status", 0);
	test_log_header(&log_buf);
	add(REC_SESSION_START, start.data, start.len);
	add(REC_WINDOW, window, 4);
	add(REC_OUTPUT, "\x1b[1;31mred\x1b[0m \xe2\x82", 17);
	add(REC_OUTPUT, "\xac\r\n\x1b]0;title\x07ok\n", 16);

	text = export_as(EXPORT_TEXT, &rc);
	CHECK_STR(text, "red \xe2\x82\xac\nok\n");
	CHECK(rc < 0); /* no session-end record yet */
	free(text);

	add(REC_SESSION_END, end.data, end.len);
	text = export_as(EXPORT_ASCIICAST, &rc);
	CHECK(rc == 0);
	CHECK(strstr(text, "{\"version\":2,\"width\":100,\"height\":24") == text);
	CHECK(strstr(text, "op\\\"erator") != NULL);
	CHECK(strstr(text, "red\\u001b[0m \"]") != NULL);
	CHECK(strstr(text, "\"\xe2\x82\xac\\r\\n") != NULL);
	free(text);

	text = export_as(EXPORT_JSON, &rc);
	CHECK(strstr(text, "\"type\":\"session-start\",\"user\":\"op\\\"erator\"") != NULL);
	CHECK(strstr(text, "\"argv\":[\"bash\"]") != NULL);
	CHECK(strstr(text, "\"type\":\"window\",\"cols\":100,\"rows\":30") != NULL);
	CHECK(strstr(text, "\"exit_status\":0") != NULL);
	free(text);
	buf_free(&start);
	buf_free(&end);
	buf_free(&log_buf);
	CHECK_DONE();
}
