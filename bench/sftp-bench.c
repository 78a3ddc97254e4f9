/* What following an SFTP stream costs the relay (src/session/sftp-watch.c):
 * a download of SIZE MiB as sftp-server sends it (32 KiB DATA packets,
 * passed in 64 KiB reads like the relay's) against SHA-256 of the same
 * bytes alone. Prints watch_mb_per_s= and sha256_mb_per_s=.
 * Usage: sftp-bench [SIZE_MIB] */
#include "log/sha256.h"
#include "session/sftp-stream.h"
#include "session/sftp-watch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHUNK 32768
#define READ 65536

static uint8_t packet[CHUNK + 64]; /* the packet being made */
static int hashed;

static void on_report(void *ctx, const struct sftp_file_report *r)
{
	(void)ctx;
	hashed = r->hashed;
}

static size_t put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	return 4;
}

/* type, id, then body: one packet in packet[]; returns its length. */
static size_t make(uint8_t type, uint32_t id, const void *body, size_t len)
{
	size_t n = put32(packet, (uint32_t)(len + 5));

	packet[n++] = type;
	n += put32(packet + n, id);
	memcpy(packet + n, body, len);
	return n + len;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void open_file(struct sftp_watch *w)
{
	static const uint8_t open[] = {0, 0, 0, 2, '/', 'f', 0, 0, 0, 1, 0, 0, 0, 0};
	static const uint8_t handle[] = {0, 0, 0, 4, 'h', 'h', 'h', 'h'};

	sftp_watch_from_client(w, packet, make(SFTP_FXP_OPEN, 1, open, sizeof(open)));
	sftp_watch_from_server(w, packet, make(SFTP_FXP_HANDLE, 1, handle, sizeof(handle)));
}

/* A READ request and its DATA answer (data: the packet, id patched). */
static void read_chunk(struct sftp_watch *w, uint32_t id, uint64_t offset, uint8_t *data, size_t n)
{
	uint8_t req[20] = {0, 0, 0, 4, 'h', 'h', 'h', 'h'};

	put32(req + 8, (uint32_t)(offset >> 32));
	put32(req + 12, (uint32_t)offset);
	put32(req + 16, CHUNK);
	sftp_watch_from_client(w, packet, make(SFTP_FXP_READ, id, req, sizeof(req)));
	put32(data + 5, id);
	for (size_t at = 0; at < n; at += READ)
		sftp_watch_from_server(w, data + at, n - at < READ ? n - at : READ);
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024,
	       chunks = mib * 1024 * 1024 / CHUNK;
	static uint8_t body[CHUNK + 4], data[CHUNK + 64];
	struct sftp_watch *w = sftp_watch_new("/", on_report, NULL);
	struct sha256_stream *h = sha256_stream_new();
	uint8_t digest[SHA256_LEN];
	size_t n;
	double t0, t1, t2;

	put32(body, CHUNK);
	for (size_t i = 4; i < sizeof(body); i++)
		body[i] = (uint8_t)(i * 131);
	n = make(SFTP_FXP_DATA, 0, body, sizeof(body));
	memcpy(data, packet, n);
	open_file(w);
	t0 = now();
	for (size_t i = 0; i < chunks; i++)
		read_chunk(w, (uint32_t)(i + 2), (uint64_t)i * CHUNK, data, n);
	t1 = now();
	for (size_t i = 0; i < chunks; i++)
		sha256_stream_add(h, body + 4, CHUNK);
	t2 = now();
	sha256_stream_end(h, digest);
	sftp_watch_end(w);
	sftp_watch_free(w);
	printf("watch_mb_per_s=%.0f sha256_mb_per_s=%.0f hashed=%d\n",
	       (double)mib * 1.048576 / (t1 - t0), (double)mib * 1.048576 / (t2 - t1), hashed);
	return hashed ? 0 : 1;
}
