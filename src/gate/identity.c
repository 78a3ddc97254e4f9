#include "identity.h"

#include "util/grow.h"
#include "util/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct entry {
	uint8_t sha256[SHA256_LEN];
	char *path;
};

struct identity_index {
	struct entry *entries; /* sorted by hash, then path */
	size_t n, cap;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = memcmp(x->sha256, y->sha256, SHA256_LEN);

	return c ? c : strcmp(x->path, y->path);
}

static void add_entry(struct identity_index *idx, const uint8_t hash[SHA256_LEN], const char *path)
{
	idx->entries = grow_array_cap(idx->entries, &idx->cap, idx->n, sizeof(*idx->entries));
	idx->entries[idx->n].path = xstrdup(path);
	memcpy(idx->entries[idx->n].sha256, hash, SHA256_LEN);
	idx->n++;
}

static int hash_file(const char *path, uint8_t out[SHA256_LEN], struct stat *st)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int rc;

	if (fd < 0)
		return -1;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return -1;
	}
	rc = sha256_fd(fd, out);
	close(fd);
	return rc;
}

static int already_seen(char seen[][PATH_MAX], size_t n, const char *dir)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(seen[i], dir) == 0)
			return 1;
	return 0;
}

struct identity_index *identity_index_build(const char *const *dirs)
{
	struct identity_index *idx = xcalloc(1, sizeof(*idx));
	char seen[16][PATH_MAX];
	size_t nseen = 0;

	for (; *dirs; dirs++) {
		char real[PATH_MAX];
		struct dirent *de;
		DIR *d;
		if (realpath(*dirs, real) == NULL || already_seen(seen, nseen, real))
			continue; /* missing, or /bin when it is /usr/bin */
		if (nseen < 16)
			snprintf(seen[nseen++], PATH_MAX, "%s", real);
		if ((d = opendir(*dirs)) == NULL)
			continue; /* not every system has every directory */
		while ((de = readdir(d)) != NULL) {
			char path[PATH_MAX];
			uint8_t hash[SHA256_LEN];
			struct stat st;
			if (de->d_name[0] == '.')
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", *dirs, de->d_name) >=
			    (int)sizeof(path))
				continue;
			if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
			    hash_file(path, hash, &st) == 0)
				add_entry(idx, hash, path);
		}
		closedir(d);
	}
	if (idx->n > 0)
		qsort(idx->entries, idx->n, sizeof(*idx->entries), entry_cmp);
	return idx;
}

int identity_index_save(const struct identity_index *idx, const char *path, struct error *err)
{
	char tmp[PATH_MAX];
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp))
		return error_set(err, "index path %s is too long", path);
	f = fopen(tmp, "we");
	if (f == NULL)
		return error_errno(err, "cannot write %s", tmp);
	fchmod(fileno(f), 0644); /* every session reads it, whatever root's umask */
	for (size_t i = 0; i < idx->n; i++) {
		char hex[SHA256_LEN * 2 + 1];
		sodium_bin2hex(hex, sizeof(hex), idx->entries[i].sha256, SHA256_LEN);
		fprintf(f, "%s %s\n", hex, idx->entries[i].path);
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		fclose(f);
		return error_errno(err, "cannot write %s", tmp);
	}
	fclose(f);
	if (rename(tmp, path) < 0)
		return error_errno(err, "cannot replace %s", path);
	return 0;
}

struct identity_index *identity_index_load(const char *path, struct error *err)
{
	struct identity_index *idx;
	char line[PATH_MAX + SHA256_LEN * 2 + 4];
	FILE *f = fopen(path, "re");
	unsigned long lineno = 0;

	if (f == NULL) {
		error_errno(err, "cannot read the program index %s", path);
		return NULL;
	}
	idx = xcalloc(1, sizeof(*idx));
	while (fgets(line, sizeof(line), f)) {
		uint8_t hash[SHA256_LEN];
		size_t len = strcspn(line, "\n");
		lineno++;
		line[len] = '\0';
		if (len < SHA256_LEN * 2 + 2 || line[SHA256_LEN * 2] != ' ' ||
		    sodium_hex2bin(hash, sizeof(hash), line, SHA256_LEN * 2, NULL, NULL, NULL) !=
			0) {
			error_set(err, "%s:%lu: not a 'sha256 path' line", path, lineno);
			fclose(f);
			identity_index_free(idx);
			return NULL;
		}
		add_entry(idx, hash, line + SHA256_LEN * 2 + 1);
	}
	fclose(f);
	if (idx->n > 0)
		qsort(idx->entries, idx->n, sizeof(*idx->entries), entry_cmp);
	return idx;
}

size_t identity_index_size(const struct identity_index *idx)
{
	return idx->n;
}

void identity_index_free(struct identity_index *idx)
{
	if (idx == NULL)
		return;
	for (size_t i = 0; i < idx->n; i++)
		free(idx->entries[i].path);
	free(idx->entries);
	free(idx);
}

static const char *lookup(const struct identity_index *idx, const uint8_t hash[SHA256_LEN])
{
	size_t lo = 0, hi = idx->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (memcmp(idx->entries[mid].sha256, hash, SHA256_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < idx->n && memcmp(idx->entries[lo].sha256, hash, SHA256_LEN) == 0
		   ? idx->entries[lo].path
		   : NULL;
}

int identity_index_has(const struct identity_index *idx, const uint8_t hash[SHA256_LEN],
		       const char *path)
{
	struct entry key = {.path = (char *)path};

	memcpy(key.sha256, hash, SHA256_LEN);
	return idx->n > 0 &&
	       bsearch(&key, idx->entries, idx->n, sizeof(*idx->entries), entry_cmp) != NULL;
}

static void read_kind(const char *path, struct identity *id)
{
	char head[300];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	id->kind = FILE_OTHER;
	id->interpreter[0] = '\0';
	if (fd < 0)
		return;
	n = read(fd, head, sizeof(head) - 1);
	close(fd);
	if (n >= 4 && memcmp(head,
			     "\x7f"
			     "ELF",
			     4) == 0) {
		id->kind = FILE_ELF;
	} else if (n >= 2 && head[0] == '#' && head[1] == '!') {
		size_t len;
		head[n] = '\0';
		len = strcspn(head + 2, "\n");
		id->kind = FILE_SCRIPT;
		snprintf(id->interpreter, sizeof(id->interpreter), "%.*s", (int)len, head + 2);
	}
}

static void fill_fresh(struct identity *id, const struct stat *st)
{
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->uid = st->st_uid;
	id->mode = st->st_mode;
	id->nlink = st->st_nlink;
	id->mtime = st->st_mtim;
	id->ctime = st->st_ctim;
}

static int root_only(const struct stat *st)
{
	return st->st_uid == 0 && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* root owns path and every directory above it, and nobody else can write
 * them; sticky_ok: a sticky directory (/tmp) is fine above the file, since
 * nobody else can replace root's file in it. */
static int owned_by_root_up_to_root(const char *path, int sticky_ok)
{
	char dir[PATH_MAX];
	struct stat st;
	size_t len = strlen(path);

	if (path[0] != '/' || len >= sizeof(dir))
		return 0;
	memcpy(dir, path, len + 1);
	if (lstat(dir, &st) < 0 || S_ISLNK(st.st_mode) || !root_only(&st))
		return 0;
	while (len > 1) {
		while (len > 1 && dir[len - 1] != '/')
			len--;
		if (len > 1)
			len--; /* drop the slash too, except the root's */
		dir[len] = '\0';
		if (lstat(dir, &st) < 0 || S_ISLNK(st.st_mode) || st.st_uid != 0)
			return 0;
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(sticky_ok && (st.st_mode & S_ISVTX)))
			return 0;
	}
	return 1;
}

int identity_path_trusted(const char *path)
{
	return owned_by_root_up_to_root(path, 0);
}

int identity_file_trusted(const char *path)
{
	char real[PATH_MAX];

	return realpath(path, real) != NULL && owned_by_root_up_to_root(real, 1);
}

const char *const identity_system_dirs[] = {
    "/usr/bin",		 "/usr/sbin", "/usr/local/bin", "/usr/local/sbin", "/usr/libexec",
    "/usr/lib/git-core", NULL};

int identity_of(const struct identity_index *idx, const char *path, struct identity *out,
		struct error *err)
{
	const char *known;
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (hash_file(path, out->sha256, &st) < 0)
		return error_errno(err, "cannot read %s", path);
	read_kind(path, out);
	known = lookup(idx, out->sha256);
	snprintf(out->known_as, sizeof(out->known_as), "%s", known ? known : "");
	fill_fresh(out, &st);
	return 0;
}

void identity_refresh(struct identity *id, const struct stat *st)
{
	fill_fresh(id, st);
}
