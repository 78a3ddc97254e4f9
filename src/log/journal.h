/* The writer of one session log: one writer thread, group commit (batched
 * write + fdatasync), a Merkle tree over every record, signed checkpoints,
 * forward-secure MAC keys per epoch, zstd for output, new segments after a
 * failed fsync, and recovery of a log whose writer crashed. */
#ifndef ESCORT_JOURNAL_H
#define ESCORT_JOURNAL_H

#include "keys.h"
#include "util/buf.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

struct journal_config {
	const char *path;		   /* first segment; later ones are PATH.1, PATH.2, ... */
	const struct signing_key *signer;  /* signs checkpoints (needs the secret key) */
	int signer_ephemeral;		   /* the key was made for this session only */
	const char *signer_why;		   /* and why (no readable signing key) */
	const struct auditor_key *auditor; /* MAC keys are sealed to it; NULL: not sealed */
	const char *origin;		   /* checkpoint origin line; NULL: derived */
	unsigned checkpoint_ms;		   /* 0: 1000 */
	unsigned epoch_ms;		   /* 0: 10000 */
	int recover;			   /* open an existing log whose writer died */
	/* Recovery keeps records after the last signed checkpoint only when their
	 * MACs check with this auditor secret key (under a MAC key named in the
	 * signed part); the others are set aside, unsigned. NULL: all are set aside. */
	const struct auditor_key *mac_checker;
	/* Recovery keeps the unsigned records without checking them: only for
	 * files no one but the writer can change (escortd's own logs). */
	int trust_unsigned;
	/* Each checkpoint, once durable, is appended to this file of kept
	 * checkpoints (checkpoint-file.h) by the writer thread. NULL: they are
	 * kept for journal_take_checkpoints instead (up to 1 MiB). */
	const char *notes_path;
};

struct journal;

/* Creates the log (or recovers it) and writes its first records durably. */
struct journal *journal_open(const struct journal_config *cfg, struct error *err);

/* Queues a record stamped with the current time. Urgent records (exec,
 * approval, lock, session end) are followed at once by a checkpoint. Blocks
 * while too much is queued. Returns a ticket for journal_wait, or 0 when the
 * journal has failed (err says why). */
uint64_t journal_append(struct journal *j, uint16_t type, const void *payload, size_t len,
			int urgent, struct error *err);

/* Waits until the record with this ticket is durable (and, if urgent, covered
 * by a signed checkpoint). */
int journal_wait(struct journal *j, uint64_t ticket, struct error *err);

/* The ticket of the last record queued, and of the last one known durable:
 * a caller that must not block (the broker) polls these. */
void journal_tickets(struct journal *j, uint64_t *queued, uint64_t *durable);

/* Moves the signed notes of the checkpoints made durable since the last
 * call into out, each as a u32 length (host order) and the note: the
 * session host sends them to escortd, which keeps them apart from the log. */
void journal_take_checkpoints(struct journal *j, struct buf *out);

/* Returns -1 with err once a write or a new segment has failed. */
int journal_check(struct journal *j, struct error *err);

/* Writes what is queued, seals the segment with a final checkpoint, syncs,
 * stops the writer and frees j. */
int journal_close(struct journal *j, struct error *err);

/* Facts for the report of `escort recover`. */
struct journal_recovery {
	int needed; /* 0: the log was already sealed */
	uint64_t records_kept;
	uint64_t torn_bytes;
	char torn_path[4096];	     /* where the torn bytes were kept, or "" */
	uint64_t signed_up_to;	     /* tree size of the last checkpoint before the crash */
	uint64_t set_aside_from;     /* first record set aside unverified, or 0 */
	uint64_t set_aside_segments; /* later segments renamed SEGMENT.unverified */
	char why_set_aside[300];
};
void journal_recovery_info(const struct journal *j, struct journal_recovery *out);

#endif
