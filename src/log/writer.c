#include "writer.h"

#include "record.h"
#include "util/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct log_writer {
	int fd;
	char *path;
	struct buf pending;
	uint64_t next_seq;
	uint64_t mono_start;
	off_t written; /* bytes in the file, always at a record boundary */
	int broken;    /* a write failed: refuse everything after it */
};

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

struct log_writer *log_writer_create(const char *path, struct error *err)
{
	struct log_writer *w = calloc(1, sizeof(*w));

	if (w == NULL) {
		error_errno(err, "cannot allocate the log writer");
		return NULL;
	}
	w->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (w->fd < 0) {
		error_errno(err, "cannot create session log %s", path);
		free(w);
		return NULL;
	}
	w->path = strdup(path);
	w->mono_start = now_ns(CLOCK_MONOTONIC);
	record_encode_file_header(&w->pending);
	return w;
}

void log_writer_append(struct log_writer *w, uint16_t type, const void *payload, size_t len)
{
	struct record r = {
	    .type = type,
	    .seq = w->next_seq++,
	    .mono_ns = now_ns(CLOCK_MONOTONIC) - w->mono_start,
	    .wall_ns = now_ns(CLOCK_REALTIME),
	    .payload = payload,
	    .payload_len = len,
	};

	record_encode(&w->pending, &r);
}

size_t log_writer_pending(const struct log_writer *w)
{
	return w->pending.len;
}

/* The largest prefix of the pending buffer, no longer than limit, that ends on
 * a record boundary. The file header counts as a record here. */
static size_t whole_records_within(const struct log_writer *w, size_t limit)
{
	const uint8_t *p = w->pending.data;
	size_t at = w->written == 0 ? LOG_FILE_HEADER_LEN : 0;

	if (at > limit)
		return 0;
	while (at + 4 <= w->pending.len) {
		uint32_t body = (uint32_t)p[at] | (uint32_t)p[at + 1] << 8 |
				(uint32_t)p[at + 2] << 16 | (uint32_t)p[at + 3] << 24;
		if (at + 4 + body > limit)
			break;
		at += 4 + body;
	}
	return at;
}

static int fail_write(struct log_writer *w, size_t done, struct error *err)
{
	int saved = errno;
	off_t keep = w->written + (off_t)whole_records_within(w, done);

	/* Cut the half-written record so the file ends cleanly; best effort. */
	if (ftruncate(w->fd, keep) == 0)
		w->written = keep;
	w->broken = 1;
	errno = saved;
	return error_errno(err, "cannot write session log %s", w->path);
}

int log_writer_flush(struct log_writer *w, struct error *err)
{
	size_t done = 0;

	if (w->broken)
		return error_set(err, "session log %s is no longer writable", w->path);
	while (done < w->pending.len) {
		ssize_t n = write(w->fd, w->pending.data + done, w->pending.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			return fail_write(w, done, err);
		}
		done += (size_t)n;
	}
	w->written += (off_t)done;
	buf_reset(&w->pending);
	return 0;
}

int log_writer_sync(struct log_writer *w, struct error *err)
{
	if (log_writer_flush(w, err) < 0)
		return -1;
	if (fdatasync(w->fd) < 0) {
		w->broken = 1; /* never retry a failed fsync: the data may be gone */
		return error_errno(err, "cannot sync session log %s", w->path);
	}
	return 0;
}

const char *log_writer_path(const struct log_writer *w)
{
	return w->path;
}

void log_writer_close(struct log_writer *w)
{
	if (w == NULL)
		return;
	close(w->fd);
	buf_free(&w->pending);
	free(w->path);
	free(w);
}
