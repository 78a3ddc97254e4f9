#include "checkpoint-file.h"

#include "checkpoint.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The length of the line at pos (without its newline), or -1 without one. */
static long line_at(const uint8_t *p, size_t len, size_t pos)
{
	const uint8_t *nl = pos < len ? memchr(p + pos, '\n', len - pos) : NULL;

	return nl ? (long)(nl - (p + pos)) : -1;
}

/* One note: text lines, an empty line, signature lines, then the empty line
 * that ends the entry (or the end of the file). */
static int take_note(const uint8_t *p, size_t len, size_t *pos, size_t *note_len)
{
	size_t start = *pos, end;
	long n;

	while ((n = line_at(p, len, *pos)) > 0 && *pos - start <= CHECKPOINT_NOTE_MAX)
		*pos += (size_t)n + 1;
	if (n != 0)
		return -1;
	*pos += 1;
	while (*pos < len && (n = line_at(p, len, *pos)) > 0 && *pos - start <= CHECKPOINT_NOTE_MAX)
		*pos += (size_t)n + 1;
	end = *pos;
	if (*pos < len && n != 0)
		return -1;
	if (*pos < len)
		*pos += 1; /* the empty line after the entry */
	*note_len = end - start;
	return 0;
}

int kept_note_check(const uint8_t *note, size_t len, struct error *err)
{
	struct checkpoint cp;

	if (len > CHECKPOINT_NOTE_MAX)
		return error_set(err, "a checkpoint of %zu bytes is larger than %u", len,
				 CHECKPOINT_NOTE_MAX);
	return checkpoint_parse(note, len, &cp, err);
}

int kept_notes_parse(struct kept_notes *out, const uint8_t *data, size_t len, struct error *err)
{
	size_t pos = 0, cap = 0;

	memset(out, 0, sizeof(*out));
	if (len > CHECKPOINT_FILE_MAX)
		return error_set(err, "%zu bytes of kept checkpoints is more than %u", len,
				 CHECKPOINT_FILE_MAX);
	buf_append(&out->data, data, len);
	while (pos < len) {
		size_t at = pos, n = 0;
		struct error why;
		const uint8_t *p = out->data.data;
		if (take_note(p, len, &pos, &n) < 0 || kept_note_check(p + at, n, &why) < 0) {
			kept_notes_free(out);
			return error_set(err, "kept checkpoint %zu (at byte %zu) is malformed%s%s",
					 out->count + 1, at, n ? ": " : "", n ? why.msg : "");
		}
		if (out->count == cap) {
			cap = cap ? cap * 2 : 16;
			out->notes = xreallocarray(out->notes, cap, sizeof(*out->notes));
		}
		out->notes[out->count++] = (struct kept_note){p + at, n};
	}
	return 0;
}

static int read_all(int fd, struct buf *b, size_t size, const char *path, struct error *err)
{
	buf_reserve(b, size);
	while (b->len < size) {
		ssize_t n = read(fd, b->data + b->len, size - b->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_errno(err, "cannot read %s", path);
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	return 0;
}

int kept_notes_load(struct kept_notes *out, const char *path, struct error *err)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	struct buf raw = {0};
	struct error why;
	struct stat st;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return error_errno(err, "cannot open the kept checkpoints %s", path);
	if (fstat(fd, &st) < 0)
		error_errno(err, "cannot stat %s", path);
	else if (!S_ISREG(st.st_mode))
		error_set(err, "the kept checkpoints %s are not a regular file", path);
	else if ((uint64_t)st.st_size > CHECKPOINT_FILE_MAX)
		error_set(err, "the kept checkpoints %s are larger than %u bytes", path,
			  CHECKPOINT_FILE_MAX);
	else if (read_all(fd, &raw, (size_t)st.st_size, path, err) < 0)
		;
	else if (kept_notes_parse(out, raw.data, raw.len, &why) < 0)
		error_set(err, "%s: %s", path, why.msg);
	else
		rc = 0;
	close(fd);
	buf_free(&raw);
	return rc;
}

void kept_notes_free(struct kept_notes *k)
{
	buf_free(&k->data);
	free(k->notes);
	memset(k, 0, sizeof(*k));
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int kept_note_append(const char *path, const uint8_t *note, size_t len, int sync, struct error *err)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	struct buf entry = {0};
	struct stat st;
	int rc = -1;

	if (fd < 0)
		return error_errno(err, "cannot open %s", path);
	buf_append(&entry, note, len);
	buf_putc(&entry, '\n');
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		error_set(err, "%s is not a regular file", path);
	else if ((uint64_t)st.st_size + entry.len > CHECKPOINT_FILE_MAX)
		error_set(err, "%s is full (%u bytes): checkpoints are no longer kept", path,
			  CHECKPOINT_FILE_MAX);
	else if (write_all(fd, entry.data, entry.len) < 0 || (sync && fdatasync(fd) < 0))
		error_errno(err, "cannot write %s", path);
	else
		rc = 0;
	buf_free(&entry);
	close(fd);
	return rc;
}
