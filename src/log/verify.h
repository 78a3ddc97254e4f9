/* Verifies a whole session log: framing and CRCs (reader.c), the chain of
 * segments, the Merkle tree against every signed checkpoint, the epochs and,
 * with the auditor's secret key, every record's MAC. */
#ifndef ESCORT_VERIFY_H
#define ESCORT_VERIFY_H

#include "keys.h"
#include "util/error.h"
#include "verify-kept.h"

#include <stdint.h>
#include <stdio.h>

struct verify_options {
	const struct signing_key *key;	   /* trusted checkpoint key; NULL: the log's own */
	const struct auditor_key *auditor; /* with its secret: check MACs */
	const char *session;		   /* the session id (hex) the log must be of */
	const struct kept_notes *kept;	   /* checkpoints kept apart: the log must hold them */
};

/* How the log ends: only a recorded session end makes it complete. */
enum verify_ending {
	ENDING_TRUNCATED = 0, /* not sealed, or sealed without the session's end */
	ENDING_COMPLETE,      /* session-end, then the sealing checkpoint */
	ENDING_RECOVERED,     /* the writer crashed; a recovery sealed what verified */
};

/* Who and what the log says it recorded (the session-start record). */
struct verify_session {
	char id[33];	/* hex, from the segment header */
	char user[128]; /* as the log has them: print with visible_append */
	char host[256];
	uint64_t start_ns, end_ns; /* wall clock of session-start and -end; 0: none */
};

struct verify_report {
	int intact;
	enum verify_ending ending;
	struct verify_session session;
	uint64_t records, segments, bytes;
	uint64_t signed_up_to;	 /* records covered by the last good checkpoint */
	uint64_t signed_through; /* ... and that checkpoint itself: records [0, this) */
	uint64_t chain_from;	 /* the mac-key record that began the last MAC chain */
	uint64_t mac_only_from;	 /* records [from, to) were only MAC-protected */
	uint64_t mac_only_to;	 /*   (not signed before a crash) */
	uint64_t torn_bytes;	 /* lost at crashes (recorded) plus any torn tail */
	uint64_t superseded_bytes;
	uint64_t sealed_segments; /* segments the sealing checkpoint covers */
	uint64_t signed_segments; /* segments whose headers the last good checkpoint signs */
	unsigned recoveries, sync_failures;
	int macs_checked;   /* 1 checked, 0 no auditor key, -1 not sealed to one */
	int signer_trusted; /* the signer matched --key */
	int signer_ephemeral;
	int signer_changed; /* a recovery signed with a new session key */
	char signer[256];
	char signer_why[300];	 /* why the session had no signing key */
	struct kept_result kept; /* against the checkpoints kept apart */
	char problem[600];	 /* the first thing wrong, naming where */
};

/* Returns 0 after verifying (r->intact says the outcome); -1 when the log
 * cannot be read at all. */
int verify_log(const char *path, const struct verify_options *opt, struct verify_report *r,
	       struct error *err);

struct log_reader;
/* The same on a reader the caller opened (for logs in memory). */
void verify_reader(struct log_reader *r, const struct verify_options *opt,
		   struct verify_report *rep);

void verify_print(FILE *out, const char *path, const struct verify_report *r);

#endif
