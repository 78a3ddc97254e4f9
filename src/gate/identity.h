/* What a program file really is, whatever it is called: its SHA-256, the
 * system program with the same content (from an index of the system's
 * binaries, built once and kept), and for a script its interpreter. Hashes
 * are cached by device, inode, size and modification time. */
#ifndef ESCORT_IDENTITY_H
#define ESCORT_IDENTITY_H

#include "log/sha256.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum file_kind { FILE_ELF, FILE_SCRIPT, FILE_OTHER };

struct identity {
	uint8_t sha256[SHA256_LEN];
	enum file_kind kind;
	char interpreter[256]; /* scripts: the #! line */
	char known_as[4096];   /* the indexed system program with this content, or "" */
	dev_t dev;
	ino_t ino;
	off_t size;
};

struct identity_index;

/* Hashes every regular file directly in dirs (NULL-terminated). */
struct identity_index *identity_index_build(const char *const *dirs, struct error *err);
int identity_index_save(const struct identity_index *idx, const char *path, struct error *err);
struct identity_index *identity_index_load(const char *path, struct error *err);
size_t identity_index_size(const struct identity_index *idx);
void identity_index_free(struct identity_index *idx);

/* Identifies the file at path (symlinks followed, as exec does). */
int identity_of(struct identity_index *idx, const char *path, struct identity *out,
		struct error *err);

#endif
