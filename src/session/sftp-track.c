#include "sftp-track.h"

#include <string.h>

void sftp_track_break(struct sftp_track *t, const char *why)
{
	if (t->broken == NULL)
		t->broken = why;
	sha256_stream_free(t->hash);
	t->hash = NULL;
}

void sftp_track_add(struct sftp_track *t, uint64_t offset, const uint8_t *data, size_t len)
{
	t->used = 1;
	if (t->broken == NULL && offset != t->next)
		sftp_track_break(t,
				 "data out of order, with holes, or not from the file's beginning");
	t->bytes += len;
	t->next = offset + len;
	t->eof = t->eof && len == 0;
	if (t->broken != NULL || len == 0)
		return;
	if (t->hash == NULL)
		t->hash = sha256_stream_new();
	sha256_stream_add(t->hash, data, len);
}

void sftp_track_finish(struct sftp_track *t, struct sftp_file_report *r)
{
	r->bytes = t->bytes;
	r->hashed = t->broken == NULL;
	r->not_hashed = t->broken;
	r->end_of_file = t->eof;
	if (r->hashed && t->hash == NULL)
		sha256("", 0, r->sha256); /* an empty file */
	else if (r->hashed)
		sha256_stream_end(t->hash, r->sha256);
	t->hash = NULL;
	sftp_track_free(t);
}

void sftp_track_free(struct sftp_track *t)
{
	sha256_stream_free(t->hash);
	memset(t, 0, sizeof(*t));
}
