#include "reader.h"

#include "compress.h"
#include "util/grow.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

char *log_segment_path(const char *path, size_t index)
{
	if (index == 0)
		return xstrdup(path);
	return xasprintf("%s.%zu", path, index);
}

static void on_sigbus(int sig)
{
	static const char msg[] = "escort: a log file was truncated while it was being read\n";

	(void)sig;
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(1);
}

/* Maps the file: no copy and no zeroed pages, which matters at gigabytes.
 * Pages are read when used, never all at once: a sparse file of gigabytes
 * costs only what is read of it. Opened without blocking, so a FIFO or a
 * device named like a segment is refused, not waited on. Someone truncating
 * the file meanwhile would raise SIGBUS: say so and stop. */
static int load_file(const char *path, uint8_t **data, size_t *len, size_t *mapped,
		     struct error *err)
{
	static uint8_t empty[1];
	struct sigaction sa = {.sa_handler = on_sigbus};
	struct stat st;
	void *map;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

	if (fd < 0)
		return error_errno(err, "cannot open %s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return error_set(err, "%s is not a regular file", path);
	}
	*len = *mapped = (size_t)st.st_size;
	if (st.st_size == 0) {
		close(fd);
		*data = empty;
		return 0;
	}
	map = mmap(NULL, *mapped, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return error_errno(err, "cannot map %s", path);
	sigaction(SIGBUS, &sa, NULL);
	*data = map;
	return 0;
}

static void add_segment(struct log_reader *r, char *path, const uint8_t *data, size_t len,
			size_t mapped, int owns)
{
	struct log_segment *s;

	r->segs = grow_array(r->segs, r->nsegs, sizeof(*r->segs));
	s = &r->segs[r->nsegs++];
	memset(s, 0, sizeof(*s));
	s->path = path;
	s->data = data;
	s->len = s->limit = len;
	s->mapped_len = mapped;
	s->owns_data = owns;
}

int log_reader_open(struct log_reader *r, const char *path, struct error *err)
{
	memset(r, 0, sizeof(*r));
	for (size_t i = 0; i < LOG_MAX_SEGMENTS; i++) {
		char *p = log_segment_path(path, i);
		uint8_t *data = NULL;
		size_t len = 0, mapped = 0;

		if (i > 0 && access(p, F_OK) != 0) {
			free(p);
			break;
		}
		if (load_file(p, &data, &len, &mapped, err) < 0) {
			free(p);
			log_reader_close(r);
			return -1;
		}
		add_segment(r, p, data, len, mapped, 1);
	}
	return 0;
}

void log_reader_init(struct log_reader *r, const uint8_t *data, size_t len)
{
	memset(r, 0, sizeof(*r));
	add_segment(r, xstrdup("(memory)"), data, len, 0, 0);
}

static enum reader_result damaged(struct log_reader *r, struct error *err, const char *what)
{
	char detail[sizeof(err->msg)];

	snprintf(detail, sizeof(detail), "%s", what);
	error_set(err, "segment %zu (%s), offset %zu, sequence %llu: %s", r->seg,
		  r->segs[r->seg].path, r->off, (unsigned long long)r->next_seq, detail);
	return READ_DAMAGED;
}

/* Checks every segment header and how each one chains to the previous. */
static enum reader_result check_headers(struct log_reader *r, struct error *err)
{
	struct error why;

	for (size_t i = 0; i < r->nsegs; i++) {
		struct log_segment *s = &r->segs[i];
		r->seg = i;
		r->off = 0;
		if (segment_header_decode(s->data, s->len, &s->header, &why) < 0)
			return damaged(r, err, why.msg);
		if (s->header.index != i)
			return damaged(r, err,
				       "segment header has the wrong index (segments "
				       "renamed, replaced or missing)");
		if (i == 0 && s->header.reason != SEGMENT_FIRST)
			return damaged(r, err, "the first segment is missing");
		if (i > 0 &&
		    memcmp(s->header.session, r->segs[0].header.session, SESSION_ID_LEN) != 0)
			return damaged(r, err, "segment belongs to another session");
		if (i > 0) {
			struct log_segment *prev = &r->segs[i - 1];
			if (s->header.prev_file_size > prev->len ||
			    s->header.prev_file_size < SEGMENT_HEADER_LEN) {
				r->seg = i - 1;
				r->off = prev->len;
				return damaged(r, err,
					       "segment is shorter than the next segment "
					       "says: it was truncated");
			}
			prev->limit = s->header.prev_file_size;
		}
	}
	r->seg = 0;
	r->off = SEGMENT_HEADER_LEN;
	return READ_RECORD;
}

/* Moves to the next segment when the current one is done. */
static enum reader_result next_segment(struct log_reader *r, struct error *err)
{
	const struct log_segment *next;

	if (r->off != r->segs[r->seg].limit)
		return damaged(r, err, "the next segment chains to a point inside a record");
	if (r->seg + 1 == r->nsegs)
		return READ_END;
	next = &r->segs[r->seg + 1];
	if (next->header.prev_tree_size != r->next_seq) {
		char why[160];
		snprintf(why, sizeof(why),
			 "segment %zu says this segment ends after %llu records, found %llu",
			 r->seg + 1, (unsigned long long)next->header.prev_tree_size,
			 (unsigned long long)r->next_seq);
		return damaged(r, err, why);
	}
	r->seg++;
	r->off = SEGMENT_HEADER_LEN;
	return READ_RECORD;
}

enum reader_result log_reader_next(struct log_reader *r, struct record *rec, struct error *err)
{
	struct error why;
	struct log_segment *s;
	size_t used;

	if (!r->started) {
		enum reader_result h = check_headers(r, err);
		if (h != READ_RECORD)
			return h;
		r->started = 1;
	}
	while (r->off >= r->segs[r->seg].limit) {
		enum reader_result n = next_segment(r, err);
		if (n != READ_RECORD)
			return n;
	}
	s = &r->segs[r->seg];
	switch (record_decode(s->data + r->off, s->limit - r->off, rec, &used, &why)) {
	case DECODE_SHORT:
		if (r->seg + 1 < r->nsegs)
			return damaged(r, err,
				       "the next segment chains to a point inside a record");
		error_set(err,
			  "segment %zu (%s) ends inside a record: %zu torn bytes at offset %zu",
			  r->seg, s->path, s->limit - r->off, r->off);
		return READ_TORN;
	case DECODE_BAD:
		return damaged(r, err, why.msg);
	case DECODE_OK:
		break;
	}
	if (rec->seq != r->next_seq) {
		snprintf(why.msg, sizeof(why.msg),
			 "sequence number %llu is out of order (a record was deleted, inserted or "
			 "moved)",
			 (unsigned long long)rec->seq);
		return damaged(r, err, why.msg);
	}
	if (rec->type == 0 || rec->type > REC_TYPE_MAX)
		return damaged(r, err, "unknown record type");
	if (rec->flags & ~RECORD_FLAGS_KNOWN)
		return damaged(r, err, "unknown record flags");
	r->rec_seg = r->seg;
	r->rec_off = r->off;
	r->off += used;
	r->next_seq++;
	return READ_RECORD;
}

int log_reader_payload(struct log_reader *r, const struct record *rec, const uint8_t **data,
		       size_t *len, struct error *err)
{
	if (!(rec->flags & RECORD_ZSTD)) {
		*data = rec->payload;
		*len = rec->payload_len;
		return 0;
	}
	if (decompress_payload(rec->payload, rec->payload_len, RECORD_MAX_PAYLOAD, &r->scratch,
			       err) < 0)
		return -1;
	r->inflated += r->scratch.len;
	if (r->inflate_limit > 0 && r->inflated > r->inflate_limit)
		return error_set(err,
				 "the compressed output decompresses to more than %llu bytes in "
				 "all (a decompression bomb?): stopped there",
				 (unsigned long long)r->inflate_limit);
	*data = r->scratch.data;
	*len = r->scratch.len;
	return 0;
}

void log_reader_close(struct log_reader *r)
{
	for (size_t i = 0; i < r->nsegs; i++) {
		if (r->segs[i].owns_data && r->segs[i].mapped_len > 0)
			munmap((void *)r->segs[i].data, r->segs[i].mapped_len);
		free(r->segs[i].path);
	}
	free(r->segs);
	buf_free(&r->scratch);
	memset(r, 0, sizeof(*r));
}
