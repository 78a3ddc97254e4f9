/* SHA-256 through OpenSSL (which uses the CPU's SHA extensions). */
#ifndef ESCORT_SHA256_H
#define ESCORT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

/* out = SHA-256(prefix byte || a || b); b may be NULL. Aborts if OpenSSL
 * cannot hash (out of memory): a log that cannot be hashed must not be written. */
void sha256_prefixed(uint8_t prefix, const void *a, size_t a_len, const void *b, size_t b_len,
		     uint8_t out[SHA256_LEN]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_LEN]);
/* Hashes everything read from fd; returns -1 (errno set) when a read fails. */
int sha256_fd(int fd, uint8_t out[SHA256_LEN]);
/* out: the digest in lowercase hex. */
void sha256_hex(const uint8_t digest[SHA256_LEN], char out[2 * SHA256_LEN + 1]);
/* A hash fed piece by piece (a file as it crosses a stream). */
struct sha256_stream;
struct sha256_stream *sha256_stream_new(void);
void sha256_stream_add(struct sha256_stream *s, const void *data, size_t len);
/* The hash of everything added; s is freed. */
void sha256_stream_end(struct sha256_stream *s, uint8_t out[SHA256_LEN]);
void sha256_stream_free(struct sha256_stream *s);
/* Frees this thread's hashing context; call before a thread that hashed exits. */
void sha256_release_thread(void);

#endif
