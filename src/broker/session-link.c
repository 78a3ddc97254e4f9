/* The broker's side of a session host: who may start a session, the
 * recording it streams (written into the authoritative signed log and
 * acknowledged once durable), its end, and a session host that goes away
 * and comes back. */
#include "broker.h"

#include "log/fields.h"
#include "log/record.h"
#include "util/json.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AWAY_LIMIT_S 600 /* a session host away this long is not coming back */

struct live_session *session_find(struct broker *b, const char *id)
{
	for (struct live_session *s = b->sessions; s; s = s->next)
		if (strcmp(s->id, id) == 0)
			return s;
	return NULL;
}

static void welcome(struct conn *c, const struct live_session *s, const char *refusal)
{
	Escort__Welcome w = ESCORT__WELCOME__INIT;
	Escort__PolicyTable table = ESCORT__POLICY_TABLE__INIT;
	Frame f = ESCORT__FRAME__INIT;
	uint32_t actions[LEVEL_COUNT];
	uint32_t rule_actions[64];
	char *rules[64];
	int offline[LEVEL_COUNT];

	w.accepted = refusal == NULL;
	w.reason = (char *)(refusal ? refusal : "");
	w.account = c->account;
	if (s) {
		w.session = (char *)s->id;
		w.acked = s->acked;
		config_offline_table(&c->b->cfg, s->op, s->host, offline);
		for (int l = 0; l < LEVEL_COUNT; l++)
			actions[l] = (uint32_t)offline[l];
		table.n_actions = LEVEL_COUNT;
		table.actions = actions;
		for (size_t i = 0; i < c->b->cfg.n_rules && i < 64; i++) {
			rules[i] = c->b->cfg.rules[i].rule;
			rule_actions[i] = (uint32_t)c->b->cfg.rules[i].action;
			table.n_rules = table.n_rule_actions = i + 1;
		}
		table.rules = rules;
		table.rule_actions = rule_actions;
		w.policy = &table;
	}
	f.body_case = ESCORT__FRAME__BODY_WELCOME;
	f.welcome = &w;
	conn_send(c, &f);
}

static int may_operate(const struct broker_config *cfg, const char *account)
{
	const struct person *p = config_person(cfg, account);
	const struct person *anyone = config_person(cfg, "*");

	return (p && (p->roles & ROLE_OPERATOR)) || (anyone && (anyone->roles & ROLE_OPERATOR));
}

static void refuse(struct conn *c, const char *why)
{
	welcome(c, NULL, why);
	conn_finish(c, why);
}

static struct live_session *new_live(struct broker *b, const char *op, uid_t uid)
{
	struct live_session *s = calloc(1, sizeof(*s));
	char host[256];

	if (s == NULL)
		abort();
	snprintf(s->op, sizeof(s->op), "%s", op);
	s->uid = uid;
	if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	snprintf(s->host, sizeof(s->host), "%s", host);
	s->started = time(NULL);
	s->cols = 80;
	s->rows = 24;
	s->next = b->sessions;
	b->sessions = s;
	return s;
}

static void keep_argv(struct live_session *s, char **argv, size_t n)
{
	struct buf j = {0};

	s->argv = calloc(n + 1, sizeof(char *));
	if (s->argv == NULL)
		abort();
	buf_putc(&j, '[');
	for (size_t i = 0; i < n; i++) {
		s->argv[i] = strdup(argv[i]);
		if (s->argv[i] == NULL)
			abort();
		if (i)
			buf_putc(&j, ',');
		json_append_cstr(&j, argv[i]);
	}
	buf_putc(&j, ']');
	s->argc = n;
	s->argv_json = strdup(buf_cstr(&j));
	buf_free(&j);
}

static void free_live(struct broker *b, struct live_session *s)
{
	for (struct live_session **p = &b->sessions; *p; p = &(*p)->next)
		if (*p == s) {
			*p = s->next;
			break;
		}
	for (size_t i = 0; i < s->argc; i++)
		free(s->argv[i]);
	free(s->argv);
	free(s->argv_json);
	buf_free(&s->screen);
	free(s);
}

static int start_log(struct broker *b, struct live_session *s, const Escort__SessionMeta *m,
		     struct error *err)
{
	static char *no_argv[] = {NULL};
	struct session_meta meta = {
	    .user = s->op,
	    .uid = s->uid,
	    .host = s->host,
	    .tty = m && m->tty[0] ? m->tty : NULL,
	    .pty = m && m->pty[0] ? m->pty : NULL,
	    .term = m && m->term[0] ? m->term : NULL,
	    .origin = m && m->origin[0] ? m->origin : "command",
	    .argv = s->argv ? s->argv : no_argv,
	    .ssh_connection = m && m->ssh_connection[0] ? m->ssh_connection : NULL,
	    .ssh_original_command =
		m && m->ssh_original_command[0] ? m->ssh_original_command : NULL,
	    .cols = s->cols,
	    .rows = s->rows,
	};

	snprintf(s->log, sizeof(s->log), "%s/logs/%s.log", b->state_dir, s->id);
	s->rec = recorder_start(s->log, &meta, &b->keys, err);
	return s->rec ? 0 : -1;
}

static void new_session(struct conn *c, const Escort__Hello *h)
{
	struct broker *b = c->b;
	struct store_lock lock;
	struct error err;
	uint8_t raw[8];
	char why[800];

	if (!may_operate(&b->cfg, c->account)) {
		snprintf(why, sizeof(why), "%s is not an operator in escortd's configuration",
			 c->account);
		return refuse(c, why);
	}
	if (store_locked(b->store, c->account, &lock)) {
		snprintf(why, sizeof(why), "%s is locked by %s: %s", c->account, lock.by,
			 lock.reason);
		return refuse(c, why);
	}
	struct live_session *s = new_live(b, c->account, c->uid);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(s->id, sizeof(s->id), raw, sizeof(raw));
	if (h->meta) {
		keep_argv(s, h->meta->argv, h->meta->n_argv);
		if (h->meta->cols > 0 && h->meta->cols < 10000 && h->meta->rows > 0 &&
		    h->meta->rows < 10000) {
			s->cols = h->meta->cols;
			s->rows = h->meta->rows;
		}
	} else {
		keep_argv(s, NULL, 0);
	}
	struct store_session ss = {s->id, s->op, s->host, s->argv_json, NULL, s->uid};
	if (start_log(b, s, h->meta, &err) < 0 ||
	    (ss.log = s->log, store_session_start(b->store, &ss, &err)) < 0) {
		broker_log("cannot start the log of a session of %s: %s", c->account, err.msg);
		if (s->rec)
			recorder_finish(s->rec, &(struct session_result){.reason = "record-failed"},
					&err);
		free_live(b, s);
		return refuse(c, "escortd cannot record the session");
	}
	s->conn = c;
	c->session = s;
	c->role = CONN_SESSION;
	broker_log("session %s of %s started (log %s)", s->id, s->op, s->log);
	welcome(c, s, NULL);
}

/* A session whose broker restarted: its log is recovered and continued. */
static struct live_session *revive(struct conn *c, const char *id)
{
	struct broker *b = c->b;
	char op[64], log[PATH_MAX];
	unsigned uid;
	uint64_t acked;
	struct error err;

	if (strlen(id) >= sizeof(((struct live_session *)0)->id) ||
	    store_session_find(b->store, id, op, sizeof(op), &uid, &acked, log, sizeof(log)) < 0 ||
	    uid != c->uid)
		return NULL;
	struct live_session *s = new_live(b, op, uid);
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->log, sizeof(s->log), "%s", log);
	keep_argv(s, NULL, 0);
	s->rec = recorder_resume(log, &b->keys, &err);
	if (s->rec == NULL) {
		broker_log("cannot continue the log %s: %s", log, err.msg);
		free_live(b, s);
		return NULL;
	}
	s->acked = s->received = acked;
	broker_log("session %s of %s continues after a restart (from record %llu)", id, op,
		   (unsigned long long)acked);
	return s;
}

static void resume_session(struct conn *c, const char *id)
{
	struct live_session *s = session_find(c->b, id);
	struct store_lock lock;
	char why[800];

	if (store_locked(c->b->store, c->account, &lock)) {
		snprintf(why, sizeof(why), "%s is locked by %s: %s", c->account, lock.by,
			 lock.reason);
		return refuse(c, why);
	}
	if (s == NULL)
		s = revive(c, id);
	if (s == NULL || s->uid != c->uid || s->conn != NULL)
		return refuse(c, "there is no such session to continue");
	s->conn = c;
	c->session = s;
	c->role = CONN_SESSION;
	s->n_marks = 0;
	welcome(c, s, NULL);
}

void session_hello(struct conn *c, const Escort__Hello *h)
{
	if (h->resume_session[0])
		resume_session(c, h->resume_session);
	else
		new_session(c, h);
}

static int streamable(uint32_t type)
{
	return type == REC_INPUT || type == REC_OUTPUT || type == REC_WINDOW || type == REC_EXEC ||
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
	if (r->seq != s->received + 1 || !streamable(r->type)) {
		conn_finish(c, "a record out of order or of a type a session host may not send");
		return;
	}
	s->received = r->seq;
	if (r->type == REC_INPUT)
		rc = recorder_input(s->rec, r->payload.data, r->payload.len, &err);
	else if (r->type == REC_OUTPUT) {
		rc = recorder_output(s->rec, r->payload.data, r->payload.len, &err);
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

static void finish_live(struct broker *b, struct live_session *s, const struct session_result *r)
{
	struct error err;

	pending_drop_session(b, s, "the session ended");
	if (recorder_finish(s->rec, r, &err) < 0)
		broker_log("session %s: the end was not recorded: %s", s->id, err.msg);
	if (store_session_end(b->store, s->id, r->reason, &err) < 0)
		broker_log("%s", err.msg);
	console_screen(b, s, NULL, 0, 1);
	broker_log("session %s of %s ended (%s)", s->id, s->op, r->reason);
	free_live(b, s);
}

void session_end(struct conn *c, const Escort__SessionEnd *e)
{
	struct live_session *s = c->session;
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
	uint64_t last = s->received;

	c->session = NULL;
	c->role = CONN_CONSOLE; /* nothing more from it but a goodbye */
	finish_live(c->b, s, &r);
	/* Everything is durable now: recorder_finish waited for it. */
	send_ack(c, last, 1);
	conn_finish(c, NULL);
}

void session_gone(struct conn *c)
{
	struct live_session *s = c->session;

	if (s == NULL)
		return;
	s->conn = NULL;
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
			finish_live(b, s, &r);
		}
	}
}

void session_note(struct live_session *s, uint16_t type, const struct buf *payload)
{
	struct error err;

	if (recorder_event(s->rec, type, payload->data, payload->len, 1, &err) < 0)
		broker_log("session %s: %s", s->id, err.msg);
}

void session_terminate(struct live_session *s, const char *reason)
{
	Escort__Terminate t = ESCORT__TERMINATE__INIT;
	Frame f = ESCORT__FRAME__INIT;

	if (s->conn == NULL)
		return;
	t.reason = (char *)reason;
	f.body_case = ESCORT__FRAME__BODY_TERMINATE;
	f.terminate = &t;
	conn_send(s->conn, &f);
}
