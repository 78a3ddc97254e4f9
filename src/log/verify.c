#include "verify.h"

#include "checkpoint.h"
#include "fields.h"
#include "mackey.h"
#include "merkle.h"
#include "reader.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

struct verifier {
	const struct verify_options *opt;
	struct verify_report *rep;
	struct log_reader r;
	struct merkle tree;
	struct signing_key signer;
	int have_signer;
	struct mac_chain mac, prev_mac;
	int have_mac, have_prev_mac;
	uint32_t epoch;
	int last_was_epoch_end;
	int last_was_seal;
	int has_end;	    /* a session-end record was seen */
	struct buf headers; /* every segment header, in order */
	char origin[256];
	size_t segment; /* of the previous record */
	struct kept_check kept;
};

/* Records the first problem only; later ones usually follow from it. */
static int problem(struct verifier *v, const struct record *rec, const char *fmt, ...)
{
	char what[400];
	va_list ap;

	if (v->rep->problem[0] != '\0')
		return -1;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (rec == NULL)
		snprintf(v->rep->problem, sizeof(v->rep->problem), "%s", what);
	else
		snprintf(v->rep->problem, sizeof(v->rep->problem),
			 "segment %zu (%s), offset %zu, sequence %" PRIu64 " (%s): %s",
			 v->r.rec_seg, v->r.segs[v->r.rec_seg].path, v->r.rec_off, rec->seq,
			 record_type_name(rec->type), what);
	return -1;
}

static const char *field(const struct record *rec, const char *key)
{
	struct field f;
	size_t pos = 0;

	while (fields_next(rec->payload, rec->payload_len, &pos, &f) == 1)
		if (strcmp(f.key, key) == 0)
			return f.value;
	return NULL;
}

static int decode_b64(const char *text, uint8_t *out, size_t len)
{
	size_t got = 0;

	return text != NULL &&
	       sodium_base642bin(out, len, text, strlen(text), NULL, &got, NULL,
				 sodium_base64_VARIANT_ORIGINAL) == 0 &&
	       got == len;
}

static int take_signer(struct verifier *v, const struct record *rec)
{
	const char *vkey = field(rec, "signer");
	struct signing_key named;
	struct error why;

	if (vkey == NULL || signing_key_parse(&named, vkey, &why) < 0)
		return problem(v, rec, "the log does not name a valid signing key");
	snprintf(v->rep->signer, sizeof(v->rep->signer), "%s", vkey);
	v->rep->signer_ephemeral = strcmp(field(rec, "signer_ephemeral") ?: "", "yes") == 0;
	snprintf(v->rep->signer_why, sizeof(v->rep->signer_why), "%s",
		 field(rec, "signer_ephemeral_why") ?: "");
	if (v->opt->key != NULL) {
		if (named.hash != v->opt->key->hash ||
		    memcmp(named.pk, v->opt->key->pk, sizeof(named.pk)) != 0 ||
		    strcmp(named.name, v->opt->key->name) != 0)
			return problem(v, rec,
				       "the log is signed by %s, not by the key given with "
				       "--key",
				       vkey);
		v->signer = *v->opt->key;
		v->rep->signer_trusted = 1;
	} else if (!v->have_signer) {
		v->signer = named;
	} else if (memcmp(named.pk, v->signer.pk, sizeof(named.pk)) != 0) {
		/* A recovery may have to sign with a new key when the writer's was
		 * made for its session only; anywhere else this is forgery. */
		if (rec->seq == 0 || !v->rep->signer_ephemeral)
			return problem(v, rec, "the signing key changed within the log");
		v->signer = named;
		v->rep->signer_changed = 1;
	}
	v->have_signer = 1;
	return 0;
}

static int take_mac_key(struct verifier *v, const struct record *rec)
{
	const struct auditor_key *a = v->opt->auditor;
	const char *sealed_text = field(rec, "sealed_key");
	uint8_t sealed[MAC_SEALED_LEN], pk[32];

	v->epoch = rec->epoch;
	v->have_mac = v->have_prev_mac = 0;
	v->last_was_epoch_end = 0;
	if (strcmp(field(rec, "session") ?: "", v->rep->session.id) != 0)
		return problem(v, rec,
			       "the MAC key record is for another session than the "
			       "segment headers name");
	if (take_signer(v, rec) < 0)
		return -1;
	if (sealed_text != NULL && strcmp(sealed_text, "none") == 0) {
		v->rep->macs_checked = -1;
		if (a != NULL)
			return problem(v, rec,
				       "the MAC key was not sealed to the auditor: sealing "
				       "was turned off, so the records carry no MAC the "
				       "auditor can check");
		return 0;
	}
	if (!decode_b64(sealed_text, sealed, sizeof(sealed)))
		return problem(v, rec, "the sealed MAC key is malformed");
	if (a == NULL || !a->has_secret)
		return 0;
	if (!decode_b64(field(rec, "auditor"), pk, sizeof(pk)) || memcmp(pk, a->pk, 32) != 0)
		return problem(v, rec, "the MAC key is sealed to another auditor key");
	if (mac_unseal(&v->mac, rec->epoch, sealed, a->pk, a->sk) < 0)
		return problem(v, rec,
			       "the sealed MAC key does not open with the auditor key "
			       "(altered)");
	v->have_mac = 1;
	if (v->rep->macs_checked == 0)
		v->rep->macs_checked = 1;
	return 0;
}

/* Epochs only move forward by one, right after the previous one's end. */
static int check_epoch(struct verifier *v, const struct record *rec)
{
	if (rec->epoch == v->epoch)
		return 0;
	if (rec->epoch < v->epoch)
		return problem(v, rec, "record claims epoch %u, which had already ended",
			       rec->epoch);
	if (rec->epoch == v->epoch + 1 && !v->last_was_epoch_end)
		return problem(v, rec, "epoch %u has no epoch-end record", v->epoch);
	if (rec->epoch > v->epoch + 1)
		return problem(v, rec, "record claims epoch %u but epoch %u is current", rec->epoch,
			       v->epoch);
	return 0;
}

static int check_mac(struct verifier *v, const struct record *rec, const uint8_t leaf[32])
{
	uint8_t tag[MAC_LEN];
	struct mac_chain next;

	if (!v->have_mac)
		return 0;
	mac_tag(&v->mac, leaf, tag);
	if (sodium_memcmp(tag, rec->mac, MAC_LEN) == 0)
		return 0;
	if (v->have_prev_mac) {
		mac_tag(&v->prev_mac, leaf, tag);
		if (sodium_memcmp(tag, rec->mac, MAC_LEN) == 0)
			return problem(v, rec,
				       "the MAC was made with epoch %u's key, but the record "
				       "says epoch %u",
				       v->prev_mac.epoch, rec->epoch);
	}
	next = v->mac;
	mac_chain_next(&next);
	mac_tag(&next, leaf, tag);
	mac_chain_wipe(&next);
	if (sodium_memcmp(tag, rec->mac, MAC_LEN) == 0)
		return problem(v, rec,
			       "the MAC was made with epoch %u's key, but the record says "
			       "epoch %u",
			       v->epoch + 1, rec->epoch);
	return problem(v, rec, "the MAC does not match: the record was altered");
}

static int take_epoch_end(struct verifier *v, const struct record *rec)
{
	const char *e = field(rec, "epoch");
	char want[16];

	snprintf(want, sizeof(want), "%u", rec->epoch);
	if (e == NULL || strcmp(e, want) != 0)
		return problem(v, rec, "epoch-end record names another epoch");
	if (v->have_mac) {
		v->prev_mac = v->mac;
		v->have_prev_mac = 1;
		mac_chain_next(&v->mac);
	}
	v->epoch++;
	v->last_was_epoch_end = 1;
	return 0;
}

/* The signature covers the checkpoint record's own fields and the headers
 * of the segments so far (a prefix: records written again after a failed
 * sync carry checkpoints signed before the new segment existed). */
static int check_signed_fields(struct verifier *v, const struct record *rec,
			       const struct checkpoint *cp)
{
	uint8_t h[SHA256_LEN];

	if (!cp->has_record || !cp->has_segments)
		return problem(v, rec,
			       "the checkpoint does not sign its own record's fields and the "
			       "segment headers");
	if (cp->flags != rec->flags || cp->epoch != rec->epoch || cp->mono_ns != rec->mono_ns ||
	    cp->wall_ns != rec->wall_ns)
		return problem(v, rec,
			       "the checkpoint record's own fields (seal flag, epoch or time) "
			       "differ from what was signed: they were altered");
	if (cp->segments == 0 || cp->segments > v->r.rec_seg + 1)
		return problem(v, rec, "the checkpoint signs %" PRIu64 " segment headers",
			       cp->segments);
	sha256(v->headers.data, (size_t)cp->segments * SEGMENT_HEADER_LEN, h);
	if (memcmp(h, cp->headers, SHA256_LEN) != 0)
		return problem(v, rec,
			       "the segment headers differ from what the checkpoint signed: "
			       "a header was altered or a segment replaced");
	if (rec->flags & RECORD_SEAL)
		v->rep->sealed_segments = cp->segments;
	return 0;
}

static int take_checkpoint(struct verifier *v, const struct record *rec)
{
	struct checkpoint cp;
	struct error why;
	uint8_t root[SHA256_LEN];

	if (!v->have_signer)
		return problem(v, rec, "checkpoint before any signing key was named");
	if (checkpoint_verify(rec->payload, rec->payload_len, &v->signer, &cp, &why) < 0)
		return problem(v, rec, "%s", why.msg);
	if (cp.size != rec->seq)
		return problem(v, rec,
			       "the checkpoint was signed for %" PRIu64
			       " records but stands after %" PRIu64
			       ": records were removed or inserted before it",
			       cp.size, rec->seq);
	if (check_signed_fields(v, rec, &cp) < 0)
		return -1;
	if (v->origin[0] == '\0')
		snprintf(v->origin, sizeof(v->origin), "%s", cp.origin);
	else if (strcmp(v->origin, cp.origin) != 0)
		return problem(v, rec, "checkpoint is for another log (%s)", cp.origin);
	merkle_root(&v->tree, root);
	if (memcmp(root, cp.root, SHA256_LEN) != 0)
		return problem(v, rec,
			       "the signed tree head does not match the records: some of "
			       "records %" PRIu64 "..%" PRIu64 " were altered, added or removed",
			       v->rep->signed_up_to, cp.size - 1);
	v->rep->signed_up_to = cp.size;
	v->rep->signed_through = rec->seq + 1;
	v->rep->signed_segments = cp.segments;
	return 0;
}

static void take_recovery(struct verifier *v, const struct record *rec)
{
	const char *from = field(rec, "mac_only_from"), *to = field(rec, "mac_only_to");
	const char *lost = field(rec, "lost_bytes");

	v->rep->recoveries++;
	if (from && to && strtoull(to, NULL, 10) > strtoull(from, NULL, 10)) {
		v->rep->mac_only_from = strtoull(from, NULL, 10);
		v->rep->mac_only_to = strtoull(to, NULL, 10);
	}
	if (lost)
		v->rep->torn_bytes += strtoull(lost, NULL, 10);
}

static void take_session_start(struct verifier *v, const struct record *rec)
{
	struct verify_session *s = &v->rep->session;

	snprintf(s->user, sizeof(s->user), "%s", field(rec, "user") ?: "");
	snprintf(s->host, sizeof(s->host), "%s", field(rec, "host") ?: "");
	s->start_ns = rec->wall_ns;
}

/* A segment after the first exists only after a failed sync or a recovery,
 * and a recovered segment starts with a new MAC key. */
static int check_segment_start(struct verifier *v, const struct record *rec)
{
	const struct segment_header *h = &v->r.segs[v->r.rec_seg].header;

	if (v->r.rec_seg == v->segment && rec->seq != 0)
		return 0;
	v->segment = v->r.rec_seg;
	if (rec->seq != 0) {
		uint8_t root[SHA256_LEN];
		merkle_root(&v->tree, root);
		if (memcmp(root, h->prev_root, SHA256_LEN) != 0)
			return problem(v, rec,
				       "segment %zu's header does not chain to the records "
				       "before it (its tree head differs)",
				       v->r.rec_seg);
	}
	if (h->reason == SEGMENT_AFTER_SYNC_FAILURE)
		v->rep->sync_failures++;
	if (rec->seq == 0 || h->reason == SEGMENT_AFTER_RECOVERY) {
		if (rec->type != REC_MAC_KEY)
			return problem(v, rec, "a %s starts without a MAC key record",
				       rec->seq == 0 ? "log" : "recovered segment");
		return 0;
	}
	if (h->reason != SEGMENT_AFTER_SYNC_FAILURE)
		return problem(v, rec, "segment %zu has no reason to exist (%s)", v->r.rec_seg,
			       segment_reason_name(h->reason));
	return 0;
}

static int take_record(struct verifier *v, const struct record *rec)
{
	uint8_t leaf[SHA256_LEN];

	if (v->opt->kept != NULL)
		kept_check_at(&v->kept, &v->tree);
	if (check_segment_start(v, rec) < 0)
		return -1;
	merkle_leaf_hash(rec->leaf, rec->leaf_len, leaf);
	if (rec->type == REC_MAC_KEY) {
		if (rec->seq != 0 &&
		    v->r.segs[v->r.rec_seg].header.reason != SEGMENT_AFTER_RECOVERY)
			return problem(v, rec, "a new MAC key outside a recovery");
		if (rec->seq != 0 && rec->epoch <= v->epoch)
			return problem(v, rec, "the recovered MAC key reuses epoch %u", rec->epoch);
		if (take_mac_key(v, rec) < 0)
			return -1;
		v->rep->chain_from = rec->seq;
	} else if (check_epoch(v, rec) < 0) {
		return -1;
	}
	if (check_mac(v, rec, leaf) < 0)
		return -1;
	v->last_was_epoch_end = 0;
	if (rec->type == REC_EPOCH_END && take_epoch_end(v, rec) < 0)
		return -1;
	if (rec->type == REC_CHECKPOINT && take_checkpoint(v, rec) < 0)
		return -1;
	if (rec->type == REC_RECOVERY)
		take_recovery(v, rec);
	if (rec->type == REC_SESSION_START)
		take_session_start(v, rec);
	if (rec->type == REC_SESSION_END) {
		v->has_end = 1;
		v->rep->session.end_ns = rec->wall_ns;
	}
	v->last_was_seal = rec->type == REC_CHECKPOINT && (rec->flags & RECORD_SEAL);
	merkle_append(&v->tree, leaf);
	v->rep->records++;
	return 0;
}

/* Sealed: every segment must be under the seal, and only a recorded session
 * end (or a recovery that says the end was lost) makes the log whole. */
static void check_ending(struct verifier *v)
{
	struct verify_report *rep = v->rep;

	if (rep->sealed_segments != v->r.nsegs)
		problem(v, NULL,
			"segment %" PRIu64 " (%s) is not covered by the sealing checkpoint: it "
			"was added after the log was sealed",
			rep->sealed_segments, v->r.segs[rep->sealed_segments].path);
	else if (v->has_end)
		rep->ending = ENDING_COMPLETE;
	else if (rep->recoveries > 0)
		rep->ending = ENDING_RECOVERED;
	else
		problem(v, NULL,
			"truncated after record %" PRIu64 ": sealed without the session's end "
			"record",
			rep->records - 1);
}

/* Every checkpoint kept apart from the log must be in it. */
static void check_kept(struct verifier *v)
{
	char why[400];

	kept_check_at(&v->kept, &v->tree);
	if (kept_check_finish(&v->kept, v->have_signer ? &v->signer : NULL, v->origin,
			      v->rep->records, &v->rep->kept, why, sizeof(why)) < 0)
		problem(v, NULL, "%s", why);
}

static void finish(struct verifier *v, enum reader_result res, const struct error *why)
{
	struct verify_report *rep = v->rep;

	for (size_t i = 0; i < v->r.nsegs; i++) {
		rep->bytes += v->r.segs[i].len;
		rep->superseded_bytes += v->r.segs[i].len - v->r.segs[i].limit;
	}
	rep->segments = v->r.nsegs;
	if (res == READ_TORN) {
		const struct log_segment *s = &v->r.segs[v->r.seg];
		rep->torn_bytes += s->limit - v->r.off;
		problem(v, NULL,
			"%s; the log is not sealed (the writer stopped): run 'escort "
			"recover' to keep what is there",
			why->msg);
	} else if (res == READ_DAMAGED) {
		problem(v, NULL, "%s", why->msg);
	} else if (!v->last_was_seal) {
		problem(v, NULL,
			"truncated after record %" PRIu64 ": the last segment (%s) is not "
			"sealed (the log was cut short or its writer stopped); records after "
			"%" PRIu64 " are not signed",
			rep->records ? rep->records - 1 : 0, v->r.segs[v->r.nsegs - 1].path,
			rep->signed_up_to);
	} else {
		check_ending(v);
	}
	/* A sealing checkpoint signs everything before it. */
	if (rep->signed_up_to + (v->last_was_seal ? 1 : 0) < rep->records &&
	    rep->mac_only_to == 0) {
		rep->mac_only_from = rep->signed_up_to;
		rep->mac_only_to = rep->records;
	}
	if (v->opt->kept != NULL)
		check_kept(v);
	rep->intact = rep->problem[0] == '\0';
}

static void take_headers(struct verifier *v)
{
	for (size_t i = 0; i < v->r.nsegs; i++)
		buf_append(&v->headers, v->r.segs[i].data, SEGMENT_HEADER_LEN);
	sodium_bin2hex(v->rep->session.id, sizeof(v->rep->session.id), v->r.segs[0].header.session,
		       SESSION_ID_LEN);
	if (v->opt->session != NULL && strcmp(v->opt->session, v->rep->session.id) != 0)
		problem(v, NULL, "this is the log of session %s, not of session %s",
			v->rep->session.id, v->opt->session);
}

static void run(struct verifier *v)
{
	struct verify_report *rep = v->rep;
	enum reader_result res;
	struct record rec;
	struct error why = {0};

	merkle_init(&v->tree);
	if (v->opt->kept != NULL)
		kept_check_init(&v->kept, v->opt->kept);
	res = log_reader_next(&v->r, &rec, &why);
	if (v->r.started)
		take_headers(v);
	for (; res == READ_RECORD; res = log_reader_next(&v->r, &rec, &why))
		if (take_record(v, &rec) < 0)
			break;
	if (res != READ_RECORD) {
		finish(v, res, &why);
	} else {
		rep->intact = 0;
		rep->segments = v->r.nsegs;
		for (size_t i = 0; i < v->r.nsegs; i++)
			rep->bytes += v->r.segs[i].len;
	}
	mac_chain_wipe(&v->mac);
	mac_chain_wipe(&v->prev_mac);
	buf_free(&v->headers);
	kept_check_free(&v->kept);
}

void verify_reader(struct log_reader *r, const struct verify_options *opt,
		   struct verify_report *rep)
{
	struct verifier v = {.opt = opt, .rep = rep, .r = *r};

	memset(rep, 0, sizeof(*rep));
	run(&v);
	*r = v.r;
}

int verify_log(const char *path, const struct verify_options *opt, struct verify_report *rep,
	       struct error *err)
{
	struct log_reader r;

	memset(rep, 0, sizeof(*rep));
	if (log_reader_open(&r, path, err) < 0)
		return -1;
	verify_reader(&r, opt, rep);
	log_reader_close(&r);
	return 0;
}
