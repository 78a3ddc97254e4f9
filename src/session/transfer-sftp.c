#include "transfer-sftp.h"

#include "log/fields.h"
#include "log/record.h"
#include "sftp-watch.h"
#include "util/xmalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct transfer_sftp {
	struct sftp_watch *watch;
	struct recorder *rec;
	const char *program;
	void (*recorded)(void *ctx, const char *path);
	void *ctx;
	int failed; /* a record could not be written: err says why */
	struct error err;
};

static void describe(struct buf *b, const struct sftp_file_report *r)
{
	char text[2 * SHA256_LEN + 1];

	if (r->hashed) {
		fields_add_uint(b, "size", (unsigned long long)r->bytes);
		sha256_hex(r->sha256, text);
		fields_add(b, "sha256", text);
	} else {
		fields_add_uint(b, "bytes", (unsigned long long)r->bytes);
		fields_add(b, "not_hashed", r->not_hashed);
	}
	if (!r->upload)
		fields_add(b, "end_of_file", r->end_of_file ? "reached" : "not reached");
	if (r->path_cut)
		fields_add(b, "path_cut", "yes");
	if (!r->closed)
		fields_add(b, "closed", "no: still open when the session ended");
}

static void on_report(void *ctx, const struct sftp_file_report *r)
{
	struct transfer_sftp *s = ctx;
	struct buf b = {0};

	fields_add(&b, "direction", r->upload ? "upload" : "download");
	fields_add(&b, "program", s->program);
	fields_add(&b, "path", r->path);
	fields_add(&b, "seen", "sftp-stream");
	describe(&b, r);
	if (!s->failed && recorder_event(s->rec, REC_TRANSFER, b.data, b.len, 0, &s->err) < 0)
		s->failed = 1;
	buf_free(&b);
	if (!s->failed && r->upload && r->hashed && r->closed && !r->path_cut && s->recorded)
		s->recorded(s->ctx, r->path);
}

/* The folder sftp-server starts in: its own (escort's), or -d START when
 * absolute; one with %d or %u (home, user) is taken as the home folder or
 * left unknown. */
static void start_folder(const char *start, char *dir, size_t size)
{
	const char *home = getenv("HOME");

	if (start && start[0] == '/' && strchr(start, '%') == NULL)
		snprintf(dir, size, "%s", start);
	else if (start && strcmp(start, "%d") == 0 && home && home[0] == '/')
		snprintf(dir, size, "%s", home);
	else if (start)
		snprintf(dir, size, "(sftp-server -d %s)", start);
	else if (getcwd(dir, size) == NULL)
		snprintf(dir, size, "(the folder sftp-server started in)");
}

struct transfer_sftp *transfer_sftp_new(struct recorder *rec, const char *program,
					const char *start,
					void (*recorded)(void *ctx, const char *path), void *ctx)
{
	struct transfer_sftp *s = xcalloc(1, sizeof(*s));
	char dir[PATH_MAX];

	start_folder(start, dir, sizeof(dir));
	s->watch = sftp_watch_new(dir, on_report, s);
	s->rec = rec;
	s->program = program;
	s->recorded = recorded;
	s->ctx = ctx;
	return s;
}

void transfer_sftp_relayed(void *ctx, int from_program, const uint8_t *data, size_t len)
{
	struct transfer_sftp *s = ctx;

	if (from_program)
		sftp_watch_from_server(s->watch, data, len);
	else
		sftp_watch_from_client(s->watch, data, len);
}

static void record_not_followed(struct transfer_sftp *s, size_t n)
{
	struct buf b = {0};

	fields_add(&b, "direction", "unknown");
	fields_add(&b, "program", s->program);
	fields_add_uint(&b, "files_not_followed", n);
	if (!s->failed && recorder_event(s->rec, REC_TRANSFER, b.data, b.len, 0, &s->err) < 0)
		s->failed = 1;
	buf_free(&b);
}

int transfer_sftp_end(struct transfer_sftp *s, struct error *err)
{
	size_t not_followed = sftp_watch_end(s->watch);

	if (not_followed > 0)
		record_not_followed(s, not_followed);
	if (s->failed)
		*err = s->err;
	return s->failed ? -1 : 0;
}

void transfer_sftp_free(struct transfer_sftp *s)
{
	if (s == NULL)
		return;
	sftp_watch_free(s->watch);
	free(s);
}
