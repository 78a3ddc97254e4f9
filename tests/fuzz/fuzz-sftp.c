/* libFuzzer target: the SFTP stream escort relays between an sftp client
 * and sftp-server is hostile bytes both ways. Following it must never
 * crash, leak or grow without bound, and every report must be coherent: a
 * hash, or the reason there is none. The input is cut into pieces: each
 * piece starts with a byte saying which way it goes (low bit) and how long
 * it is (the rest, plus one). */
#include "session/sftp-watch.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void on_report(void *ctx, const struct sftp_file_report *r)
{
	size_t *n = ctx;

	if (r->path == NULL || strlen(r->path) > 8192)
		abort();
	if (r->hashed ? r->not_hashed != NULL : (r->not_hashed == NULL || !r->not_hashed[0]))
		abort();
	if (++*n > SFTP_WATCH_FILES * 2 + 1000000)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t reports = 0;
	struct sftp_watch *w = sftp_watch_new("/home/op", on_report, &reports);

	while (size > 0) {
		uint8_t c = data[0];
		size_t n = (size_t)(c >> 1) + 1;
		data++;
		size--;
		n = n < size ? n : size;
		if (c & 1)
			sftp_watch_from_server(w, data, n);
		else
			sftp_watch_from_client(w, data, n);
		data += n;
		size -= n;
	}
	sftp_watch_end(w);
	sftp_watch_free(w);
	return 0;
}
