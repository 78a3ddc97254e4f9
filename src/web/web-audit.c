/* The auditor's pages (docs/ARCHITECTURE.md, "The web console"): past
 * sessions filtered and searched, one session's timeline and verify
 * result, and its recording as asciicast for the replay. Only people whose
 * role in escortd's configuration is auditor get any of it, as on the
 * socket. Indexing, searching, verifying and exporting read the disk and
 * may take long: each request is a job on a thread of its own (two at
 * most), its answer handed back to the loop through a pipe, as web-pam.c;
 * one mutex keeps the index to one job at a time. The index keeps itself
 * current without anyone asking: when escortd has marked a session ended
 * (its count, b->sessions_ended), and once at start for logs not indexed
 * yet, a sync job indexes what has ended, on a thread too (one at a time;
 * an end meanwhile runs it again; a failed one is retried). */
#include "web.h"

#include "audit-db.h"
#include "util/json.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define AUDIT_MAX_JOBS 2
#define AUDIT_RETRY_S 5 /* a sync that failed is tried again after this long */

enum audit_what { AUDIT_LIST, AUDIT_SESSION, AUDIT_CAST, AUDIT_SYNC };

struct web_audit {
	int pipe[2];
	struct event *done;
	unsigned running; /* request jobs */
	int syncing;	  /* a sync job runs */
	int again;	  /* the sessions changed while it ran, or it failed */
	time_t retry_at;  /* after a failure: not before this */
	int primed;	  /* the first sync (catching up at start) has begun */
	uint64_t ended;	  /* escortd's count of ended sessions when it began */
};

struct audit_job {
	/* Answered even when the browser has gone: libevent then only
	 * frees it (a request still being handled is detached from its
	 * closed connection, not freed under us). NULL: a sync job. */
	struct evhttp_request *req;
	enum audit_what what;
	struct audit_filter f;
	struct signing_key key; /* escortd's public key alone */
	char state_dir[PATH_MAX / 2], web_dir[PATH_MAX / 2 + 8];
	int status; /* a sync job: 0 indexed, -1 failed */
	const char *type;
	struct buf body;
	int pipe_fd;
};

static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;

static void job_error(struct audit_job *j, const struct error *err)
{
	buf_reset(&j->body);
	j->status = err->code == ERR_FAILED ? (j->what == AUDIT_LIST ? 400 : 404) : 500;
	j->type = "application/json";
	buf_append_str(&j->body, "{\"error\":");
	json_append_cstr(&j->body, err->msg);
	buf_putc(&j->body, '}');
}

static int answer(struct audit_job *j, sqlite3 *db, struct error *err)
{
	char log[PATH_MAX];

	if (j->what == AUDIT_LIST)
		return audit_db_list(db, &j->f, &j->key, &j->body, err);
	if (j->what == AUDIT_SESSION)
		return audit_db_session(db, j->f.session, &j->key, &j->body, err);
	j->type = "application/x-asciicast";
	if (audit_db_log_path(db, j->f.session, log, sizeof(log), err) < 0)
		return -1;
	return audit_cast(log, &j->body, err);
}

static void *work(void *arg)
{
	struct audit_job *j = arg;
	struct error err = {0};
	sqlite3 *db;
	int rc;

	pthread_mutex_lock(&index_lock);
	db = audit_db_open(j->web_dir, &err);
	rc = db && audit_db_sync(db, j->state_dir, &err) == 0 &&
	     (j->what == AUDIT_SYNC || answer(j, db, &err) == 0);
	sqlite3_close(db);
	pthread_mutex_unlock(&index_lock);
	if (!rc && j->what == AUDIT_SYNC) {
		broker_log("the audit index is not current (tried again in %d s): %s",
			   AUDIT_RETRY_S, err.msg);
		j->status = -1;
	} else if (!rc)
		job_error(j, &err);
	while (write(j->pipe_fd, &j, sizeof(j)) < 0 && errno == EINTR)
		;
	return NULL;
}

static void sync_start(struct web *w);

static void on_done(evutil_socket_t fd, short what, void *arg)
{
	struct web *w = arg;
	struct audit_job *j;

	(void)what;
	while (read(fd, &j, sizeof(j)) == (ssize_t)sizeof(j)) {
		if (j->what == AUDIT_SYNC) {
			w->audit->syncing = 0;
			if (j->status < 0) {
				w->audit->again = 1;
				w->audit->retry_at = web_now() + AUDIT_RETRY_S;
			} else if (w->audit->again) {
				sync_start(w);
			}
		} else {
			w->audit->running--;
			web_send(j->req, j->status, j->type, &j->body);
		}
		buf_free(&j->body);
		free(j);
	}
}

static int audit_start(struct web *w)
{
	struct web_audit *a;

	if (w->audit)
		return 0;
	a = xcalloc(1, sizeof(*a));
	if (pipe2(a->pipe, O_CLOEXEC) < 0) {
		free(a);
		return -1;
	}
	fcntl(a->pipe[0], F_SETFL, O_NONBLOCK);
	a->done = event_new(w->b->base, a->pipe[0], EV_READ | EV_PERSIST, on_done, w);
	if (a->done == NULL || event_add(a->done, NULL) < 0) {
		close(a->pipe[0]);
		close(a->pipe[1]);
		free(a);
		return -1;
	}
	w->audit = a;
	return 0;
}

/* Jobs still running hold the pipe's write end: it stays open (escortd is
 * stopping; they end with it). */
void web_audit_stop(struct web *w)
{
	struct web_audit *a = w->audit;

	if (a == NULL)
		return;
	event_free(a->done);
	if (a->running == 0 && !a->syncing) {
		close(a->pipe[0]);
		close(a->pipe[1]);
	}
	free(a);
	w->audit = NULL;
}

static struct audit_job *job_new(struct web *w, struct evhttp_request *req, enum audit_what what)
{
	struct audit_job *j = xcalloc(1, sizeof(*j));

	j->req = req;
	j->what = what;
	j->status = 200;
	j->type = "application/json";
	j->pipe_fd = w->audit->pipe[1];
	j->key = w->b->signer;
	memset(j->key.sk, 0, sizeof(j->key.sk));
	j->key.has_secret = 0;
	snprintf(j->state_dir, sizeof(j->state_dir), "%s", w->b->state_dir);
	snprintf(j->web_dir, sizeof(j->web_dir), "%s", w->dir);
	return j;
}

static int start_thread(struct audit_job *j)
{
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, work, j);
	pthread_attr_destroy(&attr);
	return rc;
}

static void run_job(struct web *w, struct evhttp_request *req, struct audit_job *j)
{
	if (start_thread(j) != 0) {
		free(j);
		return web_error(req, 503, "cannot start a search now: try again");
	}
	w->audit->running++;
}

/* Indexes every session that has ended and is not indexed yet; a thread
 * that cannot start is tried again at the next tick, a sync that failed
 * after AUDIT_RETRY_S. */
static void sync_start(struct web *w)
{
	struct audit_job *j = job_new(w, NULL, AUDIT_SYNC);

	w->audit->again = 0;
	if (start_thread(j) != 0) {
		broker_log("the audit index: cannot start indexing now");
		free(j);
		w->audit->again = 1;
		return;
	}
	w->audit->syncing = 1;
}

/* At the first tick, and whenever escortd has marked sessions ended since
 * the last sync began (or one failed a while ago): a sync. */
void web_audit_tick(struct web *w)
{
	struct web_audit *a;

	if (audit_start(w) < 0)
		return;
	a = w->audit;
	if (a->primed && a->ended == w->b->sessions_ended &&
	    !(a->again && web_now() >= a->retry_at))
		return;
	a->primed = 1;
	a->ended = w->b->sessions_ended;
	if (a->syncing)
		a->again = 1;
	else
		sync_start(w);
}

/* The auditor role, as escortd's configuration gives it (console.c's rule). */
static int is_auditor(const struct web *w, const char *user)
{
	const struct person *p = config_person(&w->b->cfg, user);

	return p && (p->roles & ROLE_AUDITOR);
}

static void ask(struct web *w, struct evhttp_request *req, struct web_session *s,
		enum audit_what what)
{
	const char *query = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	const char *why = NULL;
	struct audit_filter f;

	if (!is_auditor(w, s->user))
		return web_error(req, 403, "only auditors may see past sessions");
	if (audit_filter_parse(&f, query ? query : "", query ? strlen(query) : 0, &why) < 0)
		return web_error(req, 400, why);
	if (what != AUDIT_LIST && f.session[0] == '\0')
		return web_error(req, 400, "id: name the session");
	if (audit_start(w) < 0 || w->audit->running >= AUDIT_MAX_JOBS)
		return web_error(req, 503, "the audit index is busy: try again");
	if (what == AUDIT_CAST)
		broker_log("web console: %s replays session %s", s->user, f.session);
	else
		broker_debug("web console: %s looks at past sessions", s->user);
	struct audit_job *j = job_new(w, req, what);
	j->f = f;
	run_job(w, req, j);
}

void web_audit_sessions(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	ask(w, req, s, AUDIT_LIST);
}

void web_audit_session(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	ask(w, req, s, AUDIT_SESSION);
}

void web_audit_cast(struct web *w, struct evhttp_request *req, struct web_session *s)
{
	ask(w, req, s, AUDIT_CAST);
}
