/* What a program file really is, whatever it is called: its SHA-256, the
 * system program with the same content (from an index of the system's
 * binaries, built once and kept), and for a script its interpreter. Nothing
 * here is cached: the gate's one cache is identity-cache.h. */
#ifndef ESCORT_IDENTITY_H
#define ESCORT_IDENTITY_H

#include "log/sha256.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

enum file_kind { FILE_ELF, FILE_SCRIPT, FILE_OTHER };

struct identity {
	uint8_t sha256[SHA256_LEN];
	enum file_kind kind;
	char interpreter[256]; /* scripts: the #! line */
	char known_as[4096];   /* the indexed system program with this content, or "" */
	dev_t dev;
	ino_t ino;
	off_t size;
	uid_t uid; /* owner and mode, fresh on every call */
	mode_t mode;
	nlink_t nlink; /* 0: a memfd or a deleted file */
	struct timespec mtime, ctime;
};

struct identity_index;

/* Hashes every regular file directly in dirs (NULL-terminated). */
struct identity_index *identity_index_build(const char *const *dirs);
int identity_index_save(const struct identity_index *idx, const char *path, struct error *err);
struct identity_index *identity_index_load(const char *path, struct error *err);
size_t identity_index_size(const struct identity_index *idx);
void identity_index_free(struct identity_index *idx);

/* Whether the index holds exactly this file with this content. */
int identity_index_has(const struct identity_index *idx, const uint8_t hash[SHA256_LEN],
		       const char *path);

/* Whether a file root wrote can be trusted as root's: owned by root, written
 * by nobody else, in directories only root can change (sticky ones such as
 * /tmp count: nobody else can replace root's file there). */
int identity_file_trusted(const char *path);

/* Identifies the file at path (symlinks followed, as exec does): hashes it
 * every time. dev/ino/size/times come from the descriptor that was hashed. */
int identity_of(const struct identity_index *idx, const char *path, struct identity *out,
		struct error *err);

struct stat;
/* Sets what can change without the content changing (owner, mode, links). */
void identity_refresh(struct identity *id, const struct stat *st);

/* Whether path (resolved, absolute) and every directory above it belong to
 * root and are writable by nobody else: a name only root could have put
 * there, for content only root can change. */
int identity_path_trusted(const char *path);

/* The directories the index covers by default (NULL-terminated). */
extern const char *const identity_system_dirs[];

#endif
