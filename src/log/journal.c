#include "journal-internal.h"

#include "checkpoint-file.h"
#include "checkpoint.h"
#include "fields.h"
#include "reader.h"
#include "util/xmalloc.h"
#include "writer-lock.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define QUEUE_LIMIT (8u << 20)
#define UNSYNCED_LIMIT (4u << 20)
#define COALESCE_MAX (64u << 10)
#define COALESCE_NS (20u * 1000000u)
#define MIN_COMPRESS 64
#define MAX_IDLE_EPOCHS 1000
#define TICK_NS (20u * 1000000u)     /* batch interval while records arrive */
#define ACTIVE_NS (1000u * 1000000u) /* how long after a record that lasts */
#define WAKE_BYTES (32u << 10)	     /* wake the writer early past this */
#define NOTES_LIMIT (1u << 20)	     /* durable checkpoints kept for the taking */

/* A queued item: u16 type, u16 urgent, u32 len, u64 mono, u64 wall, payload. */
#define ITEM_HEADER 24

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t journal_now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static void emit_at(struct journal *j, uint16_t type, uint16_t flags, uint64_t mono, uint64_t wall,
		    const void *payload, size_t len)
{
	struct record r = {
	    .type = type,
	    .flags = flags,
	    .seq = j->tree.size,
	    .epoch = j->mac.epoch,
	    .mono_ns = mono,
	    .wall_ns = wall,
	    .payload = payload,
	    .payload_len = len,
	};
	uint8_t leaf[SHA256_LEN];

	record_encode(&j->out, &r, &j->mac, leaf);
	merkle_append(&j->tree, leaf);
}

void journal_emit(struct journal *j, uint16_t type, uint16_t flags, const void *payload, size_t len)
{
	emit_at(j, type, flags, journal_now_ns() - j->mono_start, clock_ns(CLOCK_REALTIME), payload,
		len);
}

static void add_base64(struct buf *b, const char *key, const uint8_t *bin, size_t len)
{
	char enc[256];

	sodium_bin2base64(enc, sizeof(enc), bin, len, sodium_base64_VARIANT_ORIGINAL);
	fields_add(b, key, enc);
}

void journal_emit_mac_key(struct journal *j)
{
	struct buf f = {0};
	char vkey[256], session[SESSION_ID_LEN * 2 + 1];

	fields_add_uint(&f, "epoch", j->mac.epoch);
	if (j->has_auditor) {
		uint8_t sealed[MAC_SEALED_LEN];
		mac_seal(&j->mac, j->auditor.pk, sealed);
		add_base64(&f, "sealed_key", sealed, sizeof(sealed));
		add_base64(&f, "auditor", j->auditor.pk, sizeof(j->auditor.pk));
	} else {
		fields_add(&f, "sealed_key", "none");
	}
	signing_key_vkey(&j->signer, vkey, sizeof(vkey));
	fields_add(&f, "signer", vkey);
	fields_add(&f, "signer_ephemeral", j->signer_ephemeral ? "yes" : "no");
	if (j->signer_ephemeral && j->signer_why[0])
		fields_add(&f, "signer_ephemeral_why", j->signer_why);
	sodium_bin2hex(session, sizeof(session), j->session, SESSION_ID_LEN);
	fields_add(&f, "session", session);
	journal_emit(j, REC_MAC_KEY, 0, f.data, f.len);
	buf_free(&f);
}

/* The signature covers the checkpoint record's own fields and every segment
 * header so far, not only the records before it. */
void journal_emit_checkpoint(struct journal *j, int seal)
{
	struct checkpoint cp = {
	    .size = j->tree.size,
	    .has_record = 1,
	    .flags = seal ? RECORD_SEAL : 0,
	    .epoch = j->mac.epoch,
	    .mono_ns = journal_now_ns() - j->mono_start,
	    .wall_ns = clock_ns(CLOCK_REALTIME),
	    .has_segments = 1,
	    .segments = j->headers.len / SEGMENT_HEADER_LEN,
	};
	struct buf note = {0};

	snprintf(cp.origin, sizeof(cp.origin), "%s", j->origin);
	merkle_root(&j->tree, cp.root);
	sha256(j->headers.data, j->headers.len, cp.headers);
	checkpoint_sign(&cp, &j->signer, &note);
	emit_at(j, REC_CHECKPOINT, cp.flags, cp.mono_ns, cp.wall_ns, note.data, note.len);
	uint32_t len = (uint32_t)note.len;
	buf_append(&j->fresh_notes, &len, sizeof(len));
	buf_append(&j->fresh_notes, note.data, note.len);
	buf_free(&note);
	j->last_checkpoint_size = cp.size;
	j->last_checkpoint_ns = journal_now_ns();
}

/* Every epoch ends with a record, even when nothing else happened in it. */
static void end_due_epochs(struct journal *j, uint64_t now)
{
	int n = 0;

	while (now - j->epoch_start_ns >= (uint64_t)j->epoch_ms * 1000000u) {
		struct buf f = {0};
		fields_add_uint(&f, "epoch", j->mac.epoch);
		journal_emit(j, REC_EPOCH_END, 0, f.data, f.len);
		buf_free(&f);
		mac_chain_next(&j->mac);
		j->epoch_start_ns += (uint64_t)j->epoch_ms * 1000000u;
		if (++n == MAX_IDLE_EPOCHS) /* after a long suspension, do not catch up forever */
			j->epoch_start_ns = now;
	}
}

/* Whole records within the first limit bytes of j->out. */
static size_t whole_records_within(const struct journal *j, size_t limit)
{
	const uint8_t *p = j->out.data;
	size_t at = 0;

	while (at + 4 <= j->out.len) {
		uint32_t body = (uint32_t)p[at] | (uint32_t)p[at + 1] << 8 |
				(uint32_t)p[at + 2] << 16 | (uint32_t)p[at + 3] << 24;
		if (at + 4 + body > limit)
			break;
		at += 4 + body;
	}
	return at;
}

int journal_write_out(struct journal *j, struct error *err)
{
	size_t done = 0;

	while (done < j->out.len) {
		ssize_t n = write(j->fd, j->out.data + done, j->out.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int saved = n == 0 ? ENOSPC : errno;
			uint64_t keep = j->file_size + whole_records_within(j, done);
			/* Cut the half-written record so the file ends on a boundary. */
			if (ftruncate(j->fd, (off_t)keep) == 0)
				j->file_size = keep;
			errno = saved;
			return error_errno(err, "cannot write session log %s", j->seg_path);
		}
		done += (size_t)n;
	}
	j->file_size += j->out.len;
	buf_append(&j->unsynced, j->out.data, j->out.len);
	buf_reset(&j->out);
	return 0;
}

static void sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

void journal_segment_header(struct journal *j, uint32_t reason, struct buf *head)
{
	struct segment_header h = {.index = j->seg_index, .reason = reason};
	size_t start = head->len;

	memcpy(h.session, j->session, SESSION_ID_LEN);
	h.prev_tree_size = j->synced_tree.size;
	merkle_root(&j->synced_tree, h.prev_root);
	h.prev_file_size = j->synced_size;
	segment_header_encode(head, &h);
	buf_append(&j->headers, head->data + start, head->len - start);
}

int journal_new_segment(struct journal *j, uint32_t reason, struct error *err)
{
	struct buf head = {0};

	journal_segment_header(j, reason, &head);
	return journal_open_segment(j, &head, err);
}

int journal_open_segment(struct journal *j, struct buf *head_in, struct error *err)
{
	struct buf head = *head_in;
	char *path = log_segment_path(j->path, j->seg_index);
	int fd;

	*head_in = (struct buf){0};
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		error_errno(err, "cannot create session log %s", path);
		free(path);
		buf_free(&head);
		return -1;
	}
	if (j->fd >= 0)
		close(j->fd);
	j->fd = fd;
	free(j->seg_path);
	j->seg_path = path;
	/* What was written but never made durable goes into the new segment. */
	buf_append(&head, j->unsynced.data, j->unsynced.len);
	buf_append(&head, j->out.data, j->out.len);
	buf_reset(&j->out);
	buf_append(&j->out, head.data, head.len);
	buf_free(&head);
	buf_reset(&j->unsynced);
	j->file_size = j->synced_size = 0;
	if (journal_write_out(j, err) < 0 || journal_sync(j, err) < 0)
		return -1;
	sync_dir(path);
	return 0;
}

int journal_sync(struct journal *j, struct error *err)
{
	if (fdatasync(j->fd) == 0) {
		j->synced_size = j->file_size;
		j->synced_tree = j->tree;
		buf_reset(&j->unsynced);
		return 0;
	}
	/* Never retry a failed fsync: the kernel may have dropped the data.
	 * Start a new segment from the last durable point instead. */
	error_errno(err, "cannot sync session log %s", j->seg_path);
	if (j->synced_size == 0)
		return -1; /* the new segment itself could not be made durable */
	j->seg_index++;
	return journal_new_segment(j, SEGMENT_AFTER_SYNC_FAILURE, err);
}

static void emit_output(struct journal *j, uint64_t mono, uint64_t wall)
{
	if (j->payload.len >= MIN_COMPRESS &&
	    compressor_run(j->zc, j->payload.data, j->payload.len, &j->compressed))
		emit_at(j, REC_OUTPUT, RECORD_ZSTD, mono, wall, j->compressed.data,
			j->compressed.len);
	else
		emit_at(j, REC_OUTPUT, 0, mono, wall, j->payload.data, j->payload.len);
}

struct item {
	uint16_t type;
	uint32_t len;
	uint64_t mono, wall;
	const uint8_t *payload;
};

static size_t read_item(const struct buf *b, size_t pos, struct item *it)
{
	const uint8_t *p = b->data + pos;

	memcpy(&it->type, p, 2);
	memcpy(&it->len, p + 4, 4);
	memcpy(&it->mono, p + 8, 8);
	memcpy(&it->wall, p + 16, 8);
	it->payload = p + ITEM_HEADER;
	return pos + ITEM_HEADER + it->len;
}

/* Encodes the batch; consecutive output close in time becomes one record. */
static void encode_batch(struct journal *j)
{
	size_t pos = 0;

	j->batch_had_records = j->batch.len > 0;
	while (pos < j->batch.len) {
		struct item it, next;
		size_t after = read_item(&j->batch, pos, &it);

		if (it.type != REC_OUTPUT) {
			emit_at(j, it.type, 0, it.mono, it.wall, it.payload, it.len);
			pos = after;
			continue;
		}
		buf_reset(&j->payload);
		buf_append(&j->payload, it.payload, it.len);
		while (after < j->batch.len) {
			size_t following = read_item(&j->batch, after, &next);
			if (next.type != REC_OUTPUT || j->payload.len + next.len > COALESCE_MAX ||
			    next.mono - it.mono > COALESCE_NS)
				break;
			buf_append(&j->payload, next.payload, next.len);
			after = following;
		}
		emit_output(j, it.mono, it.wall);
		pos = after;
	}
	buf_reset(&j->batch);
}

/* The checkpoints written so far are durable: to the file of kept
 * checkpoints, or to the list journal_take_checkpoints empties. A file that
 * cannot take them does not stop the log (escortd's own; it says so). */
static void publish_notes(struct journal *j)
{
	size_t pos = 0;

	if (j->fresh_notes.len == 0)
		return;
	while (j->notes_path && pos + 4 <= j->fresh_notes.len) {
		uint32_t len;
		struct error err;
		memcpy(&len, j->fresh_notes.data + pos, 4);
		if (kept_note_append(j->notes_path, j->fresh_notes.data + pos + 4, len, 1, &err) <
		    0)
			fprintf(stderr, "escort: checkpoint not kept apart: %s\n", err.msg);
		pos += 4 + len;
	}
	pthread_mutex_lock(&j->lock);
	if (!j->notes_path && j->notes.len + j->fresh_notes.len <= NOTES_LIMIT)
		buf_append(&j->notes, j->fresh_notes.data, j->fresh_notes.len);
	pthread_mutex_unlock(&j->lock);
	buf_reset(&j->fresh_notes);
}

/* Returns 1 when everything written is durable, 0 when not, -1 on failure. */
static int process(struct journal *j, int urgent, int waiters, int closing, struct error *err)
{
	uint64_t now = journal_now_ns();
	int checkpoint, sync;

	end_due_epochs(j, now);
	encode_batch(j);
	checkpoint = urgent || closing ||
		     (j->tree.size > j->last_checkpoint_size + 1 &&
		      now - j->last_checkpoint_ns >= (uint64_t)j->checkpoint_ms * 1000000u);
	if (checkpoint)
		journal_emit_checkpoint(j, closing);
	if (j->out.len > 0 && journal_write_out(j, err) < 0)
		return -1;
	sync = urgent || waiters || checkpoint || closing || j->unsynced.len > UNSYNCED_LIMIT;
	if (!sync && j->file_size != j->synced_size)
		return 0;
	if (j->file_size > j->synced_size && journal_sync(j, err) < 0)
		return -1;
	publish_notes(j);
	return 1;
}

static uint64_t next_deadline(const struct journal *j)
{
	uint64_t epoch = j->epoch_start_ns + (uint64_t)j->epoch_ms * 1000000u;
	uint64_t cp = j->last_checkpoint_ns + (uint64_t)j->checkpoint_ms * 1000000u;

	if (j->tree.size > j->last_checkpoint_size + 1 && cp < epoch)
		return cp;
	return epoch;
}

static int must_act(const struct journal *j)
{
	return j->stopping || j->urgent_pending || j->queue.len > WAKE_BYTES ||
	       (j->waiters > 0 && j->durable_ticket < j->next_ticket);
}

/* While records keep coming the writer runs on a short tick instead of being
 * woken for each one: a cross-thread wake-up per keystroke costs the relay
 * more than it saves. Idle, it sleeps until the next epoch or checkpoint and
 * the first new record wakes it. */
static void wait_for_work(struct journal *j)
{
	uint64_t now = journal_now_ns();
	int active = now < j->active_until_ns;
	uint64_t deadline = next_deadline(j);

	if (active && now + TICK_NS < deadline)
		deadline = now + TICK_NS;
	j->writer_idle = !active;
	while (!must_act(j) && !(j->writer_idle && j->queue.len > 0)) {
		struct timespec ts = {(time_t)(deadline / 1000000000u),
				      (long)(deadline % 1000000000u)};
		if (journal_now_ns() >= deadline ||
		    pthread_cond_timedwait(&j->wake, &j->lock, &ts) == ETIMEDOUT)
			break;
	}
	j->writer_idle = 0;
}

static void *writer_main(void *arg)
{
	struct journal *j = arg;
	struct error err;

	pthread_mutex_lock(&j->lock);
	for (;;) {
		struct buf swap;
		uint64_t ticket;
		int urgent, waiters, closing, rc;

		wait_for_work(j);
		swap = j->queue;
		j->queue = j->batch;
		j->batch = swap;
		ticket = j->next_ticket;
		urgent = j->urgent_pending;
		j->urgent_pending = 0;
		waiters = j->waiters;
		closing = j->stopping;
		pthread_cond_broadcast(&j->done);
		pthread_mutex_unlock(&j->lock);
		rc = process(j, urgent, waiters, closing, &err);
		pthread_mutex_lock(&j->lock);
		if (j->batch_had_records)
			j->active_until_ns = journal_now_ns() + ACTIVE_NS;
		if (rc < 0) {
			j->failed = 1;
			j->failure = err;
		} else if (rc == 1) {
			j->durable_ticket = ticket;
		}
		pthread_cond_broadcast(&j->done);
		if (rc < 0 || (closing && j->queue.len == 0))
			break;
	}
	pthread_mutex_unlock(&j->lock);
	sha256_release_thread();
	return NULL;
}

void journal_derive_origin(struct journal *j)
{
	char host[256] = "localhost", session[SESSION_ID_LEN * 2 + 1];

	if (j->origin[0] != '\0')
		return;
	gethostname(host, sizeof(host) - 1);
	for (char *p = host; *p; p++)
		if (*p <= 0x20 || *p >= 0x7f || *p == '/')
			*p = '_';
	sodium_bin2hex(session, sizeof(session), j->session, SESSION_ID_LEN);
	snprintf(j->origin, sizeof(j->origin), "escort/%s/%s", host, session);
}

static struct journal *journal_alloc(const struct journal_config *cfg)
{
	struct journal *j = xcalloc(1, sizeof(*j));
	pthread_condattr_t attr;

	pthread_mutex_init(&j->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&j->wake, &attr);
	pthread_cond_init(&j->done, &attr);
	pthread_condattr_destroy(&attr);
	j->fd = j->lock_fd = -1;
	j->path = xstrdup(cfg->path);
	j->mac_checker = cfg->mac_checker;
	j->trust_unsigned = cfg->trust_unsigned;
	j->notes_path = cfg->notes_path ? xstrdup(cfg->notes_path) : NULL;
	j->signer = *cfg->signer;
	j->signer_ephemeral = cfg->signer_ephemeral;
	snprintf(j->signer_why, sizeof(j->signer_why), "%s", cfg->signer_why ?: "");
	if (cfg->auditor) {
		j->auditor = *cfg->auditor;
		j->has_auditor = 1;
	}
	if (cfg->origin != NULL)
		snprintf(j->origin, sizeof(j->origin), "%s", cfg->origin);
	j->checkpoint_ms = cfg->checkpoint_ms ? cfg->checkpoint_ms : 1000;
	j->epoch_ms = cfg->epoch_ms ? cfg->epoch_ms : 10000;
	j->mono_start = journal_now_ns();
	j->epoch_start_ns = j->last_checkpoint_ns = j->mono_start;
	merkle_init(&j->tree);
	merkle_init(&j->synced_tree);
	j->zc = compressor_new();
	return j;
}

static void journal_free(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	if (j->lock_fd >= 0)
		close(j->lock_fd);
	buf_free(&j->headers);
	buf_free(&j->notes);
	buf_free(&j->fresh_notes);
	free(j->notes_path);
	mac_chain_wipe(&j->mac);
	sodium_memzero(&j->signer, sizeof(j->signer));
	buf_free(&j->queue);
	buf_free(&j->out);
	buf_free(&j->unsynced);
	buf_free(&j->batch);
	buf_free(&j->payload);
	buf_free(&j->compressed);
	compressor_free(j->zc);
	free(j->seg_path);
	free(j->path);
	pthread_mutex_destroy(&j->lock);
	pthread_cond_destroy(&j->wake);
	pthread_cond_destroy(&j->done);
	free(j);
}

/* The MAC key is signed at once, in the same write: a recovery keeps only
 * records under a key chain that began in the signed part. */
static int start_new_log(struct journal *j, struct error *err)
{
	struct buf head = {0};

	randombytes_buf(j->session, SESSION_ID_LEN);
	journal_derive_origin(j);
	mac_chain_start(&j->mac, 0);
	journal_segment_header(j, SEGMENT_FIRST, &head);
	journal_emit_mac_key(j);
	journal_emit_checkpoint(j, 0);
	if (journal_open_segment(j, &head, err) < 0)
		return -1;
	j->lock_fd = writer_lock_take(j->path, err);
	return j->lock_fd < 0 ? -1 : 0;
}

struct journal *journal_open(const struct journal_config *cfg, struct error *err)
{
	struct journal *j;
	int rc;

	if (!cfg->signer->has_secret) {
		error_set(err, "the signing key %s has no secret part", cfg->signer->name);
		return NULL;
	}
	j = journal_alloc(cfg);
	if (j->zc == NULL) {
		error_set(err, "out of memory");
		journal_free(j);
		return NULL;
	}
	if (cfg->recover) {
		rc = journal_recover_existing(j, err);
		if (rc == 0 && !j->recovery.needed)
			return j; /* sealed already: nothing to write, no writer */
	} else {
		rc = start_new_log(j, err);
	}
	if (rc < 0 || pthread_create(&j->thread, NULL, writer_main, j) != 0) {
		if (rc == 0)
			error_errno(err, "cannot start the log writer thread");
		journal_free(j);
		return NULL;
	}
	j->thread_started = 1;
	return j;
}

uint64_t journal_append(struct journal *j, uint16_t type, const void *payload, size_t len,
			int urgent, struct error *err)
{
	uint8_t head[ITEM_HEADER] = {0};
	uint64_t mono = journal_now_ns() - j->mono_start, wall = clock_ns(CLOCK_REALTIME), ticket;
	uint32_t len32 = (uint32_t)len;

	if (len > RECORD_MAX_PAYLOAD) {
		error_set(err, "record of %zu bytes is larger than %u", len, RECORD_MAX_PAYLOAD);
		return 0;
	}
	memcpy(head, &type, 2);
	memcpy(head + 4, &len32, 4);
	memcpy(head + 8, &mono, 8);
	memcpy(head + 16, &wall, 8);
	pthread_mutex_lock(&j->lock);
	while (!j->failed && j->queue.len > QUEUE_LIMIT)
		pthread_cond_wait(&j->done, &j->lock);
	if (j->failed) {
		*err = j->failure;
		pthread_mutex_unlock(&j->lock);
		return 0;
	}
	if (urgent || (j->writer_idle && j->queue.len == 0) || j->queue.len > WAKE_BYTES)
		pthread_cond_signal(&j->wake);
	buf_append(&j->queue, head, sizeof(head));
	buf_append(&j->queue, payload, len);
	ticket = ++j->next_ticket;
	j->urgent_pending |= urgent;
	pthread_mutex_unlock(&j->lock);
	return ticket;
}

void journal_tickets(struct journal *j, uint64_t *queued, uint64_t *durable)
{
	pthread_mutex_lock(&j->lock);
	*queued = j->next_ticket;
	*durable = j->durable_ticket;
	pthread_mutex_unlock(&j->lock);
}

int journal_wait(struct journal *j, uint64_t ticket, struct error *err)
{
	int rc = 0;

	pthread_mutex_lock(&j->lock);
	j->waiters++;
	pthread_cond_signal(&j->wake);
	while (!j->failed && j->durable_ticket < ticket)
		pthread_cond_wait(&j->done, &j->lock);
	j->waiters--;
	if (j->durable_ticket < ticket) {
		*err = j->failure;
		rc = -1;
	}
	pthread_mutex_unlock(&j->lock);
	return rc;
}

void journal_take_checkpoints(struct journal *j, struct buf *out)
{
	pthread_mutex_lock(&j->lock);
	buf_append(out, j->notes.data, j->notes.len);
	buf_reset(&j->notes);
	pthread_mutex_unlock(&j->lock);
}

int journal_check(struct journal *j, struct error *err)
{
	int rc = 0;

	pthread_mutex_lock(&j->lock);
	if (j->failed) {
		*err = j->failure;
		rc = -1;
	}
	pthread_mutex_unlock(&j->lock);
	return rc;
}

int journal_close(struct journal *j, struct error *err)
{
	int rc;

	pthread_mutex_lock(&j->lock);
	j->stopping = 1;
	pthread_cond_signal(&j->wake);
	pthread_mutex_unlock(&j->lock);
	if (j->thread_started)
		pthread_join(j->thread, NULL);
	rc = j->failed ? -1 : 0;
	if (rc < 0)
		*err = j->failure;
	journal_free(j);
	return rc;
}

void journal_recovery_info(const struct journal *j, struct journal_recovery *out)
{
	*out = j->recovery;
}
