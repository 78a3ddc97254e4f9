#include "transfers.h"

#include "log/fields.h"
#include "log/record.h"
#include "log/sha256.h"
#include "transfer-command.h"
#include "transfer-sftp.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FILES 10000 /* records per session; then one saying how many more */

struct transfers {
	struct transfer_command cmd;
	char **written; /* uploads: files written, as the process saw them */
	size_t n_written;
	size_t more;		    /* files past MAX_FILES */
	struct transfer_sftp *sftp; /* sftp-server: the stream is followed */
};

struct transfers *transfers_new(const struct command *cmd)
{
	struct transfers *t = xcalloc(1, sizeof(*t));

	if (transfer_command_parse(cmd, &t->cmd) == TRANSFER_NONE) {
		free(t);
		return NULL;
	}
	t->written = xcalloc(MAX_FILES, sizeof(char *));
	return t;
}

static ssize_t find(const struct transfers *t, const char *path)
{
	for (size_t i = 0; i < t->n_written; i++)
		if (strcmp(t->written[i], path) == 0)
			return (ssize_t)i;
	return -1;
}

static void add(struct transfers *t, const char *path)
{
	if (path[0] == '\0' || find(t, path) >= 0)
		return;
	if (t->n_written == MAX_FILES) {
		t->more++;
		return;
	}
	t->written[t->n_written++] = xstrdup(path);
}

static void forget(struct transfers *t, ssize_t i)
{
	if (i < 0)
		return;
	free(t->written[i]);
	t->written[i] = t->written[--t->n_written];
}

/* An upload the SFTP stream recorded with its hash needs no second record. */
static void sftp_recorded(void *ctx, const char *path)
{
	struct transfers *t = ctx;

	forget(t, find(t, path));
}

void *transfers_stream(struct transfers *t, struct recorder *rec)
{
	if (t->cmd.way != TRANSFER_BOTH)
		return NULL;
	if (t->sftp == NULL)
		t->sftp = transfer_sftp_new(
		    rec, t->cmd.program, t->cmd.n_paths ? t->cmd.paths[0] : NULL, sftp_recorded, t);
	return t->sftp;
}

/* rsync and git write a temporary name, then rename or link it. */
void transfers_changed(void *ctx, pid_t pid, enum change_kind kind, const char *path,
		       const char *path2)
{
	struct transfers *t = ctx;

	(void)pid; /* the whole session is the transfer */
	if (t->cmd.way == TRANSFER_DOWNLOAD)
		return;
	if (kind == CHANGE_WRITE || kind == CHANGE_CREATE || kind == CHANGE_TRUNCATE)
		add(t, path);
	else if (kind == CHANGE_DELETE)
		forget(t, find(t, path));
	else if ((kind == CHANGE_RENAME || kind == CHANGE_LINK) && find(t, path) >= 0) {
		if (kind == CHANGE_RENAME)
			forget(t, find(t, path));
		forget(t, find(t, path2)); /* replaced */
		add(t, path2);
	}
}

/* Opens what path is now: -1 (errno) when gone; a device, a folder or a
 * link (the terminal, /dev/null) is no file transferred: -2. */
static int open_file(const char *path, struct stat *st)
{
	int fd;

	if (lstat(path, st) == 0 && !S_ISREG(st->st_mode))
		return -2;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return errno == ELOOP ? -2 : -1;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -2;
	}
	return fd;
}

/* Size and SHA-256 of the file, or why not, for the auditor. */
static void describe_file(struct buf *b, int fd, const struct stat *st)
{
	uint8_t digest[SHA256_LEN];
	char text[2 * SHA256_LEN + 1];

	if (fd < 0) {
		fields_add(b, "error",
			   errno == ENOENT ? "gone when the transfer ended" : strerror(errno));
		return;
	}
	fields_add_uint(b, "size", (unsigned long long)st->st_size);
	if (sha256_fd(fd, digest) < 0) {
		fields_add(b, "error", strerror(errno));
		return;
	}
	sha256_hex(digest, text);
	fields_add(b, "sha256", text);
}

static const char *way_name(enum transfer_way w)
{
	return w == TRANSFER_DOWNLOAD ? "download" : "upload";
}

static int record_one(const struct transfers *t, struct recorder *rec, enum transfer_way way,
		      const char *path, int repository, struct error *err)
{
	struct buf b = {0};
	struct stat st;
	int rc, fd = repository ? -1 : open_file(path, &st);

	if (fd == -2)
		return 0;
	fields_add(&b, "direction", way_name(way));
	fields_add(&b, "program", t->cmd.program);
	fields_add(&b, "path", path);
	if (repository)
		fields_add(&b, "kind", "repository");
	else
		describe_file(&b, fd, &st);
	if (fd >= 0)
		close(fd);
	rc = recorder_event(rec, REC_TRANSFER, b.data, b.len, 0, err);
	buf_free(&b);
	return rc;
}

/* A download of a folder (scp -r, rsync) sends what is below it. */
static struct {
	const struct transfers *t;
	struct recorder *rec;
	struct error *err;
	size_t done;
	int rc;
} walk;

static int walk_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)f;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (walk.done++ >= MAX_FILES)
		return 0;
	walk.rc = record_one(walk.t, walk.rec, TRANSFER_DOWNLOAD, path, 0, walk.err);
	return walk.rc < 0;
}

static int record_download(const struct transfers *t, struct recorder *rec, const char *path,
			   struct error *err)
{
	struct stat st;

	if (t->cmd.repository || stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return record_one(t, rec, TRANSFER_DOWNLOAD, path, t->cmd.repository, err);
	walk.t = t;
	walk.rec = rec;
	walk.err = err;
	walk.rc = 0;
	nftw(path, walk_one, 16, FTW_PHYS);
	return walk.rc;
}

static int record_more(const struct transfers *t, struct recorder *rec, size_t more,
		       struct error *err)
{
	struct buf b = {0};
	int rc;

	fields_add(&b, "direction", way_name(t->cmd.way));
	fields_add(&b, "program", t->cmd.program);
	fields_add_uint(&b, "files_not_listed", more);
	rc = recorder_event(rec, REC_TRANSFER, b.data, b.len, 0, err);
	buf_free(&b);
	return rc;
}

int transfers_record(struct transfers *t, struct recorder *rec, struct error *err)
{
	size_t more;

	if (t->sftp && transfer_sftp_end(t->sftp, err) < 0)
		return -1;
	walk.done = 0;
	for (size_t i = 0; i < t->n_written; i++)
		if (record_one(t, rec, TRANSFER_UPLOAD, t->written[i], 0, err) < 0)
			return -1;
	for (size_t i = 0; t->cmd.way == TRANSFER_DOWNLOAD && i < t->cmd.n_paths; i++)
		if (record_download(t, rec, t->cmd.paths[i], err) < 0)
			return -1;
	more = t->more + (walk.done > MAX_FILES ? walk.done - MAX_FILES : 0);
	return more > 0 ? record_more(t, rec, more, err) : 0;
}

void transfers_free(struct transfers *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n_written; i++)
		free(t->written[i]);
	free(t->written);
	transfer_sftp_free(t->sftp);
	transfer_command_free(&t->cmd);
	free(t);
}
