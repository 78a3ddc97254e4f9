/* Following an SFTP conversation from both sides: one report per file
 * closed, with the SHA-256 of its content in file order, and an honest
 * "not hashed" when data comes out of order, with a hole, or past what
 * escort follows. Bytes come in pieces of any size. */
#include "check.h"
#include "session/sftp-stream.h"
#include "session/sftp-watch.h"
#include "util/buf.h"

#include <stdarg.h>
#include <stdlib.h>

#define MAX_REPORTS 80

static struct {
	struct sftp_file_report r;
	char path[300];
	char why[200];
} got[MAX_REPORTS];
static size_t n_got;

static void on_report(void *ctx, const struct sftp_file_report *r)
{
	(void)ctx;
	if (n_got == MAX_REPORTS)
		return;
	got[n_got].r = *r;
	snprintf(got[n_got].path, sizeof(got[n_got].path), "%s", r->path);
	snprintf(got[n_got].why, sizeof(got[n_got].why), "%s", r->not_hashed ? r->not_hashed : "");
	n_got++;
}

static void u32(struct buf *b, uint32_t v)
{
	uint8_t p[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};

	buf_append(b, p, 4);
}

static void str(struct buf *b, const char *s, size_t len)
{
	u32(b, (uint32_t)len);
	buf_append(b, s, len);
}

/* A packet: type, id, then the fields fmt names (u: uint32, q: uint64, s:
 * a string). */
static void packet(struct buf *out, uint8_t type, uint32_t id, const char *fmt, ...)
{
	struct buf body = {0};
	va_list ap;

	buf_putc(&body, type);
	u32(&body, id);
	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt == 'u')
			u32(&body, va_arg(ap, uint32_t));
		else if (*fmt == 'q') {
			uint64_t v = va_arg(ap, uint64_t);
			u32(&body, (uint32_t)(v >> 32));
			u32(&body, (uint32_t)v);
		} else {
			const char *s = va_arg(ap, const char *);
			str(&body, s, strlen(s));
		}
	}
	va_end(ap);
	u32(out, (uint32_t)body.len);
	buf_append(out, body.data, body.len);
	buf_free(&body);
}

static struct sftp_watch *w;
static size_t piece = 0; /* 0: whole packets */

static void feed(int from_server, struct buf *b)
{
	for (size_t at = 0; at < b->len;) {
		size_t n = piece && piece < b->len - at ? piece : b->len - at;
		(from_server ? sftp_watch_from_server : sftp_watch_from_client)(w, b->data + at, n);
		at += n;
	}
	buf_reset(b);
}

#define C(...)                                                                                     \
	do {                                                                                       \
		packet(&b, __VA_ARGS__);                                                           \
		feed(0, &b);                                                                       \
	} while (0)
#define S(...)                                                                                     \
	do {                                                                                       \
		packet(&b, __VA_ARGS__);                                                           \
		feed(1, &b);                                                                       \
	} while (0)

static void start(void)
{
	sftp_watch_free(w);
	w = sftp_watch_new("/home/u", on_report, NULL);
	n_got = 0;
}

static int hash_is(const struct sftp_file_report *r, const char *data)
{
	uint8_t want[SHA256_LEN];

	sha256(data, strlen(data), want);
	return r->hashed && memcmp(r->sha256, want, SHA256_LEN) == 0;
}

static void open_file(const char *path, uint32_t pflags, const char *handle)
{
	struct buf b = {0};

	C(SFTP_FXP_OPEN, 1, "suu", path, pflags, 0u);
	S(SFTP_FXP_HANDLE, 1, "s", handle);
	buf_free(&b);
}

static void close_file(const char *handle)
{
	struct buf b = {0};

	C(SFTP_FXP_CLOSE, 99, "s", handle);
	S(SFTP_FXP_STATUS, 99, "u", 0u);
	buf_free(&b);
}

static void test_download_in_order(size_t pieces)
{
	struct buf b = {0};

	piece = pieces;
	start();
	open_file("/srv/f", 1, "h1");
	C(SFTP_FXP_READ, 2, "squ", "h1", (uint64_t)0, 4u);
	C(SFTP_FXP_READ, 3, "squ", "h1", (uint64_t)4, 4u);
	S(SFTP_FXP_DATA, 2, "s", "abcd");
	S(SFTP_FXP_DATA, 3, "s", "efgh");
	C(SFTP_FXP_READ, 4, "squ", "h1", (uint64_t)8, 4u);
	S(SFTP_FXP_STATUS, 4, "u", 1u); /* end of file */
	CHECK(n_got == 0);
	close_file("h1");
	CHECK(n_got == 1);
	CHECK(!got[0].r.upload && got[0].r.closed && got[0].r.bytes == 8);
	CHECK_STR(got[0].path, "/srv/f");
	CHECK(hash_is(&got[0].r, "abcdefgh") && got[0].r.end_of_file);
	CHECK(sftp_watch_end(w) == 0 && n_got == 1);
	piece = 0;
	buf_free(&b);
}

static void test_out_of_order(void)
{
	struct buf b = {0};

	start();
	open_file("/srv/f", 1, "h1");
	C(SFTP_FXP_READ, 2, "squ", "h1", (uint64_t)0, 4u);
	C(SFTP_FXP_READ, 3, "squ", "h1", (uint64_t)4, 4u);
	S(SFTP_FXP_DATA, 3, "s", "efgh");
	S(SFTP_FXP_DATA, 2, "s", "abcd");
	close_file("h1");
	CHECK(n_got == 1 && !got[0].r.hashed && got[0].r.bytes == 8);
	CHECK(strstr(got[0].why, "out of order") != NULL);
	/* A hole: the read of 4..8 never answered with data. */
	start();
	open_file("/srv/g", 1, "h1");
	C(SFTP_FXP_READ, 2, "squ", "h1", (uint64_t)0, 4u);
	C(SFTP_FXP_READ, 3, "squ", "h1", (uint64_t)8, 4u);
	S(SFTP_FXP_DATA, 2, "s", "abcd");
	S(SFTP_FXP_DATA, 3, "s", "ijkl");
	close_file("h1");
	CHECK(n_got == 1 && !got[0].r.hashed && got[0].r.bytes == 8);
	/* Read in order, but not to the end. */
	start();
	open_file("/srv/part", 1, "h1");
	C(SFTP_FXP_READ, 2, "squ", "h1", (uint64_t)0, 4u);
	C(SFTP_FXP_READ, 3, "squ", "h1", (uint64_t)8, 4u);
	S(SFTP_FXP_DATA, 2, "s", "abcd");
	S(SFTP_FXP_STATUS, 3, "u", 1u); /* past the data: not where it ends */
	close_file("h1");
	CHECK(n_got == 1 && hash_is(&got[0].r, "abcd") && !got[0].r.end_of_file);
	/* A resumed download starts past the beginning. */
	start();
	open_file("/srv/h", 1, "h1");
	C(SFTP_FXP_READ, 2, "squ", "h1", (uint64_t)100, 4u);
	S(SFTP_FXP_DATA, 2, "s", "abcd");
	close_file("h1");
	CHECK(n_got == 1 && !got[0].r.hashed && strstr(got[0].why, "beginning") != NULL);
	buf_free(&b);
}

static void test_upload(void)
{
	struct buf b = {0};

	start();
	open_file("up.bin", 0x1a, "H"); /* WRITE|CREAT|TRUNC, relative */
	C(SFTP_FXP_WRITE, 2, "sqs", "H", (uint64_t)0, "hello ");
	C(SFTP_FXP_WRITE, 3, "sqs", "H", (uint64_t)6, "world");
	S(SFTP_FXP_STATUS, 2, "u", 0u);
	S(SFTP_FXP_STATUS, 3, "u", 0u);
	close_file("H");
	CHECK(n_got == 1 && got[0].r.upload && got[0].r.bytes == 11);
	CHECK_STR(got[0].path, "/home/u/up.bin");
	CHECK(hash_is(&got[0].r, "hello world"));
	/* A write the server refused: the content is not what was sent. */
	start();
	open_file("/up2", 0x1a, "H");
	C(SFTP_FXP_WRITE, 2, "sqs", "H", (uint64_t)0, "abc");
	S(SFTP_FXP_STATUS, 2, "u", 4u);
	close_file("H");
	CHECK(n_got == 1 && !got[0].r.hashed && strstr(got[0].why, "refused") != NULL);
	/* An empty upload, and a download of an empty file. */
	start();
	open_file("/empty-up", 0x1a, "A");
	close_file("A");
	open_file("/empty-down", 1, "B");
	C(SFTP_FXP_READ, 2, "squ", "B", (uint64_t)0, 4u);
	S(SFTP_FXP_STATUS, 2, "u", 1u);
	close_file("B");
	CHECK(n_got == 2 && got[0].r.upload && hash_is(&got[0].r, "") && !got[1].r.upload &&
	      hash_is(&got[1].r, ""));
	buf_free(&b);
}

/* The data length a WRITE declares is what the server writes, whatever
 * follows it in the packet. */
static void test_declared_length(void)
{
	struct buf b = {0}, body = {0};

	start();
	open_file("/d", 0x1a, "H");
	buf_putc(&body, SFTP_FXP_WRITE);
	u32(&body, 2);
	str(&body, "H", 1);
	u32(&body, 0);
	u32(&body, 0);
	u32(&body, 2);
	buf_append(&body, "okEXTRA", 7);
	u32(&b, (uint32_t)body.len);
	buf_append(&b, body.data, body.len);
	feed(0, &b);
	S(SFTP_FXP_STATUS, 2, "u", 0u);
	close_file("H");
	CHECK(n_got == 1 && got[0].r.bytes == 2 && hash_is(&got[0].r, "ok"));
	buf_free(&b);
	buf_free(&body);
}

static void test_limits(void)
{
	struct buf b = {0};
	char name[32], handle[32];

	start();
	for (int i = 0; i < SFTP_WATCH_FILES + 1; i++) {
		snprintf(name, sizeof(name), "/f%d", i);
		snprintf(handle, sizeof(handle), "%d", i);
		open_file(name, 1, handle);
	}
	for (uint32_t id = 2; id < 2 + SFTP_WATCH_PENDING + 1; id++)
		C(SFTP_FXP_READ, id, "squ", "0", (uint64_t)(id - 2) * 4, 4u);
	for (uint32_t id = 2; id < 2 + SFTP_WATCH_PENDING + 1; id++)
		S(SFTP_FXP_DATA, id, "s", "abcd");
	close_file("0");
	CHECK(n_got == 1 && !got[0].r.hashed && strstr(got[0].why, "in flight") != NULL);
	CHECK(sftp_watch_end(w) == 1); /* the 65th file */
	CHECK(n_got == SFTP_WATCH_FILES && !got[1].r.closed);
	buf_free(&b);
}

static void test_not_sftp(void)
{
	struct buf b = {0};
	static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 1, 2, 3};

	start();
	open_file("/f", 1, "h");
	C(SFTP_FXP_READ, 2, "squ", "h", (uint64_t)0, 4u);
	S(SFTP_FXP_DATA, 2, "s", "abcd");
	sftp_watch_from_client(w, junk, sizeof(junk));
	CHECK(sftp_watch_end(w) == 1);
	CHECK(n_got == 1 && !got[0].r.hashed && !got[0].r.closed && got[0].r.bytes == 4);
	buf_free(&b);
}

int main(void)
{
	test_download_in_order(0);
	test_download_in_order(1);
	test_download_in_order(3);
	test_out_of_order();
	test_upload();
	test_declared_length();
	test_limits();
	test_not_sftp();
	sftp_watch_free(w);
	CHECK_DONE();
}
