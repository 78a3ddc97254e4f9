#include "gate.h"
#include "gate-internal.h"

#include "caller-creds.h"
#include "change-do.h"
#include "change-rate.h"
#include "change-read.h"
#include "change-record.h"
#include "decision-cache.h"
#include "effect-record.h"
#include "exec-check.h"
#include "exec-record.h"
#include "held-watch.h"
#include "ioctl-changes.h"
#include "net-rate.h"
#include "net-unix.h"
#include "program.h"
#include "recheck.h"
#include "request.h"
#include "socket-file.h"
#include "tree-grants.h"
#include "util/buf.h"
#include "util/file-head.h"
#include "util/visible.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* What one exec came to, while it is being decided. */
struct decision {
	struct exec_request *req;
	struct program *prog;
	struct risk_report report; /* empty on the cached path */
	const struct cached_decision *cached;
	struct verdict verdict;
	uint8_t key[DECISION_KEY_LEN];
	uint64_t exec_id;
	int level;
	const char *summary;
	int approved; /* by an escort: its arguments are checked after the exec too */
};

/* Shows line b to the operator after what the programs wrote, and frees it. */
static void deliver(struct gate *g, struct buf *b)
{
	struct error ignored;

	buf_append_str(b, g->cfg.message_crlf ? "\r\n" : "\n");
	if (g->cfg.flush_output)
		g->cfg.flush_output(g->cfg.flush_ctx);
	(void)!write(g->cfg.message_fd, b->data, b->len);
	/* Passed on now, before the call returns and the program prints more. */
	if (g->cfg.flush_output)
		g->cfg.flush_output(g->cfg.flush_ctx);
	/* What the operator read is in the recording too: replay and export
	 * show the session as it was seen. */
	(void)recorder_output(g->cfg.rec, b->data, b->len, &ignored);
	buf_free(b);
}

void gate_message_end(struct gate *g, struct buf *b, const char *detail)
{
	buf_append_str(b, " -- ");
	visible_append(b, detail, strlen(detail) < 600 ? strlen(detail) : 600);
	deliver(g, b);
}

void gate_say(struct gate *g, const char *line)
{
	struct buf b = {0};

	buf_append_str(&b, g->cfg.message_crlf ? "\r\nescort: " : "escort: ");
	visible_append(&b, line, strlen(line) < 600 ? strlen(line) : 600);
	deliver(g, &b);
}

static void operator_message(struct gate *g, const char *what, const struct exec_request *req,
			     const char *detail)
{
	struct buf b = {0};

	buf_printf(&b, "%sescort: %s: ", g->cfg.message_crlf ? "\r" : "", what);
	for (size_t i = 0; req->argv[i] && b.len < 300; i++) {
		if (i)
			buf_putc(&b, ' ');
		visible_append(&b, req->argv[i], strlen(req->argv[i]));
	}
	if (req->argv[0] == NULL)
		visible_append(&b, req->path, strlen(req->path));
	gate_message_end(g, &b, detail);
}

void gate_respond(struct gate *g, uint64_t id, int error)
{
	memset(g->resp, 0, sizeof(*g->resp));
	g->resp->id = id;
	if (error) {
		g->resp->error = -error;
	} else {
		g->resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	}
	/* Fails only when the process is gone: nothing left to answer. */
	(void)seccomp_notify_respond(g->cfg.listener, g->resp);
}

/* Answers the call with its result: a value, or -errno. */
void gate_respond_result(struct gate *g, uint64_t id, int result)
{
	memset(g->resp, 0, sizeof(*g->resp));
	g->resp->id = id;
	if (result < 0)
		g->resp->error = result;
	else
		g->resp->val = result;
	(void)seccomp_notify_respond(g->cfg.listener, g->resp);
}

static void network_answer(void *ctx, uint64_t id, int result)
{
	gate_respond_result(ctx, id, result);
}

/* A bind allowed by the gate's own rating only because the socket was a
 * UDP one (a client's port) when the gate looked: it must still be (another
 * thread may have put a TCP socket on the descriptor since). */
static int bind_allowed(pid_t tid, const struct sockaddr_info *a)
{
	struct net_verdict v = {0};

	net_rate(tid, a, NET_BIND, 0, &v);
	return v.allow;
}

void gate_network_call(struct gate *g, pid_t tid, uint64_t id, enum held_check call,
		       const uint64_t args[6], const struct sockaddr_info *a, int approved)
{
	struct creds who;
	int known = creds_cache_get(g->creds, tid, &who) == 0, made = 0;
	int as_gate = known && (g->self.cap_effective & ~who.cap_effective) == 0;
	struct net_unix_caller caller = {gate_session_root(g, tid), &g->self, known ? &who : NULL};

	/* The socket decides who makes the call (net-made.h): the gate on an
	 * IP socket, whatever the address, and on a Unix one with the
	 * caller's rights; the kernel on any other. */
	if (!known && call != HELD_CONNECT && call != HELD_SENDTO) {
		gate_respond_result(g, id, -EPERM); /* gone, or unreadable: not its rights */
		return;
	}
	if (call == HELD_CONNECT)
		made = net_connect_start(g->net, tid, id, (int)args[0], a, &caller);
	else if (call == HELD_BIND)
		made = net_bind_start(g->net, tid, id, (int)args[0], a,
				      !approved && !bind_allowed(tid, a), &caller);
	else if (call == HELD_SENDMSG)
		made = net_sendmsg_start(g->net, tid, id, args, a, as_gate, &caller);
	else if (call == HELD_SENDMMSG)
		made = net_sendmmsg_start(g->net, tid, id, args, approved ? a : NULL, as_gate,
					  &caller);
	else if (call == HELD_SENDTO)
		made = net_sendto_start(g->net, tid, id, args, a, &caller);
	if (!made)
		gate_respond(g, id, 0);
}

/* The text it runs besides the program, when the escort cannot see all of
 * it: held rather than passed on its first part. */
static void script_findings(struct decision *d)
{
	const struct program *p = d->prog;
	char text[1400];

	if (p->script_rated && p->script_cut) {
		snprintf(text, sizeof(text),
			 "Runs %.1000s, %llu bytes long: too long to show, only its first %d KiB "
			 "are shown and rated.",
			 p->script_path, (unsigned long long)p->script_size, SCRIPT_SHOWN / 1024);
		risk_report_add(&d->report, "script-too-long", LEVEL_HIGH, text,
				"what was not shown was not checked",
				"What does the rest of the file do, and why is it so long?",
				"T1027");
	} else if (p->script_unreadable) {
		snprintf(text, sizeof(text), "Runs %.1000s, which escort cannot read.",
			 p->script_path);
		risk_report_add(&d->report, "script-unreadable", LEVEL_MEDIUM, text,
				"what cannot be read cannot be shown or checked",
				"What is in that file?", "T1027");
	}
}

/* Findings only the gate can make: what the file is, and the environment. */
static void gate_findings(struct decision *d)
{
	const struct program *p = d->prog;
	const struct exec_request *req = d->req;
	struct risk_report *r = &d->report;
	char text[1400];

	if (p->trust == TRUST_MEMORY) {
		snprintf(text, sizeof(text),
			 "Runs %s. Nobody can look at this program before or after it runs.",
			 p->note);
		risk_report_add(r, "memory-code", LEVEL_HIGH, text,
				"programs run from memory are how attackers avoid leaving files",
				"Where does this program come from, and why is it not a file?",
				"T1620");
	} else if (p->trust == TRUST_UNKNOWN) {
		snprintf(text, sizeof(text), "Runs %s: its name says nothing about what it does.",
			 p->note);
		risk_report_add(r, "unknown-code", LEVEL_MEDIUM, text,
				"a program that is not installed on the system may do anything",
				"Where does this program come from and what does it do?", "T1204");
	}
	if (exec_request_injects_code(req) || p->preload[0]) {
		snprintf(text, sizeof(text), "Loads extra code into the program first (%.1000s).",
			 p->preload[0] ? p->preload : exec_request_injects_code(req));
		risk_report_add(r, "preload", LEVEL_HIGH, text,
				"preloaded code changes what a known program does",
				"Why must extra code be loaded into this program?", "T1574.006");
	}
	if (req->env[ENV_LD_LIBRARY_PATH]) {
		snprintf(text, sizeof(text),
			 "Makes the program load its libraries from %.1000s first.",
			 req->env[ENV_LD_LIBRARY_PATH]);
		risk_report_add(
		    r, "library-path", LEVEL_MEDIUM, text,
		    "libraries from another folder can change what a known program does",
		    "Which libraries are in that folder, and why are they needed?", "T1574.006");
	}
	if (req->env[ENV_BASH_ENV] || req->env[ENV_ENV]) {
		snprintf(text, sizeof(text), "Makes a starting shell read and run %.1000s first.",
			 req->env[ENV_BASH_ENV] ? req->env[ENV_BASH_ENV] : req->env[ENV_ENV]);
		risk_report_add(r, "shell-startup-file", LEVEL_MEDIUM, text,
				"a startup file runs commands that are not on the line",
				"What is in that file?", "T1546.004");
	}
	script_findings(d);
	if (req->argv_truncated)
		risk_report_add(r, "arguments-too-long", LEVEL_HIGH,
				"The argument list is too long for escort to read completely.",
				"what was not read was not checked",
				"Why are the arguments so long?", "T1027");
}

/* A script the argv names, read by the session host (as the operator) the
 * way the process sees it: through its root or its working directory. */
static int read_as_process(void *ctx, const char *path, struct buf *out, size_t max)
{
	const struct exec_request *req = ctx;
	char seen[PATH_MAX + 64];
	int n = snprintf(seen, sizeof(seen), "/proc/%d/%s/%s", (int)req->pid,
			 path[0] == '/' ? "root" : "cwd", path);

	if (n < 0 || (size_t)n >= sizeof(seen))
		return -1;
	return file_head_read(seen, out, max);
}

static void decide_fresh(struct gate *g, struct decision *d)
{
	struct exec_facts facts = {d->req, d->prog, &d->report};
	struct risk_input in = {.read_script = read_as_process,
				.ctx = d->req,
				.system_program = d->prog->trust == TRUST_SYSTEM};
	uint64_t by;

	/* A script the exec runs is rated by the text the gate read (and sends). */
	if (d->prog->script_text != NULL) {
		in.script = d->prog->script_text;
		in.script_len = strlen(d->prog->script_text);
	}
	if (risk_rate_exec(g->cfg.risk, d->prog->argv, &in, &d->report) < 0)
		risk_report_add(&d->report, "unrated", LEVEL_HIGH,
				"escort could not rate this program's arguments.",
				"what cannot be rated cannot be allowed", "What does it do?", NULL);
	gate_findings(d);
	g->cfg.policy->decide(g->cfg.policy, &facts, &d->verdict);
	if (d->verdict.action == GATE_ASK &&
	    tree_grants_cover(g->trees, d->req->pid, d->report.level, &by)) {
		d->verdict.action = GATE_ALLOW;
		d->verdict.scope = SCOPE_TREE;
		snprintf(d->verdict.reason, sizeof(d->verdict.reason),
			 "inside the tree approved with exec %llu", (unsigned long long)by);
	} else if (d->verdict.action != GATE_ASK) {
		decision_cache_put(g->cache, d->key, g->cfg.policy->generation, &d->verdict,
				   &d->report);
	}
	d->level = d->report.level;
	d->summary = d->report.summary;
}

static void allow(struct gate *g, struct decision *d)
{
	g->counters.allowed++;
	exec_checks_add(g->checks, d->req, d->exec_id, d->prog, d->approved);
	gate_respond(g, d->req->id, 0);
}

static void deny(struct gate *g, struct decision *d, const struct verdict *v)
{
	char detail[1200];

	g->counters.denied++;
	/* A shell searching PATH tries /usr/bin/rm and then /bin/rm: one line is
	 * enough. It is written before the exec fails, so it comes first. */
	if (d->req->pid != g->last_refused_pid ||
	    memcmp(d->key, g->last_refused_key, sizeof(d->key)) != 0) {
		g->last_refused_pid = d->req->pid;
		memcpy(g->last_refused_key, d->key, sizeof(d->key));
		snprintf(detail, sizeof(detail), "%s. %s", v->reason, d->summary ? d->summary : "");
		operator_message(g, "refused", d->req, detail);
	}
	gate_respond(g, d->req->id, EPERM);
}

static void hold(struct gate *g, struct decision *d)
{
	struct held *h = xcalloc(1, sizeof(*h));
	struct exec_facts facts = {d->req, d->prog, &d->report};
	struct verdict refused;
	char detail[1200];

	h->ask_id = d->exec_id;
	if (g->cfg.policy->ask(g->cfg.policy, &facts, h->ask_id, gate_answer, g, &refused) < 0) {
		free(h);
		exec_record_decision(g->cfg.rec, d->exec_id, d->req->pid, &refused, 0);
		deny(g, d, &refused);
		return;
	}
	h->exec_id = d->exec_id;
	h->notif = *g->notif;
	h->req = *d->req;
	h->prog = *d->prog;
	memcpy(h->key, d->key, sizeof(h->key));
	h->level = d->level;
	d->req->argv = NULL; /* now the held item's */
	d->req->target_fd = -1;
	for (int k = 0; k < ENV_COUNT; k++)
		d->req->env[k] = NULL;
	d->prog->argv = NULL;
	d->prog->script_text = NULL;
	h->next = g->held;
	g->held = h;
	held_watch_arm(g->watch);
	if (g->cfg.policy->asks_everything)
		return;
	exec_record_decision(g->cfg.rec, d->exec_id, h->req.pid, &d->verdict, 0);
	snprintf(detail, sizeof(detail), "waiting for an escort to approve it (%s)",
		 d->summary ? d->summary : "");
	g->counters.held++;
	h->announced = 1;
	operator_message(g, "held", &h->req, detail);
}

void gate_waiting(void *gate, uint64_t ask_id, const char *detail)
{
	struct gate *g = gate;

	for (struct held *h = g->held; h; h = h->next)
		if (h->ask_id == ask_id && !h->announced) {
			struct verdict v = {.action = GATE_ASK};
			snprintf(v.by, sizeof(v.by), "%s", g->cfg.policy->name);
			snprintf(v.reason, sizeof(v.reason), "%s", detail);
			exec_record_decision(g->cfg.rec, h->exec_id, h->req.pid, &v, 0);
			g->counters.held++;
			h->announced = 1;
			operator_message(g, "held", &h->req, detail);
		}
	change_gate_waiting(g, ask_id, detail);
}

static void decide(struct gate *g, struct exec_request *req, struct program *prog)
{
	struct decision d = {.req = req, .prog = prog};
	int logged;

	d.exec_id = ++g->next_id;
	decision_key(req, prog, d.key);
	d.cached = decision_cache_get(g->cache, d.key, g->cfg.policy->generation);
	if (d.cached) {
		g->counters.cached++;
		d.verdict = d.cached->verdict;
		d.level = d.cached->level;
		d.summary = d.cached->summary;
		logged = exec_record_request(g->cfg.rec, d.exec_id, req, prog, d.level, d.summary,
					     d.cached->rules, NULL);
	} else {
		decide_fresh(g, &d);
		logged = exec_record_request(g->cfg.rec, d.exec_id, req, prog, d.level, d.summary,
					     NULL, &d.report);
	}
	if (logged < 0 || g->ended) {
		d.verdict.action = GATE_DENY;
		snprintf(d.verdict.by, sizeof(d.verdict.by), "gate");
		snprintf(d.verdict.reason, sizeof(d.verdict.reason), "%s",
			 g->ended ? "the session has ended: nothing more runs"
				  : "the session log cannot be written");
	}
	if (d.verdict.action != GATE_ASK)
		exec_record_decision(g->cfg.rec, d.exec_id, req->pid, &d.verdict, d.cached != NULL);
	if (d.verdict.action == GATE_ALLOW)
		allow(g, &d);
	else if (d.verdict.action == GATE_DENY)
		deny(g, &d, &d.verdict);
	else
		hold(g, &d);
	risk_report_free(&d.report);
}

static void unreadable(struct gate *g, const struct exec_request *req, const struct error *err)
{
	struct verdict v = {.action = GATE_DENY};
	uint64_t id = ++g->next_id;

	g->counters.denied++;
	snprintf(v.by, sizeof(v.by), "gate");
	snprintf(v.reason, sizeof(v.reason), "cannot tell what would run: %.400s", err->msg);
	exec_record_unreadable(g->cfg.rec, id, req, err->msg);
	exec_record_decision(g->cfg.rec, id, req->pid, &v, 0);
	gate_respond(g, req->id, err->errnum ? err->errnum : EPERM);
	if (req->argv)
		operator_message(g, "refused", req, v.reason);
}

/* A path that leads to no file (PATH searches try many): failed here the way
 * the kernel would fail it, which also closes the race of a file appearing. */
static int nothing_to_run(int code)
{
	return code == ENOENT || code == ENOTDIR || code == EACCES || code == ELOOP ||
	       code == ENAMETOOLONG;
}

/* A refused call other than exec: recorded, answered, told (once per
 * process and call: a program retrying is not a new event to read). */
static void refuse_effect(struct gate *g, const struct effect *e)
{
	struct buf b = {0};
	char call[256];
	pid_t pid = (pid_t)g->notif->pid;

	effect_record_refusal(g->cfg.rec, ++g->next_id, pid, e);
	/* The operator's line first: the call returns only after it is on the
	 * terminal, so it comes before anything the program prints next. */
	if (pid != g->last_effect_pid || e->call != g->last_effect) {
		g->last_effect_pid = pid;
		g->last_effect = e->call;
		effect_describe(e, call, sizeof(call));
		buf_printf(&b, "%sescort: refused: ", g->cfg.message_crlf ? "\r" : "");
		visible_append(&b, call, strlen(call));
		gate_message_end(g, &b, e->what);
	}
	gate_respond(g, g->notif->id, EPERM);
}

static void handle_effect(struct gate *g)
{
	struct effect_scope s = {g->cfg.first,	 g->ids,      g->cfg.index,
				 g->session_pts, g->ipc_made, &g->self};
	struct effect e;

	switch (effect_judge(g->cfg.listener, g->notif, &s, &e)) {
	case EFFECT_ALLOW:
		if (socket_file_outside_scratch(g, (pid_t)g->notif->pid, &e)) {
			change_gate_network(g, &e);
			break;
		}
		if (e.has_address || e.call->check == HELD_SENDMSG ||
		    e.call->check == HELD_SENDMMSG) {
			/* a sendmsg without a name too: its msghdr could gain one */
			uint64_t args[6];
			if (!e.has_address)
				memset(&e.address, 0, sizeof(e.address));
			memcpy(args, g->notif->data.args, sizeof(args));
			gate_network_call(g, (pid_t)g->notif->pid, g->notif->id, e.call->check,
					  args, &e.address, 0);
		} else
			gate_respond(g, g->notif->id, 0);
		break;
	case EFFECT_AS_KERNEL:
		gate_respond(g, g->notif->id, e.error);
		break;
	case EFFECT_REFUSE: /* a connection an escort may allow goes the way of changes */
		if (e.has_address && e.level < LEVEL_HIGH)
			change_gate_network(g, &e);
		else
			refuse_effect(g, &e);
		break;
	case EFFECT_DONE:
		gate_respond_result(g, g->notif->id, e.error ? -e.error : (int)e.value);
		break;
	case EFFECT_GONE:
		break;
	}
}

static void handle(struct gate *g)
{
	const struct change_call *call;

	struct exec_request req;
	struct program prog;
	struct error err;

	memset(g->notif, 0, sizeof(*g->notif));
	if (seccomp_notify_receive(g->cfg.listener, g->notif) < 0) {
		/* The process died before we looked; or no process uses the filter
		 * any more (the listener hangs up and would wake the loop forever). */
		struct pollfd pfd = {.fd = g->cfg.listener, .events = POLLIN};
		if (poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLHUP))
			event_del(g->listener_event);
		return;
	}
	if ((call = change_call_find(g->notif->data.nr)) != NULL ||
	    (g->notif->data.nr == __NR_ioctl &&
	     ioctl_changes_file_flags((unsigned)g->notif->data.args[1]))) {
		change_gate_handle(g, call ? call : &change_call_file_flags);
		return;
	}
	/* An exec, a new namespace or a call of the setuid family may change
	 * the caller's rights: read them again at its next change. */
	creds_cache_forget(g->creds);
	if (creds_call_is(g->notif->data.nr)) {
		gate_respond(g, g->notif->id, 0);
		return;
	}
	if (g->notif->data.nr != __NR_execve && g->notif->data.nr != __NR_execveat) {
		handle_effect(g);
		return;
	}
	g->counters.execs++;
	if (exec_request_read(g->cfg.listener, g->notif, &req, &err) < 0) {
		if (nothing_to_run(err.errnum))
			gate_respond(g, g->notif->id, err.errnum);
		else if (seccomp_notify_id_valid(g->cfg.listener, g->notif->id) == 0) {
			err.errnum = EPERM;
			unreadable(g, &req, &err);
		}
	} else if (exec_checks_settle(g->checks, req.pid),
		   program_identify(g->ids, g->cfg.index, &req, &prog, &err) < 0) {
		if (nothing_to_run(err.errnum))
			gate_respond(g, req.id, err.errnum); /* as the kernel would answer */
		else
			unreadable(g, &req, &err);
	} else {
		decide(g, &req, &prog);
		program_free(&prog);
	}
	exec_request_free(&req);
}

/* CPU time the gate spends per exec, for the benchmark and the record. The
 * thread's clock is a system call, not a vDSO read: one notification in
 * CPU_SAMPLE is timed and counts for all of them. */
#define CPU_SAMPLE 8

static uint64_t thread_cpu_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void on_listener(evutil_socket_t fd, short what, void *arg)
{
	struct gate *g = arg;
	int timed = g->notifications++ % CPU_SAMPLE == 0;
	uint64_t start = timed ? thread_cpu_ns() : 0;

	(void)fd;
	(void)what;
	handle(g);
	if (!timed)
		return;
	g->handle_ns += (thread_cpu_ns() - start) * CPU_SAMPLE;
	g->counters.gate_cpu_us = g->handle_ns / 1000;
}

static struct held *take_held(struct gate *g, uint64_t ask_id);
static void free_held(struct held *h);

/* A held exec that will never be answered: the ask is withdrawn from whoever
 * was asked, and the record says why. */
static void withdraw(struct gate *g, struct held *h, const char *by, const char *why)
{
	struct verdict v = {.action = GATE_DENY};

	g->cfg.policy->cancel(g->cfg.policy, h->ask_id, why);
	snprintf(v.by, sizeof(v.by), "%s", by);
	snprintf(v.reason, sizeof(v.reason), "%s", why);
	exec_record_decision(g->cfg.rec, h->exec_id, h->req.pid, &v, 0);
}

/* held_watch's check: execs whose process gave up (Ctrl-C, killed) are
 * withdrawn; the kernel already failed them. */
static void withdraw_given_up(void *gate)
{
	struct gate *g = gate;

	for (struct held *h = g->held, *next; h; h = next) {
		next = h->next;
		if (seccomp_notify_id_valid(g->cfg.listener, h->req.id) == 0)
			continue;
		h = take_held(g, h->ask_id);
		withdraw(g, h, "operator",
			 "withdrawn by the operator (the process was interrupted or ended while "
			 "it waited)");
		free_held(h);
	}
	if (!change_gate_withdraw_given_up(g) && g->held == NULL)
		held_watch_disarm(g->watch);
}

void gate_end_session(struct gate *g, const char *reason)
{
	char why[256];

	if (g == NULL)
		return;
	if (g->ended == NULL)
		g->ended = reason ? reason : "the session ended";
	snprintf(why, sizeof(why), "the session ended (%s) before an escort answered", g->ended);
	while (g->held) {
		struct held *h = g->held;
		g->held = h->next;
		withdraw(g, h, "gate", why);
		gate_respond(g, h->req.id, EPERM);
		free_held(h);
	}
	change_gate_end(g, why);
	if (g->watch)
		held_watch_disarm(g->watch);
	/* Approvals live no longer than their session: tree and session scopes. */
	tree_grants_clear(g->trees);
	decision_cache_free(g->cache);
	creds_cache_free(g->creds);
	g->cache = decision_cache_new();
	g->creds = creds_cache_new();
}

void gate_quiesce(struct gate *g)
{
	if (g == NULL)
		return;
	if (g->listener_event)
		event_del(g->listener_event);
	if (g->watch)
		held_watch_disarm(g->watch);
	exec_checks_stop(g->checks);
}

void gate_late_answer(void *gate, uint64_t ask_id, const struct verdict *v)
{
	struct gate *g = gate;
	struct verdict late = *v;

	if (v->action != GATE_ALLOW)
		return;
	late.action = GATE_DENY;
	snprintf(late.reason, sizeof(late.reason),
		 "approved by %.200s after it was withdrawn%s: nothing runs", v->by,
		 g->ended ? " (the session had ended)" : "");
	exec_record_decision(g->cfg.rec, ask_id, 0, &late, 0);
}

/* Linux 6.6+: the target and the gate hand the CPU to each other directly
 * instead of waking each other up (older kernels: ignored). */
#define GATE_IOCTL_NOTIF_SET_FLAGS _IOW('!', 4, uint64_t)
#define GATE_NOTIF_FD_SYNC_WAKE_UP 1

struct gate *gate_start(const struct gate_config *cfg, struct error *err)
{
	struct gate *g = xcalloc(1, sizeof(*g));

	g->cfg = *cfg;
	g->links = link_names_new();
	if (cfg->session_pty < 0 || ioctl(cfg->session_pty, TIOCGPTN, &g->session_pts) < 0)
		g->session_pts = -1;
	g->rater = (struct change_rater){.risk = cfg->risk,
					 .own = change_gate_own_file,
					 .own_ctx = (void *)cfg->own,
					 .links = g->links,
					 .holds_own = change_gate_holds_own_files,
					 .account = getuid()};
	/* The gate's thread takes a process's umask while it acts for it: only
	 * this thread, not the log writer's (CLONE_FS is shared otherwise). */
	if (unshare(CLONE_FS) < 0 || creds_read((pid_t)syscall(SYS_gettid), &g->self) < 0) {
		error_errno(err, "cannot prepare the gate to act for the session's processes");
		free(g);
		return NULL;
	}
	g->cache = decision_cache_new();
	g->creds = creds_cache_new();
	g->ids = identity_cache_new();
	g->ipc_made = ipc_made_new();
	/* Which files Debian's packages installed: read now, not at the first
	 * library a program maps (its wait, and the gate's CPU per exec). */
	(void)identity_cache_packages(g->ids);
	g->trees = tree_grants_new(cfg->base);
	g->paths = path_grants_new(cfg->base);
	g->net = net_made_new(cfg->base, cfg->listener, network_answer, g);
	g->session_root = -1;
	for (int i = 0; i < 4; i++) { /* terminals, pipes, sockets: not /dev/null */
		int fd = i < 3 ? i : cfg->message_fd;
		struct stat *st = &g->streams[g->nstreams];
		if (fstat(fd, st) == 0 &&
		    (S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode) || isatty(fd)))
			g->nstreams++;
	}
	(void)ioctl(cfg->listener, GATE_IOCTL_NOTIF_SET_FLAGS,
		    (uint64_t)GATE_NOTIF_FD_SYNC_WAKE_UP);
	if (seccomp_notify_alloc(&g->notif, &g->resp) < 0 ||
	    (g->checks = exec_checks_new(cfg->base, cfg->rec, &g->counters)) == NULL ||
	    (g->watch = held_watch_new(cfg->base, withdraw_given_up, g)) == NULL ||
	    (g->listener_event = event_new(cfg->base, cfg->listener, EV_READ | EV_PERSIST,
					   on_listener, g)) == NULL ||
	    event_add(g->listener_event, NULL) < 0) {
		error_set(err, "cannot start the exec gate");
		gate_stop(g);
		return NULL;
	}
	return g;
}

static struct held *take_held(struct gate *g, uint64_t ask_id)
{
	for (struct held **h = &g->held; *h; h = &(*h)->next)
		if ((*h)->ask_id == ask_id) {
			struct held *found = *h;
			*h = found->next;
			return found;
		}
	return NULL;
}

static void free_held(struct held *h)
{
	exec_request_free(&h->req);
	program_free(&h->prog);
	free(h);
}

static void grant(struct gate *g, struct held *h, const struct verdict *v)
{
	struct risk_report r = {.level = h->level, .summary = (char *)"approved by an escort"};

	if (v->scope == SCOPE_SESSION || v->cacheable)
		decision_cache_put(g->cache, h->key, g->cfg.policy->generation, v, &r);
	else if (v->scope == SCOPE_TREE)
		(void)tree_grants_add(g->trees, h->req.pid, h->level, h->exec_id);
	else if (v->scope == SCOPE_PATH) /* the exec, and its changes under the folder */
		(void)path_grants_add(g->paths, h->req.pid, v->path, LEVEL_HIGH, h->exec_id);
}

/* The held exec read again from the process, the way it was read first:
 * what differs from what was approved, or NULL. */
static const char *changed_while_held(struct gate *g, const struct held *h)
{
	struct exec_request now;
	struct program prog;
	struct error err;
	const char *changed = "what it runs (it cannot be read again)";

	if (exec_request_read(g->cfg.listener, &h->notif, &now, &err) == 0 &&
	    program_identify(g->ids, g->cfg.index, &now, &prog, &err) == 0) {
		changed = exec_changed(&h->req, &h->prog, &now, &prog);
		program_free(&prog);
	}
	exec_request_free(&now);
	return changed;
}

/* Approved, but not what was approved: refused, recorded and told. */
static void refuse_changed(struct gate *g, struct decision *d, const struct verdict *v,
			   const char *changed)
{
	struct verdict refused = *v;
	char detail[600];

	refused.action = GATE_DENY;
	snprintf(refused.by, sizeof(refused.by), "gate");
	snprintf(refused.reason, sizeof(refused.reason),
		 "changed while it waited for approval: %s (approved by %.200s)", changed, v->by);
	exec_record_decision(g->cfg.rec, d->exec_id, d->req->pid, &refused, 0);
	g->counters.denied++;
	snprintf(detail, sizeof(detail),
		 "changed while it waited for approval (%s): not run, ask again", changed);
	operator_message(g, "refused", d->req, detail);
	gate_respond(g, d->req->id, EPERM);
}

void gate_answer(void *gate, uint64_t ask_id, const struct verdict *v)
{
	struct gate *g = gate;
	struct held *h;
	const char *changed;
	struct decision d;

	if (change_gate_answer(g, ask_id, v))
		return;
	h = take_held(g, ask_id);
	if (h == NULL) {
		gate_late_answer(g, ask_id, v);
		return;
	}
	memset(&d, 0, sizeof(d));
	d.req = &h->req;
	d.prog = &h->prog;
	d.exec_id = h->exec_id;
	d.summary = "";
	d.approved = 1;
	if (seccomp_notify_id_valid(g->cfg.listener, h->req.id) != 0) {
		struct verdict gone = *v;
		snprintf(gone.reason, sizeof(gone.reason), "the process ended while it waited");
		gone.action = GATE_DENY;
		exec_record_decision(g->cfg.rec, h->exec_id, h->req.pid, &gone, 0);
	} else if (v->action == GATE_ALLOW && (changed = changed_while_held(g, h)) != NULL) {
		refuse_changed(g, &d, v, changed);
	} else {
		exec_record_decision(g->cfg.rec, h->exec_id, h->req.pid, v, 0);
		if (v->action == GATE_ALLOW) {
			grant(g, h, v);
			if (h->announced)
				operator_message(g, "approved", &h->req, v->by);
			allow(g, &d);
		} else {
			deny(g, &d, v);
		}
	}
	free_held(h);
}

void gate_stop(struct gate *g)
{
	if (g == NULL)
		return;

	gate_end_session(g, "the session ended");
	tree_grants_free(g->trees);
	path_grants_free(g->paths);
	net_made_free(g->net);
	if (g->session_root >= 0)
		close(g->session_root);
	held_watch_free(g->watch);
	if (g->listener_event)
		event_free(g->listener_event);
	exec_checks_free(g->checks);
	decision_cache_free(g->cache);
	creds_cache_free(g->creds);
	identity_cache_free(g->ids);
	ipc_made_free(g->ipc_made);
	link_names_free(g->links);
	if (g->notif)
		seccomp_notify_free(g->notif, g->resp);
	close(g->cfg.listener);
	free(g);
}

const struct gate_counters *gate_counters(const struct gate *g)
{
	return &g->counters;
}
