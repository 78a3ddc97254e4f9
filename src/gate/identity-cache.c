#include "identity-cache.h"

#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define SLOTS 1024
#define SETTLED_NS 1000000000LL /* a ctime this old cannot be shared by a later change */

struct file_key {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime, ctime;
};

struct slot {
	struct file_key key;
	struct identity id;
	struct identity_naming naming;
	int used;
};

struct identity_cache {
	struct slot slots[SLOTS];
	struct package_paths *packages;
	unsigned long hashed, hits;
};

struct identity_cache *identity_cache_new(void)
{
	return xcalloc(1, sizeof(struct identity_cache));
}

void identity_cache_free(struct identity_cache *c)
{
	if (c == NULL)
		return;
	package_paths_free(c->packages);
	free(c);
}

static struct file_key key_of_stat(const struct stat *st)
{
	return (struct file_key){st->st_dev, st->st_ino, st->st_size, st->st_mtim, st->st_ctim};
}

static struct file_key key_of_identity(const struct identity *id)
{
	return (struct file_key){id->dev, id->ino, id->size, id->mtime, id->ctime};
}

static int same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

static int same_key(const struct file_key *a, const struct file_key *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       same_time(a->mtime, b->mtime) && same_time(a->ctime, b->ctime);
}

static struct slot *slot_of(struct identity_cache *c, dev_t dev, ino_t ino)
{
	return &c->slots[((size_t)dev * 31 + (size_t)ino) % SLOTS];
}

/* Timestamps come from a coarse clock on some kernels: a change made within
 * the same tick as the one seen could keep the same ctime. Such a file is
 * hashed again until its ctime is clearly in the past. */
static int settled(const struct timespec *ctime)
{
	struct timespec now;
	long long age;

	clock_gettime(CLOCK_REALTIME, &now);
	age =
	    (long long)(now.tv_sec - ctime->tv_sec) * 1000000000LL + (now.tv_nsec - ctime->tv_nsec);
	return age >= SETTLED_NS;
}

int identity_cache_get(struct identity_cache *c, struct identity_index *idx, const char *path,
		       struct identity *out, struct identity_naming **naming, struct error *err)
{
	struct file_key key;
	struct slot *s;
	struct stat st;

	if (stat(path, &st) < 0)
		return error_errno(err, "cannot examine %s", path);
	key = key_of_stat(&st);
	s = slot_of(c, st.st_dev, st.st_ino);
	if (s->used && same_key(&s->key, &key)) {
		c->hits++;
		*out = s->id;
		identity_refresh(out, &st);
		if (naming)
			*naming = &s->naming;
		return 0;
	}
	if (identity_of(idx, path, out, err) < 0)
		return -1;
	c->hashed++;
	key = key_of_identity(out); /* of the descriptor that was hashed */
	s = slot_of(c, key.dev, key.ino);
	memset(s, 0, sizeof(*s));
	if (settled(&key.ctime)) {
		s->key = key;
		s->id = *out;
		s->used = 1;
	}
	if (naming)
		*naming = &s->naming; /* unused slots are cleared: nothing stale */
	return 0;
}

const struct package_paths *identity_cache_packages(struct identity_cache *c)
{
	if (c->packages == NULL)
		c->packages = package_paths_load(NULL, NULL);
	return c->packages;
}

void identity_cache_set_packages(struct identity_cache *c, struct package_paths *p)
{
	package_paths_free(c->packages);
	c->packages = p;
}

void identity_cache_counts(const struct identity_cache *c, unsigned long *hashed,
			   unsigned long *hits)
{
	*hashed = c->hashed;
	*hits = c->hits;
}
