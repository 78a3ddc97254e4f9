/* Recovery of a log whose writer died. Only what verifies is signed again:
 * the records up to the last checkpoint signed by this key, and after it
 * those whose MACs check with the auditor's secret key under a MAC key named
 * in the signed part. Everything else — a torn or damaged tail, unsigned
 * records that could not be checked, segments that came after — is set aside
 * beside the log, byte for byte, and a new segment chains to what was kept,
 * starting with a new MAC key and a recovery record that says what was set
 * aside and why. A log whose writer still holds its lock is left alone. */
#include "journal-internal.h"

#include "checkpoint.h"
#include "fields.h"
#include "reader.h"
#include "util/xmalloc.h"
#include "verify.h"
#include "writer-lock.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct scan {
	uint64_t keep;	    /* records kept */
	uint64_t records;   /* records that read back, kept or not */
	size_t seg;	    /* the segment the kept part ends in */
	uint64_t keep_size; /* bytes of it kept */
	uint64_t tail_bytes;
	uint32_t last_epoch;
	int sealed;	/* the last kept record is a sealing checkpoint */
	int damaged;	/* the tail is damaged, not just torn */
	int unverified; /* whole records were set aside unverified */
	char what[sizeof(((struct error *)0)->msg)];
};

/* How many records verify: signed, or MAC-checked under a chain that began
 * in the signed part (or all that read back, for a writer's own files). */
static int decide_keep(struct journal *j, struct scan *s, struct error *err)
{
	struct verify_options vo = {.key = j->signer_ephemeral ? NULL : &j->signer,
				    .auditor = j->mac_checker};
	struct verify_report rep;

	if (verify_log(j->path, &vo, &rep, err) < 0)
		return -1;
	if (rep.signed_through == 0)
		return error_set(err,
				 "cannot recover %s: none of its records is signed by %s (%s); "
				 "nothing was changed",
				 j->path, j->signer.name,
				 rep.problem[0] ? rep.problem : "no checkpoint");
	s->keep = rep.signed_through;
	if (j->trust_unsigned ||
	    (j->mac_checker && rep.macs_checked == 1 && rep.chain_from < rep.signed_through))
		s->keep = rep.records;
	if (j->mac_checker == NULL && !j->trust_unsigned)
		snprintf(s->what, sizeof(s->what), "%s",
			 "records after the last signed checkpoint were not checked: recovery "
			 "needs the auditor's secret key to check their MACs");
	else
		snprintf(s->what, sizeof(s->what), "%.500s",
			 rep.problem[0] ? rep.problem
					: "not signed, and not under a MAC key "
					  "named in the signed part");
	return 0;
}

static void take_kept(struct journal *j, struct scan *s, const struct record *rec)
{
	uint8_t leaf[SHA256_LEN];

	merkle_leaf_hash(rec->leaf, rec->leaf_len, leaf);
	merkle_append(&j->tree, leaf);
	/* After an epoch-end the next epoch had already begun. */
	s->last_epoch = rec->epoch + (rec->type == REC_EPOCH_END);
	s->sealed = rec->type == REC_CHECKPOINT && (rec->flags & RECORD_SEAL);
	if (rec->type == REC_CHECKPOINT) {
		/* Later checkpoints keep the log's origin line. */
		const uint8_t *nl = memchr(rec->payload, '\n', rec->payload_len);
		size_t n = nl ? (size_t)(nl - rec->payload) : sizeof(j->origin);
		if (n > 0 && n < sizeof(j->origin) && !memchr(rec->payload, '\0', n)) {
			memcpy(j->origin, rec->payload, n);
			j->origin[n] = '\0';
		}
		j->last_checkpoint_size = rec->seq;
	}
}

/* What follows the kept part: more records (unverified), or the end. */
static int look_past(struct log_reader *r, struct scan *s, struct error *err)
{
	enum reader_result res;
	struct record rec;
	struct error why;

	res = log_reader_next(r, &rec, &why);
	if (res == READ_RECORD) {
		s->unverified = 1;
		return 0;
	}
	s->what[0] = '\0';
	if (res == READ_END)
		return 0;
	if (r->seg + 1 < r->nsegs)
		return error_set(err,
				 "cannot recover %s: an earlier segment is damaged (%s); "
				 "nothing was changed",
				 r->segs[0].path, why.msg);
	s->damaged = res == READ_DAMAGED;
	snprintf(s->what, sizeof(s->what), "%s", why.msg);
	return 0;
}

static int scan_log(struct journal *j, struct log_reader *r, struct scan *s, struct error *err)
{
	struct record rec;
	struct error why = {0};

	if (log_reader_open(r, j->path, err) < 0)
		return -1;
	while (s->records < s->keep && log_reader_next(r, &rec, &why) == READ_RECORD) {
		take_kept(j, s, &rec);
		s->records++;
	}
	if (s->records < s->keep)
		return error_set(err, "cannot recover %s: %s", j->path, why.msg);
	s->seg = r->seg;
	s->keep_size = r->off;
	s->tail_bytes = r->segs[r->seg].len - s->keep_size;
	if (look_past(r, s, err) < 0)
		return -1;
	memcpy(j->session, r->segs[0].header.session, SESSION_ID_LEN);
	for (size_t i = 0; i <= s->seg; i++)
		buf_append(&j->headers, r->segs[i].data, SEGMENT_HEADER_LEN);
	j->seg_index = (uint32_t)s->seg;
	return 0;
}

/* Creates path.SUFFIX (or .SUFFIX.N) exclusively; returns the descriptor. */
static int create_beside(const char *path, const char *suffix, char **made, struct error *err)
{
	int fd = -1;

	*made = NULL;
	for (int n = 0; n < 100 && fd < 0; n++) {
		free(*made);
		*made = n == 0 ? xasprintf("%s.%s", path, suffix)
			       : xasprintf("%s.%s.%d", path, suffix, n);
		fd = open(*made, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		error_errno(err, "cannot keep the set-aside part in %s", *made);
		free(*made);
		*made = NULL;
	}
	return fd;
}

/* Saves the tail next to the segment as SEGMENT.torn, or SEGMENT.unverified
 * when whole records that did not verify are in it. */
static int keep_tail(struct journal *j, const struct log_segment *seg, const struct scan *s,
		     struct error *err)
{
	char *path;
	int fd = create_beside(seg->path, s->unverified ? "unverified" : "torn", &path, err);

	if (fd < 0)
		return -1;
	if (write(fd, seg->data + s->keep_size, s->tail_bytes) != (ssize_t)s->tail_bytes ||
	    fsync(fd) < 0) {
		error_errno(err, "cannot write %s", path);
		close(fd);
		free(path);
		return -1;
	}
	close(fd);
	snprintf(j->recovery.torn_path, sizeof(j->recovery.torn_path), "%s", path);
	free(path);
	return 0;
}

/* Segments after the kept part are renamed SEGMENT.unverified, unchanged. */
static int set_aside_segments(struct journal *j, const struct log_reader *r, const struct scan *s,
			      struct error *err)
{
	for (size_t i = s->seg + 1; i < r->nsegs; i++) {
		char *to;
		int fd = create_beside(r->segs[i].path, "unverified", &to, err);
		if (fd < 0)
			return -1;
		close(fd);
		if (rename(r->segs[i].path, to) < 0) {
			error_errno(err, "cannot set %s aside as %s", r->segs[i].path, to);
			unlink(to);
			free(to);
			return -1;
		}
		free(to);
		j->recovery.set_aside_segments++;
	}
	return 0;
}

static int cut_tail(const struct log_segment *seg, uint64_t size, struct error *err)
{
	int fd = open(seg->path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return error_errno(err, "cannot open %s", seg->path);
	if (ftruncate(fd, (off_t)size) < 0 || fsync(fd) < 0) {
		error_errno(err, "cannot cut the torn tail off %s", seg->path);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static const char *tail_kind(const struct scan *s)
{
	if (s->unverified)
		return "unverified";
	if (s->tail_bytes == 0)
		return "none";
	return s->damaged ? "damaged" : "torn";
}

static void emit_recovery_record(struct journal *j, const struct scan *s)
{
	struct buf f = {0};

	fields_add_uint(&f, "records_kept", j->recovery.records_kept);
	fields_add_uint(&f, "signed_up_to", j->recovery.signed_up_to);
	fields_add_uint(&f, "mac_only_from", j->recovery.signed_up_to);
	fields_add_uint(&f, "mac_only_to", j->recovery.records_kept);
	fields_add_uint(&f, "lost_bytes", s->tail_bytes);
	fields_add(&f, "lost_bytes_file", j->recovery.torn_path[0] ? j->recovery.torn_path : NULL);
	fields_add(&f, "tail", tail_kind(s));
	fields_add(&f, "tail_error", s->what[0] ? s->what : NULL);
	if (s->unverified)
		fields_add_uint(&f, "unverified_from", s->keep);
	if (j->recovery.set_aside_segments)
		fields_add_uint(&f, "segments_set_aside", j->recovery.set_aside_segments);
	fields_add_uint(&f, "previous_epoch", s->last_epoch);
	fields_add(&f, "cause", "the writer stopped without sealing its segment");
	journal_emit(j, REC_RECOVERY, 0, f.data, f.len);
	buf_free(&f);
}

static int set_aside(struct journal *j, struct log_reader *r, const struct scan *s,
		     struct error *err)
{
	if (s->tail_bytes > 0 && (keep_tail(j, &r->segs[s->seg], s, err) < 0 ||
				  cut_tail(&r->segs[s->seg], s->keep_size, err) < 0))
		return -1;
	if (set_aside_segments(j, r, s, err) < 0)
		return -1;
	if (s->unverified)
		j->recovery.set_aside_from = s->keep;
	snprintf(j->recovery.why_set_aside, sizeof(j->recovery.why_set_aside), "%s",
		 s->unverified ? s->what : "");
	return 0;
}

static int write_recovery_segment(struct journal *j, const struct scan *s, struct error *err)
{
	struct buf head = {0};

	/* The chain starts from what was kept; the old MAC key died with the writer. */
	j->synced_tree = j->tree;
	j->synced_size = s->keep_size;
	j->seg_index++;
	journal_derive_origin(j);
	journal_segment_header(j, SEGMENT_AFTER_RECOVERY, &head);
	mac_chain_start(&j->mac, s->last_epoch + 1);
	journal_emit_mac_key(j);
	emit_recovery_record(j, s);
	journal_emit_checkpoint(j, 0);
	return journal_open_segment(j, &head, err);
}

int journal_recover_existing(struct journal *j, struct error *err)
{
	struct log_reader r = {0};
	struct scan s = {0};
	int rc = -1;

	j->lock_fd = writer_lock_take(j->path, err);
	if (j->lock_fd < 0)
		return -1;
	if (decide_keep(j, &s, err) < 0 || scan_log(j, &r, &s, err) < 0)
		goto out;
	j->recovery.records_kept = j->tree.size;
	j->recovery.torn_bytes = s.tail_bytes;
	j->recovery.signed_up_to = j->last_checkpoint_size;
	if (s.sealed && s.tail_bytes == 0 && s.seg + 1 == r.nsegs) {
		rc = 0; /* sealed and whole: nothing to recover */
		goto out;
	}
	j->recovery.needed = 1;
	if (set_aside(j, &r, &s, err) < 0)
		goto out;
	rc = write_recovery_segment(j, &s, err);
out:
	log_reader_close(&r);
	return rc;
}
