#include "identity.h"

#include "util/grow.h"

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

#define CACHE_SLOTS 512

struct entry {
	uint8_t sha256[SHA256_LEN];
	char *path;
};

struct cached {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct identity id;
	int used;
};

struct identity_index {
	struct entry *entries; /* sorted by hash, then path */
	size_t n;
	struct cached cache[CACHE_SLOTS];
};

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = memcmp(x->sha256, y->sha256, SHA256_LEN);

	return c ? c : strcmp(x->path, y->path);
}

static void add_entry(struct identity_index *idx, const uint8_t hash[SHA256_LEN], const char *path)
{
	idx->entries = grow_array(idx->entries, idx->n, sizeof(*idx->entries));
	if ((idx->entries[idx->n].path = strdup(path)) == NULL)
		abort();
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

struct identity_index *identity_index_build(const char *const *dirs, struct error *err)
{
	struct identity_index *idx = calloc(1, sizeof(*idx));

	if (idx == NULL) {
		error_set(err, "out of memory");
		return NULL;
	}
	for (; *dirs; dirs++) {
		DIR *d = opendir(*dirs);
		struct dirent *de;
		if (d == NULL)
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
	struct identity_index *idx = calloc(1, sizeof(*idx));
	char line[PATH_MAX + SHA256_LEN * 2 + 4];
	FILE *f = fopen(path, "re");
	unsigned long lineno = 0;

	if (idx == NULL || f == NULL) {
		error_errno(err, "cannot read the program index %s", path);
		free(idx);
		if (f)
			fclose(f);
		return NULL;
	}
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

static struct cached *slot_for(struct identity_index *idx, const struct stat *st)
{
	size_t h = ((size_t)st->st_dev * 31 + (size_t)st->st_ino) % CACHE_SLOTS;

	return &idx->cache[h];
}

int identity_of(struct identity_index *idx, const char *path, struct identity *out,
		struct error *err)
{
	struct cached *c;
	const char *known;
	struct stat st;

	if (stat(path, &st) < 0)
		return error_errno(err, "cannot examine %s", path);
	c = slot_for(idx, &st);
	if (c->used && c->dev == st.st_dev && c->ino == st.st_ino && c->size == st.st_size &&
	    c->mtime.tv_sec == st.st_mtim.tv_sec && c->mtime.tv_nsec == st.st_mtim.tv_nsec) {
		*out = c->id;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	if (hash_file(path, out->sha256, &st) < 0)
		return error_errno(err, "cannot read %s", path);
	read_kind(path, out);
	known = lookup(idx, out->sha256);
	snprintf(out->known_as, sizeof(out->known_as), "%s", known ? known : "");
	out->dev = st.st_dev;
	out->ino = st.st_ino;
	out->size = st.st_size;
	*c = (struct cached){st.st_dev, st.st_ino, st.st_size, st.st_mtim, *out, 1};
	return 0;
}
