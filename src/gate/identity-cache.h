/* The gate's one cache of what files are: what identity_of() found (content
 * hash, kind, the system program with that content) and what the program
 * layer concluded about the file's name and trust, kept per file under one
 * key: device, inode, size, modification time AND change time, both to the
 * nanosecond. Users can set a file's mtime (touch -r) but not its ctime:
 * any write, chmod, rename or utimensat moves the ctime, so new content
 * always misses. A file whose ctime is too recent to be told apart from a
 * later change (timestamps are coarse on some kernels) is not kept.
 * The cache also holds, read once when first needed, the set of paths the
 * package manager installed. One thread (the gate's) uses it. */
#ifndef ESCORT_IDENTITY_CACHE_H
#define ESCORT_IDENTITY_CACHE_H

#include "identity.h"
#include "package-paths.h"

#include <limits.h>

/* What the program layer concluded for one resolved path and call. */
struct identity_naming {
	char real[PATH_MAX]; /* the file, resolved */
	char given[256];     /* the absolute path it was called by */
	int trust;	     /* enum program_trust */
	char name[256];
	int set;
	int code; /* code-map.c's verdict on this file mapped as code (0: none yet) */
};

struct identity_cache;

struct identity_cache *identity_cache_new(void);
void identity_cache_free(struct identity_cache *c);

/* Identifies the file at path (symlinks followed) into *out, from the cache
 * when the file is unchanged; *naming (may be NULL) receives the place where
 * the naming of this file is kept, valid until the next call. */
int identity_cache_get(struct identity_cache *c, struct identity_index *idx, const char *path,
		       struct identity *out, struct identity_naming **naming, struct error *err);

/* The paths the package manager installed (read on first use). */
const struct package_paths *identity_cache_packages(struct identity_cache *c);

/* Tests: the set to use instead of dpkg's (the cache takes it). */
void identity_cache_set_packages(struct identity_cache *c, struct package_paths *p);

/* Counters, for tests: files hashed, answers from the cache. */
void identity_cache_counts(const struct identity_cache *c, unsigned long *hashed,
			   unsigned long *hits);

#endif
