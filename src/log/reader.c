#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int log_reader_open(struct log_reader *r, const char *path, struct error *err)
{
	struct stat st;
	uint8_t *data;
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return error_errno(err, "cannot open %s", path);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return error_set(err, "%s is not a regular file", path);
	}
	data = malloc((size_t)st.st_size + 1);
	if (data == NULL) {
		close(fd);
		return error_errno(err, "cannot allocate %lld bytes for %s", (long long)st.st_size,
				   path);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, data + done, (size_t)st.st_size - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	log_reader_init(r, data, done);
	r->owns_data = 1;
	return 0;
}

void log_reader_init(struct log_reader *r, const uint8_t *data, size_t len)
{
	*r = (struct log_reader){.data = data, .len = len};
}

static enum reader_result damaged(struct log_reader *r, struct error *err, const char *what)
{
	char detail[sizeof(err->msg)];

	snprintf(detail, sizeof(detail), "%s", what);
	error_set(err, "damaged record at offset %zu (expected sequence %llu): %s", r->off,
		  (unsigned long long)r->next_seq, detail);
	return READ_DAMAGED;
}

enum reader_result log_reader_next(struct log_reader *r, struct record *rec, struct error *err)
{
	struct error why;
	size_t used;

	if (!r->started) {
		if (record_check_file_header(r->data, r->len, err) < 0)
			return READ_DAMAGED;
		r->started = 1;
		r->off = LOG_FILE_HEADER_LEN;
	}
	if (r->off == r->len)
		return READ_END;
	switch (record_decode(r->data + r->off, r->len - r->off, rec, &used, &why)) {
	case DECODE_SHORT:
		error_set(err, "the file ends inside a record: %zu torn bytes at offset %zu",
			  r->len - r->off, r->off);
		return READ_TORN;
	case DECODE_BAD:
		return damaged(r, err, why.msg);
	case DECODE_OK:
		break;
	}
	if (rec->seq != r->next_seq) {
		snprintf(why.msg, sizeof(why.msg), "sequence number %llu is out of order",
			 (unsigned long long)rec->seq);
		return damaged(r, err, why.msg);
	}
	if (rec->type == 0 || rec->type > REC_TYPE_MAX)
		return damaged(r, err, "unknown record type");
	r->off += used;
	r->next_seq++;
	return READ_RECORD;
}

void log_reader_close(struct log_reader *r)
{
	if (r->owns_data)
		free((void *)r->data);
	r->data = NULL;
}
