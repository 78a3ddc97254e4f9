/* The policy of a session connected to escortd: every exec the gate has not
 * decided before is put to escortd, which rates it, applies its policy and,
 * when a person must decide, tells the gate it waits. While escortd is away
 * the table it last sent decides, and what needs approval is refused. */
#include "policy.h"
#include "procmem.h"

#include "exec-check.h"
#include "gate.h"
#include "proto/frame.h"
#include "proto/text.h"
#include "util/xmalloc.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ANCESTRY_MAX 8

struct ask {
	uint64_t ask_id;
	void *gate;
	policy_answer_fn answer;
	struct ask *next;
};

struct broker_policy {
	struct policy base;
	struct broker_port port;
	struct ask *asks;
	void *gate; /* the gate that asked, told of answers it no longer waits for */
};

static void offline_decide(struct broker_policy *bp, const struct exec_facts *f,
			   struct verdict *out)
{
	const struct risk_report *r = f->report;
	const char **rules = xcalloc(r->n + 1, sizeof(char *));
	Escort__Action action;

	for (size_t i = 0; i < r->n; i++)
		rules[i] = r->findings[i].rule;
	action = bp->port.offline_action(bp->port.ctx, r->level, rules, r->n);
	free(rules);
	snprintf(out->by, sizeof(out->by), "escortd's last policy");
	out->action = action == ESCORT__ACTION__ACTION_ALLOW ? GATE_ALLOW : GATE_DENY;
	if (action == ESCORT__ACTION__ACTION_ASK)
		snprintf(out->reason, sizeof(out->reason),
			 "%s risk needs an escort's approval and escortd is not reachable",
			 level_name(r->level));
	else
		snprintf(out->reason, sizeof(out->reason), "%s risk: the policy says %s",
			 level_name(r->level),
			 action == ESCORT__ACTION__ACTION_ALLOW ? "allow" : "deny");
}

static void broker_decide(struct policy *p, const struct exec_facts *f, struct verdict *out)
{
	struct broker_policy *bp = (struct broker_policy *)p;

	memset(out, 0, sizeof(*out));
	if (!bp->port.up(bp->port.ctx))
		return offline_decide(bp, f, out);
	out->action = GATE_ASK;
	snprintf(out->by, sizeof(out->by), "escortd");
	snprintf(out->reason, sizeof(out->reason), "asked escortd");
}

static char *hex(const uint8_t *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return out;
}

/* Parent programs, nearest first: "bash (1234)". */
static size_t ancestry(pid_t pid, char out[ANCESTRY_MAX][64], char **ptrs)
{
	size_t n = 0;

	for (pid_t p = pid; n < ANCESTRY_MAX && exec_check_parent(p, &p) == 0 && p > 1;) {
		char comm[32];
		procfs_comm(p, comm, sizeof(comm));
		snprintf(out[n], 64, "%s (%d)", comm, (int)p);
		ptrs[n] = out[n];
		n++;
	}
	return n;
}

/* The effective account of the process (sudo inside a session changes it). */
static void account_of(pid_t pid, char *out, size_t size)
{
	char path[64], line[256];
	unsigned ruid, euid = (unsigned)-1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %u %u", &ruid, &euid) == 2)
			break;
	if (f)
		fclose(f);
	struct passwd *pw = euid == (unsigned)-1 ? NULL : getpwuid(euid);
	if (euid == (unsigned)-1)
		snprintf(out, size, "unknown");
	else
		snprintf(out, size, "%s (uid %u)", pw ? pw->pw_name : "?", euid);
}

static size_t count(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static void fill_findings(Escort__ExecRequest *r, const struct risk_report *rep,
			  struct text_arena *t, Escort__Finding *findings, Escort__Finding **fp)
{
	for (size_t i = 0; i < rep->n; i++) {
		escort__finding__init(&findings[i]);
		findings[i].rule = text_utf8(t, rep->findings[i].rule);
		findings[i].level = (uint32_t)rep->findings[i].level;
		findings[i].text = text_utf8(t, rep->findings[i].explain);
		findings[i].why = text_utf8(t, rep->findings[i].why);
		findings[i].ask = text_utf8(t, rep->findings[i].ask);
		findings[i].undo = text_utf8(t, rep->findings[i].undo);
		fp[i] = &findings[i];
	}
	r->n_findings = rep->n;
	r->findings = fp;
}

static int send_request(struct broker_policy *bp, const struct exec_facts *f, uint64_t ask_id)
{
	Escort__ExecRequest r = ESCORT__EXEC_REQUEST__INIT;
	const struct risk_report *rep = f->report;
	Escort__Finding *findings = xcalloc(rep->n + 1, sizeof(*findings));
	Escort__Finding **fp = xcalloc(rep->n + 1, sizeof(*fp));
	char *env[ENV_COUNT], sha[65], script_sha[65], anc[ANCESTRY_MAX][64],
	    *anc_ptrs[ANCESTRY_MAX], account[128];
	struct text_arena t = {0};
	int rc;

	r.ask_id = ask_id;
	r.pid = f->req->pid;
	r.n_argv = count(f->req->argv);
	r.argv = text_utf8_all(&t, f->req->argv, r.n_argv);
	r.n_rated_argv = count(f->prog->argv);
	r.rated_argv = text_utf8_all(&t, f->prog->argv, r.n_rated_argv);
	r.cwd = text_utf8(&t, f->req->cwd);
	r.path = text_utf8(&t, f->req->path);
	r.program = text_utf8(&t, f->prog->name);
	r.identity = text_utf8(&t, f->prog->note);
	r.trust = (char *)program_trust_name(f->prog->trust);
	r.sha256 = hex(f->prog->id.sha256, sizeof(f->prog->id.sha256), sha);
	r.script = text_utf8(&t, f->prog->script_text);
	r.script_path = text_utf8(&t, f->prog->script_path);
	r.script_size = f->prog->script_size;
	if (f->prog->script_path[0] && !f->prog->script_unreadable)
		r.script_sha256 = hex(f->prog->script_sha256, SHA256_LEN, script_sha);
	r.script_cut = f->prog->script_cut;
	for (int k = 0; k < ENV_COUNT; k++)
		if (f->req->env[k])
			env[r.n_env++] = text_utf8(&t, f->req->env[k]);
	r.env = env;
	r.level = (Escort__Level)rep->level;
	r.summary = text_utf8(&t, rep->summary);
	fill_findings(&r, rep, &t, findings, fp);
	r.n_ancestry = ancestry(f->req->pid, anc, anc_ptrs);
	r.ancestry = text_utf8_all(&t, anc_ptrs, r.n_ancestry);
	account_of(f->req->pid, account, sizeof(account));
	r.account = text_utf8(&t, account);
	r.typed_line = text_utf8(&t, bp->port.typed_line(bp->port.ctx));
	rc = bp->port.ask(bp->port.ctx, &r);
	text_arena_free(&t);
	free(findings);
	free(fp);
	return rc;
}

/* The process's own argv, as /proc shows it (bounded), for the escort. */
static size_t cmdline_of(pid_t pid, char *buf, size_t size, char **argv, size_t max)
{
	ssize_t n = procfs_read(pid, "cmdline", buf, size);
	size_t count = 0;

	for (ssize_t i = 0; n > 0 && i < n && count < max; i += (ssize_t)strlen(buf + i) + 1)
		argv[count++] = buf + i;
	return count;
}

/* plain and home: the caller's (text_utf8 keeps valid text where it is). */
static void fill_change(Escort__Change *ch, const struct change *c, pid_t pid, struct text_arena *t,
			char *plain, char *home)
{
	struct passwd *pw;
	unsigned ruid = 0, euid = 1;
	char status[2048], *uid;

	change_plain(c, plain, PATH_MAX + 64);
	home[0] = '\0';
	ch->kind = (char *)change_kind_name(c->kind);
	ch->path = text_utf8(t, c->kind == CHANGE_SYMLINK ? "" : c->path.path);
	ch->path2 = text_utf8(t, c->path2.path);
	ch->target = text_utf8(t, c->text);
	ch->mode = (uint32_t)c->mode;
	ch->syscall = (char *)c->call;
	ch->text = text_utf8(t, plain);
	if (procfs_read(pid, "status", status, sizeof(status)) > 0 &&
	    (uid = strstr(status, "\nUid:")) != NULL)
		sscanf(uid, "\nUid: %u %u", &ruid, &euid);
	ch->as_root = euid == 0;
	if ((pw = getpwuid(euid)) != NULL && pw->pw_dir)
		snprintf(home, PATH_MAX, "%s", pw->pw_dir);
	ch->home = text_utf8(t, home);
}

static int send_change(struct broker_policy *bp, const struct change_facts *f, uint64_t ask_id)
{
	Escort__ExecRequest r = ESCORT__EXEC_REQUEST__INIT;
	Escort__Change ch = ESCORT__CHANGE__INIT;
	const struct risk_report *rep = f->report;
	Escort__Finding *findings = xcalloc(rep->n + 1, sizeof(*findings));
	Escort__Finding **fp = xcalloc(rep->n + 1, sizeof(*fp));
	char cmd[4096], *argv[64], comm[32], cwd[PATH_MAX], link[64], account[128],
	    anc[ANCESTRY_MAX][64], *anc_ptrs[ANCESTRY_MAX], plain[PATH_MAX + 64], home[PATH_MAX];
	struct text_arena t = {0};
	ssize_t n;
	int rc;

	r.ask_id = ask_id;
	r.pid = f->pid;
	r.n_argv = cmdline_of(f->pid, cmd, sizeof(cmd), argv, 64);
	r.argv = text_utf8_all(&t, argv, r.n_argv);
	snprintf(link, sizeof(link), "/proc/%d/cwd", (int)f->pid);
	n = readlink(link, cwd, sizeof(cwd) - 1);
	cwd[n > 0 ? n : 0] = '\0';
	r.cwd = text_utf8(&t, cwd);
	procfs_comm(f->pid, comm, sizeof(comm));
	r.program = text_utf8(&t, comm);
	r.level = (Escort__Level)rep->level;
	r.summary = text_utf8(&t, rep->summary);
	fill_findings(&r, rep, &t, findings, fp);
	r.n_ancestry = ancestry(f->pid, anc, anc_ptrs);
	r.ancestry = text_utf8_all(&t, anc_ptrs, r.n_ancestry);
	account_of(f->pid, account, sizeof(account));
	r.account = text_utf8(&t, account);
	r.typed_line = text_utf8(&t, bp->port.typed_line(bp->port.ctx));
	fill_change(&ch, f->change, f->pid, &t, plain, home);
	r.change = &ch;
	rc = bp->port.ask(bp->port.ctx, &r);
	text_arena_free(&t);
	free(findings);
	free(fp);
	return rc;
}

/* Changes are decided by the table escortd sent: only those it says to ask
 * about are put to escortd. */
static enum gate_action broker_change_action(struct policy *p, const struct risk_report *r,
					     char *reason, size_t size)
{
	struct broker_policy *bp = (struct broker_policy *)p;
	const char **rules = xcalloc(r->n + 1, sizeof(char *));
	Escort__Action action;

	for (size_t i = 0; i < r->n; i++)
		rules[i] = r->findings[i].rule;
	action = bp->port.offline_action(bp->port.ctx, r->level, rules, r->n);
	free(rules);
	snprintf(reason, size, "%s risk: escortd's policy says %s", level_name(r->level),
		 action == ESCORT__ACTION__ACTION_ALLOW	 ? "allow"
		 : action == ESCORT__ACTION__ACTION_DENY ? "deny"
							 : "ask an escort");
	return action == ESCORT__ACTION__ACTION_ALLOW  ? GATE_ALLOW
	       : action == ESCORT__ACTION__ACTION_DENY ? GATE_DENY
						       : GATE_ASK;
}

static int broker_ask_change(struct policy *p, const struct change_facts *f, uint64_t ask_id,
			     policy_answer_fn answer, void *gate, struct verdict *out)
{
	struct broker_policy *bp = (struct broker_policy *)p;
	struct ask *a;

	memset(out, 0, sizeof(*out));
	out->action = GATE_DENY;
	snprintf(out->by, sizeof(out->by), "escortd's last policy");
	snprintf(out->reason, sizeof(out->reason),
		 "%s risk needs an escort's approval and escortd is not reachable",
		 level_name(f->report->level));
	if (!bp->port.up(bp->port.ctx) || send_change(bp, f, ask_id) < 0)
		return -1;
	bp->gate = gate;
	a = xcalloc(1, sizeof(*a));
	*a = (struct ask){ask_id, gate, answer, bp->asks};
	bp->asks = a;
	return 0;
}

static int broker_ask(struct policy *p, const struct exec_facts *f, uint64_t ask_id,
		      policy_answer_fn answer, void *gate, struct verdict *out)
{
	struct broker_policy *bp = (struct broker_policy *)p;
	struct ask *a;

	if (send_request(bp, f, ask_id) < 0) {
		memset(out, 0, sizeof(*out));
		offline_decide(bp, f, out);
		out->action = GATE_DENY;
		return -1;
	}
	bp->gate = gate;
	a = xcalloc(1, sizeof(*a));
	*a = (struct ask){ask_id, gate, answer, bp->asks};
	bp->asks = a;
	return 0;
}

static struct ask *take(struct broker_policy *bp, uint64_t ask_id)
{
	for (struct ask **a = &bp->asks; *a; a = &(*a)->next)
		if ((*a)->ask_id == ask_id) {
			struct ask *found = *a;
			*a = found->next;
			return found;
		}
	return NULL;
}

static void broker_cancel(struct policy *p, uint64_t ask_id, const char *reason)
{
	struct broker_policy *bp = (struct broker_policy *)p;
	struct ask *a = take(bp, ask_id);

	if (a == NULL)
		return;
	bp->port.withdraw(bp->port.ctx, ask_id, reason);
	free(a);
}

static void broker_free(struct policy *p)
{
	struct broker_policy *bp = (struct broker_policy *)p;

	while (bp->asks)
		free(take(bp, bp->asks->ask_id));
	free(bp);
}

/* what the session host hears from escortd */

void policy_broker_decision(struct policy *p, const Escort__Decision *d)
{
	struct broker_policy *bp = (struct broker_policy *)p;
	struct verdict v = {0};
	struct ask *a;
	char detail[300];

	if (d->action == ESCORT__ACTION__ACTION_ASK) {
		for (a = bp->asks; a; a = a->next)
			if (a->ask_id == d->ask_id) {
				snprintf(detail, sizeof(detail),
					 "waiting for an escort to approve it (approval %llu; %s)",
					 (unsigned long long)d->approval, d->reason);
				gate_waiting(a->gate, a->ask_id, detail);
			}
		return;
	}
	v.action = d->action == ESCORT__ACTION__ACTION_ALLOW ? GATE_ALLOW : GATE_DENY;
	v.scope = d->scope == ESCORT__SCOPE__SCOPE_TREE	     ? SCOPE_TREE
		  : d->scope == ESCORT__SCOPE__SCOPE_SESSION ? SCOPE_SESSION
		  : d->scope == ESCORT__SCOPE__SCOPE_PATH    ? SCOPE_PATH
							     : SCOPE_ONCE;
	snprintf(v.path, sizeof(v.path), "%s", d->path ? d->path : "");
	v.cacheable = d->cacheable;
	snprintf(v.by, sizeof(v.by), "%s", d->by);
	snprintf(v.reason, sizeof(v.reason), "%s", d->reason);
	if ((a = take(bp, d->ask_id)) == NULL) {
		/* withdrawn meanwhile: escortd approved before it heard */
		if (bp->gate)
			gate_late_answer(bp->gate, d->ask_id, &v);
		return;
	}
	a->answer(a->gate, a->ask_id, &v);
	free(a);
}

/* Fail-closed: what waited for escortd is refused when it goes away. */
void policy_broker_lost(struct policy *p)
{
	struct broker_policy *bp = (struct broker_policy *)p;
	struct verdict v = {.action = GATE_DENY};

	bp->base.generation++;
	snprintf(v.by, sizeof(v.by), "escort");
	snprintf(v.reason, sizeof(v.reason), "escortd went away before it answered");
	while (bp->asks) {
		struct ask *a = take(bp, bp->asks->ask_id);
		a->answer(a->gate, a->ask_id, &v);
		free(a);
	}
}

void policy_broker_back(struct policy *p)
{
	p->generation++;
}

struct policy *policy_broker_new(const struct broker_port *port)
{
	struct broker_policy *bp = xcalloc(1, sizeof(*bp));

	bp->port = *port;
	bp->base.name = "escortd";
	bp->base.generation = 1;
	bp->base.decide = broker_decide;
	bp->base.ask = broker_ask;
	bp->base.cancel = broker_cancel;
	bp->base.change_action = broker_change_action;
	bp->base.ask_change = broker_ask_change;
	bp->base.free = broker_free;
	bp->base.asks_everything = 1;
	return &bp->base;
}
