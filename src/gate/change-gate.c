/* Changes to files, trapped by the filter (change-calls.c): read with the
 * gate's rights, resolved and done with the process's (caller-creds.h),
 * rated by the rules about changes, decided by the policy's table, and when
 * an escort must decide, held until escortd answers — the kernel keeps the
 * call waiting, and what was resolved is what is done after the approval. */
#include "gate-internal.h"

#include "change-do.h"
#include "change-read.h"
#include "change-record.h"
#include "session-pipes.h"
#include "session-terminals.h"
#include "util/visible.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int change_gate_own_file(void *ctx, const char *path)
{
	return ctx != NULL && own_files_contains(ctx, path);
}

int change_gate_holds_own_files(void *ctx, const char *path)
{
	return ctx != NULL && own_files_within(ctx, path);
}

static uint64_t monotonic_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

/* Whether the change may create a file (the process's umask applies). */
static int creates(const struct change *c)
{
	return (c->open_flags & O_CREAT) || c->kind == CHANGE_CREATE || c->kind == CHANGE_MKDIR ||
	       c->kind == CHANGE_MKNOD || (c->open_flags & O_TMPFILE) == O_TMPFILE;
}

static int session_root_open(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
	return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

int gate_session_root(struct gate *g, pid_t pid)
{
	if (g->session_root < 0) /* the same for every process of the session */
		g->session_root = session_root_open(pid);
	return g->session_root;
}

struct held_change {
	uint64_t ask_id;
	uint64_t notif_id; /* the trapped call, answered when the escort has */
	pid_t pid;
	struct change c; /* what was resolved is what is done */
	struct creds who;
	int level;
	int announced;
	struct held_change *next;
};

static int only_scratch(const struct risk_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->findings[i].rule, "changes.scratch") != 0)
			return 0;
	return r->n > 0 || r->level == LEVEL_INFO;
}

static void tell_line(struct gate *g, const char *what, const char *line, const char *detail)
{
	struct buf b = {0};

	buf_printf(&b, "%sescort: %s: ", g->cfg.message_crlf ? "\r" : "", what);
	visible_append(&b, line, strlen(line));
	gate_message_end(g, &b, detail);
}

/* "escort: refused: Empties /srv/app/data.db -- why" */
static void tell(struct gate *g, const char *what, const struct change *c, const char *detail)
{
	struct buf b = {0};
	char plain[PATH_MAX + 64];

	change_plain(c, plain, sizeof(plain));
	buf_printf(&b, "%sescort: %s: ", g->cfg.message_crlf ? "\r" : "", what);
	visible_append(&b, plain, strlen(plain));
	gate_message_end(g, &b, detail);
}

static void refuse_change(struct gate *g, uint64_t id, pid_t pid, const struct change *c,
			  const char *summary, const struct verdict *v)
{
	char what[PATH_MAX + 64], detail[1400];

	g->counters.changes_denied++;
	if (change_is_network(c)) { /* the call and its address, then what it would do */
		change_describe(c, what, sizeof(what));
		snprintf(detail, sizeof(detail), "%s (%s)", summary ? summary : "", v->reason);
		if (pid != g->last_change_pid ||
		    strncmp(what, g->last_change, sizeof(g->last_change) - 1) ||
		    monotonic_ms() - g->last_change_ms > 250)
			tell_line(g, "refused", what, detail);
		g->last_change_pid = pid;
		g->last_change_ms = monotonic_ms();
		memcpy(g->last_change, what, sizeof(g->last_change) - 1);
		gate_respond(g, id, EPERM);
		return;
	}
	change_plain(c, what, sizeof(what));
	/* One line for a program retrying the same change at once, not for
	 * the same change typed again. */
	if (pid != g->last_change_pid ||
	    strncmp(what, g->last_change, sizeof(g->last_change) - 1) ||
	    monotonic_ms() - g->last_change_ms > 250) {
		g->last_change_pid = pid;
		g->last_change_ms = monotonic_ms();
		memcpy(g->last_change, what, sizeof(g->last_change) - 1);
		snprintf(detail, sizeof(detail), "%s. %s", v->reason, summary ? summary : "");
		tell(g, "refused", c, detail);
	}
	gate_respond(g, id, EPERM);
}

/* A FIFO opened for writing before it has a reader: the kernel would wait,
 * the gate cannot (it is the session host's event loop) and must not give
 * the path back to the kernel (another thread, or a process sharing the page
 * or writing it with process_vm_writev, could swap it for a protected file
 * after the gate looked). The very FIFO it resolved is tried again every
 * HELD_WATCH_MS with the caller's rights until a reader comes, the process
 * gives up (a signal, its end) or the session ends. */
struct fifo_wait {
	uint64_t notif_id;
	int object; /* the FIFO (O_PATH) */
	int open_flags;
	struct creds who;
	struct fifo_wait *next;
};

#define FIFO_WAITS_MAX 64 /* each holds a descriptor of the session host's */

static void fifo_wait_add(struct gate *g, uint64_t id, const struct change *c,
			  const struct creds *who)
{
	struct fifo_wait *f;
	int object, n = 0;

	for (f = g->fifo_waits; f; f = f->next)
		n++;
	if (n >= FIFO_WAITS_MAX) { /* as for an O_NONBLOCK open */
		gate_respond(g, id, ENXIO);
		return;
	}
	object = fcntl(c->path.object, F_DUPFD_CLOEXEC, 0);
	if (object < 0) {
		gate_respond(g, id, errno);
		return;
	}
	f = xcalloc(1, sizeof(*f));
	*f = (struct fifo_wait){id, object, c->open_flags, *who, g->fifo_waits};
	g->fifo_waits = f;
	held_watch_arm(g->watch);
}

/* Tries each waiting FIFO again: 1 while some still wait. */
static int fifo_waits_again(struct gate *g)
{
	for (struct fifo_wait **at = &g->fifo_waits, *f; (f = *at) != NULL;) {
		enum change_done done = DONE_WAIT;
		int result = 0;
		if (seccomp_notify_id_valid(g->cfg.listener, f->notif_id) != 0) {
			done = DONE_ANSWERED; /* gave up: the kernel already failed it */
		} else if (creds_take(&g->self, &f->who, 0) < 0) {
			done = DONE_RESULT;
			result = -EPERM;
		} else {
			done = change_do_fifo_again(g->cfg.listener, f->notif_id, f->object,
						    f->open_flags, &result);
			creds_restore(&g->self, &f->who);
		}
		if (done == DONE_WAIT) {
			at = &f->next;
			continue;
		}
		if (done == DONE_RESULT)
			gate_respond_result(g, f->notif_id, result);
		*at = f->next;
		close(f->object);
		free(f);
	}
	return g->fifo_waits != NULL;
}

static void fifo_waits_end(struct gate *g)
{
	while (g->fifo_waits) {
		struct fifo_wait *f = g->fifo_waits;
		g->fifo_waits = f->next;
		gate_respond(g, f->notif_id, EINTR);
		close(f->object);
		free(f);
	}
}

static void allow_change(struct gate *g, uint64_t id, pid_t pid, const struct change *c,
			 const struct creds *who)
{
	int result = 0;

	if (change_is_network(c)) {
		if (c->has_address)
			gate_network_call(g, pid, id, c->net_call, c->net_args, &c->address, 1);
		else
			gate_respond(g, id, 0);
		return;
	}
	switch (change_do(g->cfg.listener, id, c, &result)) {
	case DONE_ANSWERED:
		break;
	case DONE_RESULT:
		if (c->kind == CHANGE_LINK && result >= 0 && c->path.object >= 0)
			link_names_add(g->links, &c->path.st, c->path.path);
		gate_respond_result(g, id, result);
		break;
	case DONE_WAIT: /* a FIFO without a reader yet */
		fifo_wait_add(g, id, c, who);
		break;
	}
	if (g->cfg.changed)
		g->cfg.changed(g->cfg.changed_ctx, pid, c->kind, c->path.path, c->path2.path);
}

/* A folder an escort approved for this process's tree covers the change
 * (every path it touches). */
static int path_approved(struct gate *g, const struct change *c, int level, struct verdict *v)
{
	uint64_t by = 0, by2 = 0;
	pid_t pid = (pid_t)g->notif->pid;

	if (!path_grants_cover(g->paths, pid, c->path.path[0] ? c->path.path : c->path2.path, level,
			       &by))
		return 0;
	if (c->path2.path[0] && !path_grants_cover(g->paths, pid, c->path2.path, level, &by2))
		return 0;
	v->action = GATE_ALLOW;
	v->scope = SCOPE_PATH;
	snprintf(v->by, sizeof(v->by), "escort");
	snprintf(v->reason, sizeof(v->reason), "inside the folder approved with item %llu",
		 (unsigned long long)by);
	return 1;
}

static void verdict_for(struct gate *g, const struct change *c, const struct risk_report *r,
			struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	snprintf(v->by, sizeof(v->by), "%s", g->cfg.policy->name);
	if (g->ended) {
		v->action = GATE_DENY;
		snprintf(v->reason, sizeof(v->reason),
			 "the session has ended: nothing more changes");
		return;
	}
	v->action = g->cfg.policy->change_action(g->cfg.policy, r, v->reason, sizeof(v->reason));
	if (v->action != GATE_ALLOW)
		path_approved(g, c, r->level, v);
}

/* Kept until the escort answers; the call waits in the kernel. -1 with v
 * made a refusal when nobody can be asked. */
static int hold_change(struct gate *g, uint64_t id, struct change *c, const struct creds *who,
		       const struct risk_report *r, struct verdict *v)
{
	struct held_change *h;
	struct change_facts f = {c, (pid_t)g->notif->pid, r};
	char detail[1400];

	if (g->cfg.policy->ask_change(g->cfg.policy, &f, id, gate_answer, g, v) < 0)
		return -1;
	/* The call waits either way; the answer is recorded too. */
	(void)change_record(g->cfg.rec, id, f.pid, c, r, &(struct verdict){.action = GATE_ASK});
	h = xcalloc(1, sizeof(*h));
	*h = (struct held_change){id, g->notif->id, f.pid, *c, *who, r->level, 0, g->held_changes};
	change_forget(c); /* its descriptors are the held item's now */
	g->held_changes = h;
	held_watch_arm(g->watch);
	if (g->cfg.policy->asks_everything)
		return 0; /* told when escortd says a person decides */
	snprintf(detail, sizeof(detail), "waiting for an escort to approve it (%s)",
		 r->summary ? r->summary : "");
	h->announced = 1;
	tell(g, "held", &h->c, detail);
	return 0;
}

/* The session host's own terminal or pipes, reached by name (/dev/pts/N:
 * the operator owns the terminal sshd gave them) or through /proc/HOST/fd:
 * what is written there reaches the operator without being recorded. */
static int host_stream(const struct gate *g, const struct walked *w)
{
	if (w->object < 0)
		return 0;
	for (int i = 0; i < g->nstreams; i++) {
		const struct stat *s = &g->streams[i];
		if (S_ISREG(s->st_mode) || S_ISDIR(s->st_mode))
			continue; /* a file given as input or output: rated by its path */
		if ((s->st_dev == w->st.st_dev && s->st_ino == w->st.st_ino) ||
		    (S_ISCHR(s->st_mode) && S_ISCHR(w->st.st_mode) && s->st_rdev == w->st.st_rdev))
			return 1;
	}
	return 0;
}

static void rate_host_streams(const struct gate *g, const struct change *c, struct risk_report *r)
{
	char text[PATH_MAX + 128];

	if (!host_stream(g, &c->path) && !host_stream(g, &c->path2))
		return;
	snprintf(text, sizeof(text),
		 "Writes to %s, the session host's own terminal or output, around the recording.",
		 c->path.path);
	risk_report_add(r, "escort-own-stream", LEVEL_CRITICAL, text,
			"what reaches the operator that way is never recorded",
			"Why would a session write past its own recording?", "T1562.001");
	risk_report_finish(r);
}

/* Another login's terminal (root may open any): what is written there
 * looks, to whoever uses it, like their own programs' output — a fake prompt,
 * a retitled window, a repainted `escort watch`. The session's own terminal
 * and those its processes created are scratch. */
static void rate_other_terminals(const struct gate *g, const struct change *c,
				 struct risk_report *r)
{
	char text[PATH_MAX + 160];
	int index = c->path.object >= 0 ? session_terminal_index(&c->path.st) : -1;

	if (index < 0 || index == g->session_pts || session_terminal_created(g->cfg.first, index))
		return;
	snprintf(text, sizeof(text),
		 "Writes to %s, the terminal of another login on this machine: what appears there "
		 "looks like that person's own programs.",
		 c->path.path);
	risk_report_add(r, "other-terminal", LEVEL_HIGH, text,
			"another person's screen can be shown false prompts, approvals or "
			"commands",
			"Whose terminal is it, and why write to it?", "T1056");
	risk_report_finish(r);
}

/* A pipe no process of the session holds, reached through another
 * process's /proc/PID/fd/N: what is written there, that process reads as its
 * own input (commands for another login's shell, a service's requests). */
static void rate_other_pipes(const struct gate *g, const struct change *c, struct risk_report *r)
{
	const struct walked *w = &c->path;
	char text[PATH_MAX + 160];

	if (w->object < 0 || !w->magic || w->path[0] == '/' || !S_ISFIFO(w->st.st_mode) ||
	    session_pipe_held(g->cfg.first, (pid_t)g->notif->pid, &w->st))
		return;
	snprintf(text, sizeof(text),
		 "Writes into %s, a pipe of a program that is not part of this session: it reads "
		 "what is written there as its own input.",
		 w->path);
	risk_report_add(r, "other-program-pipe", LEVEL_HIGH, text,
			"another program (another login's shell, a service) can be fed commands "
			"or data it did not ask for",
			"Whose pipe is it, and why write into it?", "T1059");
	risk_report_finish(r);
}

/* r: already rated (a connection), or NULL to rate the change here. */
static void decide_change(struct gate *g, struct change *c, const struct creds *who,
			  struct risk_report *rated)
{
	struct risk_report r;
	struct verdict v;
	uint64_t id = ++g->next_id;

	if (rated)
		r = *rated;
	else
		change_rate(&g->rater, c, who, &r);
	if (!rated) {
		rate_host_streams(g, c, &r);
		rate_other_terminals(g, c, &r);
		rate_other_pipes(g, c, &r);
	}
	verdict_for(g, c, &r, &v);
	if (v.action == GATE_ASK && hold_change(g, id, c, who, &r, &v) == 0) {
		risk_report_free(&r);
		return;
	}
	if (v.action == GATE_ALLOW && only_scratch(&r)) {
		g->counters.changes_scratch++;
	} else if (change_record(g->cfg.rec, id, (pid_t)g->notif->pid, c, &r, &v) < 0) {
		v.action = GATE_DENY;
		snprintf(v.reason, sizeof(v.reason), "the session log cannot be written");
	}
	if (v.action == GATE_ALLOW)
		allow_change(g, g->notif->id, (pid_t)g->notif->pid, c, who);
	else
		refuse_change(g, g->notif->id, (pid_t)g->notif->pid, c,
			      change_is_network(c) && r.n ? r.findings[0].explain : r.summary, &v);
	risk_report_free(&r);
}

/* A call that changes files: read and resolved with the process's own
 * rights, rated, decided, and if allowed done by the gate on what it
 * resolved. */
void change_gate_handle(struct gate *g, const struct change_call *call)
{
	struct creds who;
	struct change c;
	int rc;

	g->counters.changes++;
	if (creds_cache_get(g->creds, (pid_t)g->notif->pid, &who) < 0)
		return; /* gone */
	rc = change_read(g->notif, call, gate_session_root(g, (pid_t)g->notif->pid), &c);
	if (seccomp_notify_id_valid(g->cfg.listener, g->notif->id) != 0) {
		change_free(&c); /* what was read may not have been the caller's */
		return;
	}
	if (rc == 0 &&
	    (!creds_can_take(&g->self, &who) || creds_take(&g->self, &who, creates(&c)) < 0)) {
		change_free(&c);
		gate_respond(g, g->notif->id, EPERM);
		return;
	}
	if (rc == 0) {
		if ((rc = change_resolve(&c)) == 0)
			decide_change(g, &c, &who, NULL);
		creds_restore(&g->self, &who);
	}
	if (rc < 0)
		gate_respond_result(g, g->notif->id, rc);
	change_free(&c);
}

static struct held_change *take(struct gate *g, uint64_t ask_id)
{
	for (struct held_change **h = &g->held_changes; *h; h = &(*h)->next)
		if ((*h)->ask_id == ask_id) {
			struct held_change *found = *h;
			*h = found->next;
			return found;
		}
	return NULL;
}

static void held_free(struct held_change *h)
{
	change_free(&h->c);
	free(h);
}

/* Approved: done now, with the process's rights, on what was resolved
 * when it was asked; a path approval covers what the tree does next. */
static void approved(struct gate *g, struct held_change *h, const struct verdict *v)
{
	struct risk_report none = {.level = h->level};

	change_record(g->cfg.rec, h->ask_id, h->pid, &h->c, &none, v);
	if (v->scope == SCOPE_PATH &&
	    path_grants_add(g->paths, h->pid, v->path, h->level, h->ask_id) < 0)
		tell(g, "note", &h->c, "the folder approval could not be kept: only this change");
	if (h->announced)
		tell(g, "approved", &h->c, v->by);
	if (change_is_network(&h->c)) {
		allow_change(g, h->notif_id, h->pid, &h->c, &h->who);
		return;
	}
	if (creds_take(&g->self, &h->who, creates(&h->c)) < 0) {
		gate_respond(g, h->notif_id, EPERM);
		return;
	}
	allow_change(g, h->notif_id, h->pid, &h->c, &h->who);
	creds_restore(&g->self, &h->who);
}

int change_gate_answer(struct gate *g, uint64_t ask_id, const struct verdict *v)
{
	struct held_change *h = take(g, ask_id);
	struct verdict gone = *v;
	struct risk_report none = {0};

	if (h == NULL)
		return 0;
	none.level = h->level;
	if (seccomp_notify_id_valid(g->cfg.listener, h->notif_id) != 0) {
		gone.action = GATE_DENY;
		snprintf(gone.reason, sizeof(gone.reason), "the process ended while it waited");
		change_record(g->cfg.rec, h->ask_id, h->pid, &h->c, &none, &gone);
	} else if (v->action == GATE_ALLOW && !g->ended) {
		approved(g, h, v);
	} else {
		change_record(g->cfg.rec, h->ask_id, h->pid, &h->c, &none, v);
		refuse_change(g, h->notif_id, h->pid, &h->c, "", v);
	}
	held_free(h);
	return 1;
}

void change_gate_waiting(struct gate *g, uint64_t ask_id, const char *detail)
{
	for (struct held_change *h = g->held_changes; h; h = h->next)
		if (h->ask_id == ask_id && !h->announced) {
			h->announced = 1;
			g->counters.held++;
			tell(g, "held", &h->c, detail);
		}
}

static void withdraw(struct gate *g, struct held_change *h, const char *by, const char *why)
{
	struct verdict v = {.action = GATE_DENY};
	struct risk_report none = {.level = h->level};

	g->cfg.policy->cancel(g->cfg.policy, h->ask_id, why);
	snprintf(v.by, sizeof(v.by), "%s", by);
	snprintf(v.reason, sizeof(v.reason), "%s", why);
	change_record(g->cfg.rec, h->ask_id, h->pid, &h->c, &none, &v);
}

int change_gate_withdraw_given_up(struct gate *g)
{
	for (struct held_change *h = g->held_changes, *next; h; h = next) {
		next = h->next;
		if (seccomp_notify_id_valid(g->cfg.listener, h->notif_id) == 0)
			continue;
		h = take(g, h->ask_id);
		withdraw(g, h, "operator",
			 "withdrawn by the operator (the process was interrupted or ended while "
			 "it waited)");
		held_free(h);
	}
	return fifo_waits_again(g) | (g->held_changes != NULL);
}

void change_gate_end(struct gate *g, const char *why)
{
	fifo_waits_end(g);
	while (g->held_changes) {
		struct held_change *h = g->held_changes;
		g->held_changes = h->next;
		withdraw(g, h, "gate", why);
		gate_respond(g, h->notif_id, EPERM);
		held_free(h);
	}
	path_grants_clear(g->paths);
}

static enum change_kind network_kind(const char *call)
{
	if (strcmp(call, "bind") == 0)
		return CHANGE_BIND;
	return strcmp(call, "connect") == 0 ? CHANGE_CONNECT : CHANGE_SEND;
}

/* A connection, send or listener the network rules did not allow: decided
 * like a change (the policy's table; held for an escort with escortd), and
 * once allowed left to the kernel. */
void change_gate_network(struct gate *g, const struct effect *e)
{
	struct change c;
	struct creds who = {0};
	struct risk_report r = {0};
	const char *where = e->where;

	memset(&c, 0, sizeof(c));
	c.path.dir = c.path.object = c.path2.dir = c.path2.object = -1;
	c.start.root = c.start.dir = c.start2.root = c.start2.dir = -1;
	c.kind = network_kind(e->call->name);
	c.call = e->call->name;
	if (strncmp(where, "to ", 3) == 0 || strncmp(where, "on ", 3) == 0)
		where += 3;
	snprintf(c.path.path, sizeof(c.path.path), "%s", where);
	snprintf(c.text, sizeof(c.text), "%s", e->where);
	c.has_address = e->has_address;
	c.address = e->address;
	c.net_call = e->call->check;
	memcpy(c.net_args, g->notif->data.args, sizeof(c.net_args));
	(void)creds_read((pid_t)g->notif->pid, &who);
	if (c.kind == CHANGE_BIND && e->address.kind == SA_UNIX_PATH)
		risk_report_add(&r, "socket-file", e->level, e->what,
				"programs trust the service they expect at that name",
				"Which service is this program standing in for, and who will "
				"connect to it?",
				e->attack);
	else
		risk_report_add(&r, "network-destination", e->level, e->what,
				"what leaves the machine, or who can reach it, is not under "
				"escort's watch",
				"Which machine is it, and what will be sent or received?",
				e->attack);
	g->counters.changes++;
	decide_change(g, &c, &who, &r);
}
