/* The live sessions: the recording a session host streams (written into the
 * authoritative signed log and acknowledged once durable), its end (sealed
 * on the worker thread), and a session host that goes away. Starting and
 * resuming are session-open.c's. */
#include "broker.h"

#include "log/fields.h"
#include "log/record.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AWAY_LIMIT_S 600 /* a session host away this long is not coming back */
#define END_GRACE_S 5	 /* a session told to end has this long to do it */

struct live_session *session_find(struct broker *b, const char *id)
{
	for (struct live_session *s = b->sessions; s; s = s->next)
		if (strcmp(s->id, id) == 0)
			return s;
	return NULL;
}

static int streamable(uint32_t type)
{
	return type == REC_INPUT || type == REC_OUTPUT || type == REC_ERROR_OUTPUT ||
	       type == REC_WINDOW || type == REC_EXEC || type == REC_TRANSFER ||
	       type == REC_DECISION;
}

static void keep_screen(struct live_session *s, const uint8_t *data, size_t len)
{
	if (len >= SCREEN_KEEP) {
		buf_reset(&s->screen);
		buf_append(&s->screen, data + len - SCREEN_KEEP, SCREEN_KEEP);
		return;
	}
	if (s->screen.len + len > SCREEN_KEEP)
		buf_consume(&s->screen, s->screen.len + len - SCREEN_KEEP);
	buf_append(&s->screen, data, len);
}

static void record_failed(struct conn *c, const struct error *err)
{
	broker_log("session %s: the log cannot be written: %s", c->session->id, err->msg);
	session_terminate(c->session, "escortd cannot record the session any more");
}

void session_record(struct conn *c, const Escort__Record *r)
{
	struct live_session *s = c->session;
	struct error err;
	int rc;

	if (r->seq <= s->received)
		return; /* sent again after a reconnection: already written */
	if (r->seq == s->received + 1 && r->type == REC_CHECKPOINT) {
		s->received = r->seq; /* the host's own log's: kept apart, not recorded */
		return session_keep_checkpoint(c->b, s, r->payload.data, r->payload.len);
	}
	if (r->seq != s->received + 1 || !streamable(r->type)) {
		conn_finish(c, "a record out of order or of a type a session host may not send");
		return;
	}
	s->received = r->seq;
	if (r->type == REC_INPUT)
		rc = recorder_input(s->rec, r->payload.data, r->payload.len, &err);
	else if (r->type == REC_OUTPUT || r->type == REC_ERROR_OUTPUT) {
		rc = r->type == REC_OUTPUT
			 ? recorder_output(s->rec, r->payload.data, r->payload.len, &err)
			 : recorder_error_output(s->rec, r->payload.data, r->payload.len, &err);
		keep_screen(s, r->payload.data, r->payload.len);
		console_screen(c->b, s, r->payload.data, r->payload.len, 0);
	} else
		rc = recorder_event(s->rec, (uint16_t)r->type, r->payload.data, r->payload.len,
				    r->urgent, &err);
	if (r->type == REC_WINDOW && r->payload.len == 4) {
		s->cols = r->payload.data[0] | (unsigned)r->payload.data[1] << 8;
		s->rows = r->payload.data[2] | (unsigned)r->payload.data[3] << 8;
	}
	if (rc < 0)
		record_failed(c, &err);
}

static void send_ack(struct conn *c, uint64_t seq, int end)
{
	Escort__Ack a = ESCORT__ACK__INIT;
	Frame f = ESCORT__FRAME__INIT;

	a.seq = seq;
	a.session_end = end;
	f.body_case = ESCORT__FRAME__BODY_ACK;
	f.ack = &a;
	conn_send(c, &f);
}

void unlink_from(struct live_session **list, struct live_session *s)
{
	for (struct live_session **p = list; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	s->next = NULL;
}

void session_free(struct live_session *s)
{
	for (size_t i = 0; i < s->argc; i++)
		free(s->argv[i]);
	free(s->argv);
	free(s->argv_json);
	buf_free(&s->screen);
	free(s);
}

/* What sealing needs, copied: the SessionEnd it came from is gone by then. */
struct finish_job {
	struct live_session *s;
	struct session_result result;
	char *reason, *error;
	uint64_t ack_conn, last; /* the connection owed the final Ack, or 0 */
	int failed;
	struct error err;
};

static void finish_work(void *arg)
{
	struct finish_job *j = arg;

	j->failed = recorder_finish(j->s->rec, &j->result, &j->err) < 0;
}

static void finish_done(struct broker *b, void *arg)
{
	struct finish_job *j = arg;
	struct live_session *s = j->s;
	struct conn *c = j->ack_conn ? conn_find(b, j->ack_conn) : NULL;
	struct error err;

	if (j->failed)
		broker_log("session %s: the end was not recorded: %s", s->id, j->err.msg);
	unlink_from(&b->closing, s);
	/* Ended in the database once sealed: a crash before leaves it to be
	 * resumed and sealed by the next escortd. */
	if (store_session_end(b->store, s->id, j->result.reason, &err) < 0)
		broker_log("%s", err.msg);
	b->sessions_ended++;
	broker_log("session %s of %s ended (%s)", s->id, s->op, j->result.reason);
	if (c) {
		send_ack(c, j->last, 1);
		conn_finish(c, NULL);
	}
	session_free(s);
	free(j->reason);
	free(j->error);
	free(j);
}

void session_finish(struct broker *b, struct live_session *s, const struct session_result *r,
		    uint64_t ack_conn)
{
	struct finish_job *j = xcalloc(1, sizeof(*j));

	pending_drop_session(b, s, "the session ended");
	unlink_from(&b->sessions, s);
	s->next = b->closing; /* nobody resumes it while it is sealed */
	b->closing = s;
	if (s->conn) {
		s->conn->session = NULL;
		s->conn = NULL;
	}
	console_screen(b, s, NULL, 0, 1);
	j->s = s;
	j->result = *r;
	j->reason = xstrdup(r->reason ? r->reason : "exit");
	j->error = r->error ? xstrdup(r->error) : NULL;
	j->result.reason = j->reason;
	j->result.error = j->error;
	j->ack_conn = ack_conn;
	j->last = s->received;
	jobs_submit(b, finish_work, finish_done, j);
}

void session_end(struct conn *c, const Escort__SessionEnd *e)
{
	struct session_result r = {
	    .exit_status = e->exit_status,
	    .signal = e->signal,
	    .reason = e->reason[0] ? e->reason : "exit",
	    .error = e->error[0] ? e->error : NULL,
	    .gate =
		{
		    .execs = e->execs,
		    .allowed = e->allowed,
		    .denied = e->denied,
		    .held = e->held,
		    .cached = e->cached,
		    .verified = e->verified,
		    .unverified = e->unverified,
		    .mismatched = e->mismatched,
		    .gate_cpu_us = e->gate_cpu_us,
		},
	};

	c->state = CONN_ENDED; /* nothing more from it but heartbeats */
	/* The Ack follows once the worker has sealed the log durably. */
	session_finish(c->b, c->session, &r, c->serial);
}

void session_gone(struct conn *c)
{
	struct live_session *s = c->session;

	if (s == NULL)
		return;
	s->conn = NULL;
	c->session = NULL;
	if (c->state == CONN_OPENING)
		return; /* the log being opened is sealed when it is ready */
	s->away_since = time(NULL);
	c->session = NULL;
	pending_drop_session(c->b, s, "the session host went away");
	broker_log("the session host of %s went away", s->id);
}

static void ack_durable(struct broker *b, struct live_session *s)
{
	uint64_t queued, durable, ack = s->acked;
	unsigned keep = 0;
	struct error err;

	recorder_tickets(s->rec, &queued, &durable);
	if (s->received > (s->n_marks ? s->marks[s->n_marks - 1].seq : s->acked) &&
	    s->n_marks < ACK_RING)
		s->marks[s->n_marks++] = (struct ack_mark){s->received, queued};
	for (unsigned i = 0; i < s->n_marks; i++) {
		if (s->marks[i].ticket <= durable)
			ack = s->marks[i].seq;
		else
			s->marks[keep++] = s->marks[i];
	}
	s->n_marks = keep;
	if (ack > s->acked) {
		s->acked = ack;
		if (store_session_acked(b->store, s->id, ack, &err) < 0)
			broker_log("%s", err.msg);
		if (s->conn)
			send_ack(s->conn, ack, 0);
	}
}

void sessions_tick(struct broker *b)
{
	time_t now = time(NULL);

	for (struct live_session *s = b->sessions, *next; s; s = next) {
		next = s->next;
		ack_durable(b, s);
		if (s->conn == NULL && now - s->away_since > AWAY_LIMIT_S) {
			struct session_result r = {.exit_status = -1,
						   .reason = "session-host-gone"};
			session_finish(b, s, &r, 0);
		} else if (s->ending_since && now - s->ending_since > END_GRACE_S) {
			struct session_result r = {.exit_status = -1, .reason = "terminated"};
			broker_log("session %s did not end when told to: ended by escortd", s->id);
			if (s->conn)
				conn_drop(s->conn, "its session was ended");
			session_finish(b, s, &r, 0);
		}
	}
}

void session_note(struct live_session *s, uint16_t type, const struct buf *payload)
{
	struct error err;

	if (recorder_event(s->rec, type, payload->data, payload->len, 1, &err) < 0)
		broker_log("session %s: %s", s->id, err.msg);
}

/* The session host is told to end the session; escortd does not rely on it:
 * from now on every exec is refused, and a session host that has not ended
 * the session within END_GRACE_S is cut off and the session ended here. */
void session_terminate(struct live_session *s, const char *reason)
{
	Escort__Terminate t = ESCORT__TERMINATE__INIT;
	Frame f = ESCORT__FRAME__INIT;

	if (s->ending_since == 0) {
		s->ending_since = time(NULL);
		snprintf(s->end_reason, sizeof(s->end_reason), "%s", reason);
	}
	if (s->conn == NULL)
		return;
	t.reason = (char *)reason;
	f.body_case = ESCORT__FRAME__BODY_TERMINATE;
	f.terminate = &t;
	conn_send(s->conn, &f);
}
