/* The checkpoints a session host sends are kept apart from its log, so that
 * whoever holds its signing key cannot roll the log back, cut it short or
 * make it again unnoticed (escort verify --checkpoints). escortd checks that
 * each is a checkpoint of the same log, no older than the last, and signed by
 * the key its host named in its hello (HostLog.signer; a host that named none
 * is not checked): the verifier checks them against the key it trusts.
 * Written on the worker. */
#include "broker.h"

#include "log/checkpoint-file.h"
#include "log/checkpoint.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct keep_job {
	char path[PATH_MAX];
	char session[40];
	uint8_t *note;
	size_t len;
	int failed;
	struct error err;
};

void kept_checkpoints_path(const struct broker *b, const struct live_session *s, char *out,
			   size_t size)
{
	snprintf(out, size, "%s/checkpoints/%s.notes", b->state_dir, s->id);
}

static void keep_work(void *arg)
{
	struct keep_job *j = arg;

	/* Not synced: one fdatasync per note and session would crowd the one
	 * worker; a crash of the machine may lose the last ones. */
	j->failed = kept_note_append(j->path, j->note, j->len, 0, &j->err) < 0;
}

static void keep_done(struct broker *b, void *arg)
{
	struct keep_job *j = arg;

	(void)b;
	if (j->failed)
		broker_log("session %s: its host's checkpoint was not kept: %s", j->session,
			   j->err.msg);
	free(j->note);
	free(j);
}

/* Signed by the key the host named, when it named one. The first time one
 * is not, the session's host log is marked and escortd's log says it. */
static int signed_by_named_key(struct live_session *s, const uint8_t *note, size_t len,
			       struct error *err)
{
	struct signing_key key;
	struct checkpoint cp;
	struct error why;

	if (s->host_log.signer[0] == '\0')
		return 0;
	if (signing_key_parse(&key, s->host_log.signer, &why) == 0 &&
	    checkpoint_verify(note, len, &key, &cp, &why) == 0)
		return 0;
	if (!s->host_log.bad_signature) {
		s->host_log.bad_signature = 1;
		broker_log("WARNING: session %s of %s: its host sent a checkpoint not signed by "
			   "the key it named (%s): %s",
			   s->id, s->op, s->host_log.signer, why.msg);
	}
	return error_set(err, "it is not signed by the key its host named: %s", why.msg);
}

/* The same log as before (one origin), and never older. */
static int acceptable(struct live_session *s, const uint8_t *note, size_t len, struct error *err)
{
	struct checkpoint cp;

	if (kept_note_check(note, len, err) < 0 || checkpoint_parse(note, len, &cp, err) < 0)
		return -1;
	if (signed_by_named_key(s, note, len, err) < 0)
		return -1;
	if (s->kept_origin[0] != '\0' && strcmp(s->kept_origin, cp.origin) != 0)
		return error_set(err, "it is of another log than the checkpoints before it");
	if (cp.size < s->kept_size)
		return error_set(err, "it is older than the last one kept");
	snprintf(s->kept_origin, sizeof(s->kept_origin), "%s", cp.origin);
	s->kept_size = cp.size;
	return 0;
}

void session_keep_checkpoint(struct broker *b, struct live_session *s, const uint8_t *note,
			     size_t len)
{
	struct keep_job *j;
	struct error err;

	if (acceptable(s, note, len, &err) < 0) {
		broker_log("session %s: a checkpoint from its host is not kept: %s", s->id,
			   err.msg);
		return;
	}
	j = xcalloc(1, sizeof(*j));
	kept_checkpoints_path(b, s, j->path, sizeof(j->path));
	snprintf(j->session, sizeof(j->session), "%s", s->id);
	j->note = xmalloc(len);
	memcpy(j->note, note, len);
	j->len = len;
	jobs_submit(b, keep_work, keep_done, j);
}
