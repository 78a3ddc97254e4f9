/* Recovery of a log whose writer died: everything that reads back intact is
 * kept, a torn or damaged tail is saved beside the segment, and a new segment
 * chains to what was kept, starting with a new MAC key and a recovery record
 * that says what was lost. */
#include "journal-internal.h"

#include "checkpoint.h"
#include "fields.h"
#include "reader.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct scan {
	uint64_t keep_size; /* bytes of the last segment that read back intact */
	uint64_t tail_bytes;
	uint32_t last_epoch;
	int sealed;  /* the last record is a sealing checkpoint */
	int damaged; /* the tail is damaged, not just torn */
	char what[sizeof(((struct error *)0)->msg)];
};

static int scan_log(struct journal *j, struct log_reader *r, struct scan *s, struct error *err)
{
	enum reader_result res;
	struct record rec;
	struct error why;

	memset(s, 0, sizeof(*s));
	if (log_reader_open(r, j->path, err) < 0)
		return -1;
	while ((res = log_reader_next(r, &rec, &why)) == READ_RECORD) {
		uint8_t leaf[SHA256_LEN];
		merkle_leaf_hash(rec.leaf, rec.leaf_len, leaf);
		merkle_append(&j->tree, leaf);
		/* After an epoch-end the next epoch had already begun. */
		s->last_epoch = rec.epoch + (rec.type == REC_EPOCH_END);
		s->sealed = rec.type == REC_CHECKPOINT && (rec.flags & RECORD_SEAL);
		if (rec.type == REC_CHECKPOINT) {
			/* Later checkpoints keep the log's origin line. */
			const uint8_t *nl = memchr(rec.payload, '\n', rec.payload_len);
			size_t n = nl ? (size_t)(nl - rec.payload) : sizeof(j->origin);
			if (n > 0 && n < sizeof(j->origin) && !memchr(rec.payload, '\0', n)) {
				memcpy(j->origin, rec.payload, n);
				j->origin[n] = '\0';
			}
			j->last_checkpoint_size = rec.seq;
		}
	}
	if (r->nsegs == 0 || !r->started)
		return error_set(err, "cannot recover %s: %s", j->path, why.msg);
	if (res != READ_END && r->seg + 1 < r->nsegs)
		return error_set(err,
				 "cannot recover %s: an earlier segment is damaged (%s); "
				 "nothing was changed",
				 j->path, why.msg);
	s->keep_size = res == READ_END ? r->segs[r->seg].limit : r->off;
	s->tail_bytes = r->segs[r->seg].len - s->keep_size;
	s->damaged = res == READ_DAMAGED;
	snprintf(s->what, sizeof(s->what), "%s", res == READ_END ? "" : why.msg);
	memcpy(j->session, r->segs[0].header.session, SESSION_ID_LEN);
	j->seg_index = (uint32_t)r->seg;
	return 0;
}

/* Saves the tail next to the segment as SEGMENT.torn (or .torn.N). */
static int keep_tail(struct journal *j, const struct log_segment *seg, const struct scan *s,
		     struct error *err)
{
	char *path = NULL;
	int fd = -1;

	for (int n = 0; n < 100 && fd < 0; n++) {
		free(path);
		path = n == 0 ? xasprintf("%s.torn", seg->path)
			      : xasprintf("%s.torn.%d", seg->path, n);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd < 0) {
		error_errno(err, "cannot keep the torn tail aside in %s", path);
		free(path);
		return -1;
	}
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

static void emit_recovery_record(struct journal *j, const struct scan *s)
{
	struct buf f = {0};

	fields_add_uint(&f, "records_kept", j->recovery.records_kept);
	fields_add_uint(&f, "signed_up_to", j->recovery.signed_up_to);
	fields_add_uint(&f, "mac_only_from", j->recovery.signed_up_to);
	fields_add_uint(&f, "mac_only_to", j->recovery.records_kept);
	fields_add_uint(&f, "lost_bytes", s->tail_bytes);
	fields_add(&f, "lost_bytes_file", j->recovery.torn_path[0] ? j->recovery.torn_path : NULL);
	fields_add(&f, "tail", s->tail_bytes == 0 ? "none" : s->damaged ? "damaged" : "torn");
	fields_add(&f, "tail_error", s->what[0] ? s->what : NULL);
	fields_add_uint(&f, "previous_epoch", s->last_epoch);
	fields_add(&f, "cause", "the writer stopped without sealing its segment");
	journal_emit(j, REC_RECOVERY, 0, f.data, f.len);
	buf_free(&f);
}

int journal_recover_existing(struct journal *j, struct error *err)
{
	struct log_reader r;
	struct scan s;
	int rc = -1;

	if (scan_log(j, &r, &s, err) < 0)
		goto out;
	j->recovery.records_kept = j->tree.size;
	j->recovery.torn_bytes = s.tail_bytes;
	j->recovery.signed_up_to = j->last_checkpoint_size;
	if (s.sealed && s.tail_bytes == 0) {
		rc = 0; /* sealed and whole: nothing to recover */
		goto out;
	}
	j->recovery.needed = 1;
	if (s.tail_bytes > 0 && (keep_tail(j, &r.segs[r.seg], &s, err) < 0 ||
				 cut_tail(&r.segs[r.seg], s.keep_size, err) < 0))
		goto out;
	/* The chain starts from what was kept; the old MAC key died with the writer. */
	j->synced_tree = j->tree;
	j->synced_size = s.keep_size;
	j->seg_index++;
	journal_derive_origin(j);
	mac_chain_start(&j->mac, s.last_epoch + 1);
	journal_emit_mac_key(j);
	emit_recovery_record(j, &s);
	journal_emit_checkpoint(j, 0);
	rc = journal_new_segment(j, SEGMENT_AFTER_RECOVERY, err);
out:
	log_reader_close(&r);
	return rc;
}
