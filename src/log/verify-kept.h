/* The check of a log against checkpoints kept apart from it (escortd's
 * STATE/checkpoints/SESSION.notes): every kept checkpoint of this log must
 * be signed by the log's trusted key and equal the log's Merkle tree at its
 * size. A log cut short or rolled back lacks the newest; a log made again
 * (a fresh MAC chain, another first MAC key) has other tree heads or another
 * origin. verify.c feeds it the tree before each record and at the end. */
#ifndef ESCORT_VERIFY_KEPT_H
#define ESCORT_VERIFY_KEPT_H

#include "checkpoint-file.h"
#include "keys.h"
#include "merkle.h"

#include <stddef.h>
#include <stdint.h>

struct kept_entry;

struct kept_check {
	struct kept_entry *e; /* sorted by tree size */
	size_t n, next;
};

/* What the check found, for the report. */
struct kept_result {
	int given;	  /* --checkpoints was given */
	uint64_t matched; /* kept checkpoints of this log found in it */
	uint64_t newest;  /* the largest tree size among them */
	uint64_t other;	  /* kept checkpoints of other logs (another origin) */
};

void kept_check_init(struct kept_check *k, const struct kept_notes *notes);
/* The tree as it stands: keeps its head for the kept checkpoints of its size. */
void kept_check_at(struct kept_check *k, const struct merkle *tree);
/* Returns 0, or -1 with problem saying what the kept checkpoints reveal. */
int kept_check_finish(struct kept_check *k, const struct signing_key *signer, const char *origin,
		      uint64_t records, struct kept_result *res, char *problem, size_t size);
void kept_check_free(struct kept_check *k);

#endif
