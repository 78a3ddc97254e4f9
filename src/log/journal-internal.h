/* State shared by journal.c (writing) and journal-recover.c (recovery). */
#ifndef ESCORT_JOURNAL_INTERNAL_H
#define ESCORT_JOURNAL_INTERNAL_H

#include "compress.h"
#include "journal.h"
#include "mackey.h"
#include "merkle.h"
#include "record.h"
#include "util/buf.h"

#include <pthread.h>

struct journal {
	/* Shared between producers and the writer thread, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t wake; /* the writer waits for work */
	pthread_cond_t done; /* producers wait for room or durability */
	struct buf queue;
	uint64_t next_ticket;
	uint64_t durable_ticket;
	int urgent_pending;
	int waiters;
	int stopping;
	int failed;
	int writer_idle; /* the writer sleeps until woken or the next epoch */
	struct error failure;
	pthread_t thread;
	int thread_started;
	struct buf notes; /* durable checkpoints not yet taken: u32 length, note */

	/* Fixed after open. */
	char *path;
	char origin[256];
	struct signing_key signer;
	int signer_ephemeral;
	char signer_why[300];
	struct auditor_key auditor;
	int has_auditor;
	unsigned checkpoint_ms, epoch_ms;
	uint64_t mono_start;
	const struct auditor_key *mac_checker; /* recovery: checks the unsigned part's MACs */
	int trust_unsigned;		       /* recovery keeps MAC-only records unchecked */
	char *notes_path;		       /* durable checkpoints are appended here */

	/* The writer thread's own (the opening thread's until it starts). */
	int fd;
	int lock_fd;	    /* holds the writer's lock on the first segment */
	struct buf headers; /* every segment header so far, which checkpoints cover */
	uint32_t seg_index;
	char *seg_path;
	uint8_t session[SESSION_ID_LEN];
	uint64_t file_size;   /* bytes written to the current segment */
	uint64_t synced_size; /* of which durable */
	struct merkle tree, synced_tree;
	struct mac_chain mac;
	uint64_t last_checkpoint_size;
	uint64_t last_checkpoint_ns, epoch_start_ns;
	struct buf out;	     /* encoded, not yet written */
	struct buf unsynced; /* written since the last successful fdatasync */
	struct buf batch, payload, compressed;
	struct compressor *zc;
	uint64_t active_until_ns; /* records arrived lately: poll on a short tick */
	int batch_had_records;
	struct journal_recovery recovery;
	struct buf fresh_notes; /* checkpoints written, not yet durable (as notes) */
};

uint64_t journal_now_ns(void);
/* escort/HOST/SESSION unless an origin was configured or recovered. */
void journal_derive_origin(struct journal *j);
void journal_emit(struct journal *j, uint16_t type, uint16_t flags, const void *payload,
		  size_t len);
void journal_emit_mac_key(struct journal *j);
void journal_emit_checkpoint(struct journal *j, int seal);
int journal_write_out(struct journal *j, struct error *err);
int journal_sync(struct journal *j, struct error *err);
/* Opens segment index with the chain to what is durable so far. */
int journal_new_segment(struct journal *j, uint32_t reason, struct error *err);
/* The two halves of that: the header (which checkpoints emitted from then on
 * cover), and the file, written with the header, then what is queued. */
void journal_segment_header(struct journal *j, uint32_t reason, struct buf *head);
int journal_open_segment(struct journal *j, struct buf *head, struct error *err);

/* Scans the existing log, keeps a torn or damaged tail aside, and opens a
 * new segment after it. */
int journal_recover_existing(struct journal *j, struct error *err);

#endif
