/* A session host says hello: who may start a session, a new session's log
 * created, or the log of a session whose broker restarted recovered and
 * continued. Creating and recovering a log syncs the disk, so both run on
 * the worker thread (jobs.c); the connection waits in CONN_OPENING and is
 * welcomed when the log is ready. */
#include "broker.h"

#include "util/json.h"
#include "util/xmalloc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SESSIONS_PER_ACCOUNT 64

static void welcome(struct conn *c, const struct live_session *s, const char *refusal)
{
	Escort__Welcome w = ESCORT__WELCOME__INIT;
	Escort__PolicyTable table = ESCORT__POLICY_TABLE__INIT;
	Frame f = ESCORT__FRAME__INIT;
	Escort__Action actions[LEVEL_COUNT];
	Escort__Action rule_actions[64];
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
			actions[l] = (Escort__Action)offline[l];
		table.n_actions = LEVEL_COUNT;
		table.actions = actions;
		for (size_t i = 0; i < c->b->cfg.n_rules && i < 64; i++) {
			rules[i] = c->b->cfg.rules[i].rule;
			rule_actions[i] = (Escort__Action)c->b->cfg.rules[i].action;
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

/* Refuses a locked account; returns 1 when it did. */
static int refuse_locked(struct conn *c)
{
	struct store_lock lock;
	char why[800];

	if (!store_locked(c->b->store, c->account, &lock))
		return 0;
	snprintf(why, sizeof(why), "%s is locked by %s: %s", c->account, lock.by, lock.reason);
	refuse(c, why);
	return 1;
}

static unsigned count_of(const struct live_session *list, const char *op)
{
	unsigned n = 0;

	for (; list; list = list->next)
		n += strcmp(list->op, op) == 0;
	return n;
}

/* One account cannot fill escortd with sessions (each holds a log, its
 * writer thread and descriptors, for 10 minutes once its host is away). */
static int refuse_too_many(struct conn *c)
{
	unsigned n = count_of(c->b->sessions, c->account) + count_of(c->b->opening, c->account);
	char why[200];

	if (n < SESSIONS_PER_ACCOUNT)
		return 0;
	snprintf(why, sizeof(why), "%s has %u sessions already: end some first", c->account, n);
	refuse(c, why);
	return 1;
}

/* A session on c's host: the certificate's name for an enrolled host, else
 * escortd's own. */
static struct live_session *new_live(const struct conn *c, const char *op, uid_t uid)
{
	struct live_session *s = xcalloc(1, sizeof(*s));
	char host[256];

	snprintf(s->op, sizeof(s->op), "%s", op);
	s->uid = uid;
	s->remote = c->tls;
	if (c->tls)
		snprintf(host, sizeof(host), "%s", c->host);
	else if (gethostname(host, sizeof(host)) < 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	snprintf(s->host, sizeof(s->host), "%s", host);
	s->started = time(NULL);
	s->cols = 80;
	s->rows = 24;
	return s;
}

/* What a session runs, as consoles list it: at most 64 arguments of at most
 * 1 KiB each (the session's log has them all). */
#define ARGV_SHOWN 64
#define ARG_SHOWN 1024

static void keep_argv(struct live_session *s, char **argv, size_t n)
{
	struct buf j = {0};

	if (n > ARGV_SHOWN)
		n = ARGV_SHOWN;
	s->argv = xcalloc(n + 1, sizeof(char *));
	buf_putc(&j, '[');
	for (size_t i = 0; i < n; i++) {
		s->argv[i] = xstrndup(argv[i], ARG_SHOWN);
		if (i)
			buf_putc(&j, ',');
		json_append_cstr(&j, s->argv[i]);
	}
	buf_putc(&j, ']');
	s->argc = n;
	s->argv_json = xstrdup(buf_cstr(&j));
	buf_free(&j);
}

/* What the worker needs: copies, since the Hello is gone once it runs. */
struct open_job {
	struct live_session *s;
	struct recorder_options keys; /* the broker's, and where its checkpoints are kept */
	char notes[PATH_MAX];
	int resume;
	char *tty, *pty, *term, *origin, *ssh_connection, *ssh_original_command;
	char **argv; /* all of it, for the log's session-start record */
	size_t argc;
	char host_log[800]; /* what the host said of its own log */
	struct recorder *rec;
	struct error err;
};

static char *copy_or_null(const char *text)
{
	return text && text[0] ? xstrdup(text) : NULL;
}

static void free_open_job(struct open_job *j)
{
	free(j->tty);
	free(j->pty);
	free(j->term);
	free(j->origin);
	free(j->ssh_connection);
	free(j->ssh_original_command);
	for (size_t i = 0; i < j->argc; i++)
		free(j->argv[i]);
	free(j->argv);
	free(j);
}

static void open_work(void *arg)
{
	static char *no_argv[] = {NULL};
	struct open_job *j = arg;
	struct live_session *s = j->s;
	struct session_meta meta = {
	    .user = s->op,
	    .uid = s->uid,
	    .host = s->host,
	    .tty = j->tty,
	    .pty = j->pty,
	    .term = j->term,
	    .origin = j->origin ? j->origin : "command",
	    .argv = j->argv   ? j->argv
		    : s->argv ? s->argv
			      : no_argv,
	    .ssh_connection = j->ssh_connection,
	    .ssh_original_command = j->ssh_original_command,
	    .cols = s->cols,
	    .rows = s->rows,
	    .host_log = j->host_log,
	};

	if (j->resume)
		j->rec = recorder_resume(s->log, &j->keys, &j->err);
	else
		j->rec = recorder_start(s->log, &meta, &j->keys, &j->err);
}

/* Said in escortd's log at the start of every session whose host has no
 * signing key or does not seal (host-log.c). */
static void warn_host_log(const struct live_session *s)
{
	char buf[800];
	const char *w = host_log_warning(&s->host_log, buf, sizeof(buf));

	if (w)
		broker_log("WARNING: session %s of %s: %s", s->id, s->op, w);
}

/* The log is open: the session joins the live ones and is welcomed, unless
 * its host left or its operator was locked meanwhile. */
static void go_live(struct broker *b, struct live_session *s, int resume)
{
	struct conn *c = s->conn;
	struct store_session ss = {s->id, s->op, s->host, s->argv_json, s->log, s->uid};
	struct error err;

	s->next = b->sessions;
	b->sessions = s;
	if (!resume && store_session_start(b->store, &ss, &err) < 0) {
		broker_log("cannot record the start of session %s: %s", s->id, err.msg);
		if (c)
			refuse(c, "escortd cannot record the session");
		return session_finish(b, s, &(struct session_result){.reason = "record-failed"}, 0);
	}
	if (c == NULL && resume) {
		/* Its host left while the log was recovered: away, as before the
		 * restart, so that it can come back. */
		s->away_since = time(NULL);
		return;
	}
	if (c == NULL)
		return session_finish(
		    b, s,
		    &(struct session_result){.exit_status = -1, .reason = "session-host-gone"}, 0);
	if (refuse_locked(c)) {
		s->conn = NULL;
		c->session = NULL;
		return session_finish(b, s, &(struct session_result){.reason = "locked"}, 0);
	}
	c->state = CONN_SESSION;
	broker_log("session %s of %s%s%s %s (log %s)", s->id, s->op, s->remote ? " on host " : "",
		   s->remote ? s->host : "", resume ? "continues after a restart" : "started",
		   s->log);
	warn_host_log(s);
	welcome(c, s, NULL);
}

static void open_done(struct broker *b, void *arg)
{
	struct open_job *j = arg;
	struct live_session *s = j->s;

	unlink_from(&b->opening, s);
	if (j->rec == NULL) {
		broker_log("cannot %s the log %s of %s: %s", j->resume ? "continue" : "start",
			   s->log, s->op, j->err.msg);
		if (j->err.code == ERR_SEALED) { /* it ended before escortd stopped */
			(void)store_session_end(b->store, s->id, "exit", &j->err);
			b->sessions_ended++;
		}
		if (s->conn) {
			s->conn->session = NULL;
			refuse(s->conn, j->resume ? "there is no such session to continue"
						  : "escortd cannot record the session");
		}
		session_free(s);
	} else {
		s->rec = j->rec;
		go_live(b, s, j->resume);
	}
	free_open_job(j);
}

/* Hands s to the worker; c waits in CONN_OPENING. */
static void open_log(struct conn *c, struct live_session *s, struct open_job *j)
{
	j->s = s;
	j->keys = c->b->keys;
	kept_checkpoints_path(c->b, s, j->notes, sizeof(j->notes));
	j->keys.notes_path = j->notes;
	s->conn = c;
	c->session = s;
	c->state = CONN_OPENING;
	s->next = c->b->opening;
	c->b->opening = s;
	jobs_submit(c->b, open_work, open_done, j);
}

static void take_meta(struct live_session *s, struct open_job *j, const Escort__SessionMeta *m)
{
	if (m == NULL)
		return keep_argv(s, NULL, 0);
	keep_argv(s, m->argv, m->n_argv);
	j->argv = xcalloc(m->n_argv + 1, sizeof(char *));
	for (j->argc = 0; j->argc < m->n_argv; j->argc++)
		j->argv[j->argc] = xstrdup(m->argv[j->argc]);
	if (m->cols > 0 && m->cols < 10000 && m->rows > 0 && m->rows < 10000) {
		s->cols = m->cols;
		s->rows = m->rows;
	}
	j->tty = copy_or_null(m->tty);
	j->pty = copy_or_null(m->pty);
	j->term = copy_or_null(m->term);
	j->origin = copy_or_null(m->origin);
	j->ssh_connection = copy_or_null(m->ssh_connection);
	j->ssh_original_command = copy_or_null(m->ssh_original_command);
}

/* host_signing: required refuses a session host without a signing key. */
static int refuse_unsigned(struct conn *c, const Escort__Hello *h)
{
	struct host_log hl;
	char why[800];
	const char *refusal;

	host_log_take(&hl, h->meta, &c->b->cfg);
	refusal = host_log_refusal(&c->b->cfg, &hl, why, sizeof(why));
	if (refusal == NULL)
		return 0;
	broker_log("refused a session of %s: %s", c->account, refusal);
	refuse(c, refusal);
	return 1;
}

static void new_session(struct conn *c, const Escort__Hello *h)
{
	struct broker *b = c->b;
	struct open_job *j;
	uint8_t raw[8];
	char why[800];

	if (!may_operate(&b->cfg, c->account)) {
		snprintf(why, sizeof(why), "%s is not an operator in escortd's configuration",
			 c->account);
		return refuse(c, why);
	}
	if (refuse_locked(c) || refuse_too_many(c) || refuse_unsigned(c, h))
		return;
	struct live_session *s = new_live(c, c->account, c->uid);
	j = xcalloc(1, sizeof(*j));
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(s->id, sizeof(s->id), raw, sizeof(raw));
	snprintf(s->log, sizeof(s->log), "%s/logs/%s.log", b->state_dir, s->id);
	take_meta(s, j, h->meta);
	host_log_take(&s->host_log, h->meta, &b->cfg);
	host_log_summary(&s->host_log, j->host_log, sizeof(j->host_log));
	open_log(c, s, j);
}

static struct live_session *find_in(struct live_session *list, const char *id)
{
	for (struct live_session *s = list; s; s = s->next)
		if (strcmp(s->id, id) == 0)
			return s;
	return NULL;
}

/* A session whose broker restarted: its log is recovered and continued. */
static int revive(struct conn *c, const char *id, const Escort__SessionMeta *meta)
{
	struct broker *b = c->b;
	char op[64], log[PATH_MAX], host[256];
	unsigned uid;
	uint64_t acked;

	if (strlen(id) >= sizeof(((struct live_session *)0)->id) || find_in(b->opening, id) ||
	    find_in(b->closing, id) ||
	    store_session_find(b->store, id, op, sizeof(op), &uid, &acked, log, sizeof(log), host,
			       sizeof(host)) < 0 ||
	    uid != c->uid || strcmp(op, c->account) != 0 || (c->tls && strcmp(host, c->host) != 0))
		return -1;
	struct live_session *s = new_live(c, op, uid);
	struct open_job *j = xcalloc(1, sizeof(*j));
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->log, sizeof(s->log), "%s", log);
	keep_argv(s, NULL, 0);
	host_log_take(&s->host_log, meta, &b->cfg);
	s->acked = s->received = acked;
	j->resume = 1;
	open_log(c, s, j);
	return 0;
}

/* Only the host and account a session started from may continue it: an
 * enrolled host only its own sessions, whatever account it claims. */
static int same_origin(const struct live_session *s, const struct conn *c)
{
	if (s->remote != c->tls || s->uid != c->uid || strcmp(s->op, c->account) != 0)
		return 0;
	return !c->tls || strcmp(s->host, c->host) == 0;
}

/* An enrolled host back on a new connection while escortd still holds its
 * old one (a network link fails without a word): the old one is gone.
 * On the Unix socket the kernel says when a peer leaves: never taken over. */
static int take_over(struct live_session *s, struct conn *c)
{
	struct conn *old = s->conn;

	if (!c->tls || !old->tls || old->state != CONN_SESSION)
		return 0;
	session_gone(old);
	conn_drop(old, "its host is back on another connection");
	return 1;
}

static void resume_session(struct conn *c, const char *id, const Escort__SessionMeta *meta)
{
	struct live_session *s = session_find(c->b, id);

	if (refuse_locked(c))
		return;
	if (s == NULL) {
		if (revive(c, id, meta) < 0)
			refuse(c, "there is no such session to continue");
		return;
	}
	if (!same_origin(s, c))
		return refuse(c, "there is no such session to continue");
	if (s->conn != NULL && !take_over(s, c))
		return refuse(c, "there is no such session to continue");
	s->conn = c;
	c->session = s;
	c->state = CONN_SESSION;
	s->n_marks = 0;
	broker_log("the session host of %s is back", s->id);
	welcome(c, s, NULL);
}

void session_hello(struct conn *c, const Escort__Hello *h)
{
	if (h->resume_session[0])
		resume_session(c, h->resume_session, h->meta);
	else
		new_session(c, h);
}
