#include "sha256.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* One context per thread, reused: creating one per hash costs more than
 * hashing a small record. */
static _Thread_local EVP_MD_CTX *ctx;
static _Thread_local EVP_MD *md;

static void fail(void)
{
	fputs("escort: SHA-256 failed (OpenSSL)\n", stderr);
	abort();
}

static void start(void)
{
	if (ctx == NULL) {
		ctx = EVP_MD_CTX_new();
		md = EVP_MD_fetch(NULL, "SHA256", NULL);
		if (ctx == NULL || md == NULL)
			fail();
	}
	if (EVP_DigestInit_ex2(ctx, md, NULL) != 1)
		fail();
}

static void finish(uint8_t out[SHA256_LEN])
{
	unsigned int len = 0;

	if (EVP_DigestFinal_ex(ctx, out, &len) != 1 || len != SHA256_LEN)
		fail();
}

void sha256_prefixed(uint8_t prefix, const void *a, size_t a_len, const void *b, size_t b_len,
		     uint8_t out[SHA256_LEN])
{
	start();
	if (EVP_DigestUpdate(ctx, &prefix, 1) != 1 || EVP_DigestUpdate(ctx, a, a_len) != 1 ||
	    (b != NULL && EVP_DigestUpdate(ctx, b, b_len) != 1))
		fail();
	finish(out);
}

void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN])
{
	start();
	if (EVP_DigestUpdate(ctx, data, len) != 1)
		fail();
	finish(out);
}

void sha256_release_thread(void)
{
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	ctx = NULL;
	md = NULL;
}

int sha256_fd(int fd, uint8_t out[SHA256_LEN])
{
	uint8_t buf[65536];
	ssize_t n;

	start();
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
			fail();
	}
	finish(out);
	return 0;
}

void sha256_hex(const uint8_t digest[SHA256_LEN], char out[2 * SHA256_LEN + 1])
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < SHA256_LEN; i++) {
		out[2 * i] = digits[digest[i] >> 4];
		out[2 * i + 1] = digits[digest[i] & 15];
	}
	out[2 * SHA256_LEN] = '\0';
}

struct sha256_stream {
	EVP_MD_CTX *ctx;
};

struct sha256_stream *sha256_stream_new(void)
{
	struct sha256_stream *s = malloc(sizeof(*s));

	if (s == NULL || (s->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex2(s->ctx, EVP_sha256(), NULL) != 1)
		fail();
	return s;
}

void sha256_stream_add(struct sha256_stream *s, const void *data, size_t len)
{
	if (len > 0 && EVP_DigestUpdate(s->ctx, data, len) != 1)
		fail();
}

void sha256_stream_end(struct sha256_stream *s, uint8_t out[SHA256_LEN])
{
	unsigned int len = 0;

	if (EVP_DigestFinal_ex(s->ctx, out, &len) != 1 || len != SHA256_LEN)
		fail();
	sha256_stream_free(s);
}

void sha256_stream_free(struct sha256_stream *s)
{
	if (s == NULL)
		return;
	EVP_MD_CTX_free(s->ctx);
	free(s);
}
