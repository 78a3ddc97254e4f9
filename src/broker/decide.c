/* An exec a session host asks about: rated again here (the broker's rules
 * are the ones that count; the session host's findings can only add), the
 * policy applied, and either answered at once or put before the escorts.
 * Everything in the request is the session host's word: levels outside
 * escort.proto's Level, findings that disagree with escortd's, oversized
 * lists are all expected and handled. */
#include "broker.h"

#include "proto/names.h"
#include "proto/text.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PENDING_PER_SESSION 32
#define PENDING_PER_ACCOUNT 64

static unsigned pending_of(const struct broker *b, const char *op)
{
	unsigned n = 0;

	for (const struct pending *p = b->pending; p; p = p->next)
		n += strcmp(p->s->op, op) == 0;
	return n;
}

static void answer(struct conn *c, uint64_t ask_id, enum policy_action action, const char *by,
		   const char *reason, uint64_t approval)
{
	Escort__Decision d = ESCORT__DECISION__INIT;
	Frame f = ESCORT__FRAME__INIT;

	d.ask_id = ask_id;
	d.action = (Escort__Action)action;
	d.by = (char *)by;
	d.reason = (char *)reason;
	d.cacheable = action != ACTION_ASK;
	d.approval = approval;
	f.body_case = ESCORT__FRAME__BODY_DECISION;
	f.decision = &d;
	conn_send(c, &f);
}

/* What the gate itself would read at most (request.c): anything bigger did
 * not come from the gate and is not worth the risk engine's time. */
#define RATED_ARGS_MAX 1024
#define RATED_BYTES_MAX (256u << 10)
#define FINDINGS_MAX 256

static int oversized(const Escort__ExecRequest *r)
{
	size_t total = 0;

	if (r->n_rated_argv > RATED_ARGS_MAX || r->n_findings > FINDINGS_MAX)
		return 1;
	for (size_t i = 0; i < r->n_rated_argv; i++)
		total += strlen(r->rated_argv[i]) + 1;
	return total > RATED_BYTES_MAX;
}

/* A level the protocol does not define is not trusted to be low. */
static Escort__Level known_level(Escort__Level l)
{
	return (int)l >= LEVEL_INFO && (int)l <= LEVEL_CRITICAL ? l : ESCORT__LEVEL__LEVEL_CRITICAL;
}

static void sanitize(Escort__ExecRequest *r)
{
	r->level = known_level(r->level);
	for (size_t i = 0; i < r->n_findings; i++)
		r->findings[i]->level = known_level(r->findings[i]->level);
}

static int max_level(int a, int b)
{
	return a > b ? a : b;
}

/* The broker's own findings join the session host's; the highest level counts. */
static int rate(struct broker *b, const Escort__ExecRequest *r, struct risk_report *own)
{
	int level = (int)r->level;
	/* Root opens nothing an operator names: a script is rated by the text
	 * the session host sent, or not looked into. */
	const char *script = r->script && r->script[0] ? r->script : NULL;
	struct risk_input in = {.script = script,
				.script_len = script ? strlen(script) : 0,
				.system_program = r->trust && strcmp(r->trust, "system") == 0};
	char **argv;

	if (oversized(r)) {
		risk_report_add(own, "arguments-too-long", LEVEL_HIGH,
				"The request is longer than the gate ever sends.",
				"what was not read was not checked",
				"Why are the arguments so long?", "T1027");
		return max_level(LEVEL_HIGH, level);
	}
	if (r->n_rated_argv == 0) /* nothing to rate is not low risk */
		return max_level(LEVEL_HIGH, level);
	argv = xcalloc(r->n_rated_argv + 1, sizeof(char *));
	memcpy(argv, r->rated_argv, r->n_rated_argv * sizeof(char *));
	if (risk_rate_exec(b->risk, argv, &in, own) < 0)
		level = max_level(LEVEL_HIGH, level);
	else
		level = max_level(own->level, level);
	free(argv);
	return level;
}

static const char *const change_kinds[] = {
    "write", "create", "truncate", "delete", "rmdir",	"rename", "link", "symlink", "mkdir",
    "mknod", "mode",   "owner",	   "xattr",  "connect", "send",	  "bind", NULL,
};

/* A connection escortd cannot look at (the address is the session host's
 * word and no file rule applies): at least medium, stricter if the host says. */
static int is_network(const char *kind)
{
	return strcmp(kind, "connect") == 0 || strcmp(kind, "send") == 0 ||
	       strcmp(kind, "bind") == 0;
}

static int known_kind(const char *k)
{
	for (size_t i = 0; change_kinds[i]; i++)
		if (strcmp(k, change_kinds[i]) == 0)
			return 1;
	return 0;
}

static void rate_change_path(struct broker *b, const Escort__Change *c, const char *path,
			     struct risk_report *own)
{
	char tilde[4200];
	struct risk_report more;

	if (path[0] != '/')
		return;
	risk_rate_change(b->risk, c->kind, path,
			 risk_home_relative(path, c->home, tilde, sizeof(tilde)), c->as_root,
			 &more);
	for (size_t i = 0; i < more.n; i++)
		risk_report_add(
		    own, more.findings[i].rule, more.findings[i].level, more.findings[i].explain,
		    more.findings[i].why, more.findings[i].ask,
		    more.findings[i].attack.n ? more.findings[i].attack.items[0] : NULL);
	risk_report_free(&more);
}

/* A change to files, rated by escortd's own rules about changes; the
 * session host's level and findings can only make it stricter. A change no
 * rule knows is outside the scratch folders: medium. */
static int rate_change(struct broker *b, const Escort__ExecRequest *r, struct risk_report *own)
{
	const Escort__Change *c = r->change;
	int level = (int)r->level;
	char text[600];

	if (known_kind(c->kind) && is_network(c->kind) && strlen(c->path) <= 4096) {
		risk_report_add(
		    own, "network-destination", LEVEL_MEDIUM, c->text,
		    "what leaves the machine, or who can reach it, is not under escort's "
		    "watch",
		    "Which machine is it, and what will be sent or received?", NULL);
		return max_level(LEVEL_MEDIUM, level);
	}
	if (!known_kind(c->kind) || (c->path[0] != '/' && c->path2[0] != '/') ||
	    strlen(c->path) > 4096 || strlen(c->path2) > 4096 || r->n_findings > FINDINGS_MAX)
		return max_level(LEVEL_HIGH, level);
	rate_change_path(b, c, c->path, own);
	if (c->path2[0] && strcmp(c->kind, "symlink") != 0)
		rate_change_path(b, c, c->path2, own);
	if (own->n == 0) {
		snprintf(text, sizeof(text),
			 "%.400s, outside the folders for everyday and scratch "
			 "work.",
			 c->text);
		risk_report_add(own, "change-outside-scratch", LEVEL_MEDIUM, text,
				"files outside the temporary folders and the account's home belong "
				"to the system or to applications",
				"What is this file, and why must it change now?", NULL);
	}
	return max_level(own->level, level);
}

/* Rule ids for the policy's rule overrides: escortd's own findings, and
 * with_host also the session host's. */
static const char **rule_ids(const Escort__ExecRequest *r, const struct risk_report *own,
			     int with_host, size_t *n)
{
	const char **ids = xcalloc(r->n_findings + own->n + 1, sizeof(char *));

	*n = 0;
	for (size_t i = 0; with_host && i < r->n_findings; i++)
		ids[(*n)++] = r->findings[i]->rule;
	for (size_t i = 0; i < own->n; i++)
		ids[(*n)++] = own->findings[i].rule;
	return ids;
}

static int reported(const Escort__ExecRequest *r, const char *rule)
{
	for (size_t i = 0; i < r->n_findings; i++)
		if (strcmp(r->findings[i]->rule, rule) == 0)
			return 1;
	return 0;
}

/* The findings the escort is shown: the session host's, then the broker's
 * that the session host did not report. Entries point into r, own and t;
 * the array itself is the caller's to free. */
static Escort__Finding **all_findings(const Escort__ExecRequest *r, const struct risk_report *own,
				      struct text_arena *t, Escort__Finding *mine, size_t *n)
{
	Escort__Finding **all = xcalloc(r->n_findings + own->n + 1, sizeof(*all));
	size_t k = 0;

	*n = 0;
	for (size_t i = 0; i < r->n_findings; i++)
		all[(*n)++] = r->findings[i];
	for (size_t i = 0; i < own->n; i++) {
		if (reported(r, own->findings[i].rule))
			continue;
		escort__finding__init(&mine[k]);
		mine[k].rule = text_utf8(t, own->findings[i].rule);
		mine[k].level = (Escort__Level)own->findings[i].level;
		mine[k].text = text_utf8(t, own->findings[i].explain);
		mine[k].why = text_utf8(t, own->findings[i].why);
		mine[k].ask = text_utf8(t, own->findings[i].ask);
		mine[k].undo = text_utf8(t, own->findings[i].undo);
		all[(*n)++] = &mine[k++];
	}
	return all;
}

/* An independent copy of pi (it points into the request and the report). */
static Escort__PendingInfo *packed_copy(const Escort__PendingInfo *pi)
{
	size_t len = escort__pending_info__get_packed_size(pi);
	uint8_t *packed = xcalloc(len + 1, 1);
	Escort__PendingInfo *copy;

	escort__pending_info__pack(pi, packed);
	copy = escort__pending_info__unpack(NULL, len, packed);
	free(packed);
	return copy;
}

/* What one pending item shows at most: it has to fit, with many others, in
 * one console reply (FRAME_MAX). Anything cut is marked where it was cut. */
#define SHOWN_TEXT 1024
#define SHOWN_SCRIPT (16u << 10)
#define SHOWN_LIST 64

struct shown {
	struct text_arena t;
	int clipped;
	Escort__Change change; /* a change to files, its texts clipped */
};

static char *clip(struct shown *sh, char *text, size_t max)
{
	size_t len = strlen(text);
	struct buf b = {0};
	char *out;

	if (len <= max)
		return text;
	sh->clipped = 1;
	buf_append(&b, text, max);
	buf_printf(&b, "... [%zu more bytes not shown]", len - max);
	out = text_keep(&sh->t, xstrdup(buf_cstr(&b)));
	buf_free(&b);
	return text_utf8(&sh->t, out); /* a character cut in two is shown as bytes */
}

/* A new array (the caller's to free) of at most SHOWN_LIST clipped entries. */
static char **clip_list(struct shown *sh, char **v, size_t n, size_t *n_out)
{
	char **out = xcalloc(SHOWN_LIST + 2, sizeof(char *));
	size_t k = 0;

	for (; k < n && k < SHOWN_LIST; k++)
		out[k] = clip(sh, v[k], SHOWN_TEXT);
	if (n > SHOWN_LIST) {
		char more[64];
		snprintf(more, sizeof(more), "... [%zu more not shown]", n - SHOWN_LIST);
		out[k++] = text_keep(&sh->t, xstrdup(more));
		sh->clipped = 1;
	}
	*n_out = k;
	return out;
}

static void clip_findings(struct shown *sh, Escort__PendingInfo *pi)
{
	if (pi->n_findings > SHOWN_LIST) {
		pi->n_findings = SHOWN_LIST;
		sh->clipped = 1;
	}
	for (size_t i = 0; i < pi->n_findings; i++) {
		pi->findings[i]->rule = clip(sh, pi->findings[i]->rule, SHOWN_TEXT);
		pi->findings[i]->text = clip(sh, pi->findings[i]->text, SHOWN_TEXT);
		pi->findings[i]->why = clip(sh, pi->findings[i]->why, SHOWN_TEXT);
		pi->findings[i]->ask = clip(sh, pi->findings[i]->ask, SHOWN_TEXT);
		pi->findings[i]->undo = clip(sh, pi->findings[i]->undo, SHOWN_TEXT);
	}
}

static void clip_lists(struct shown *sh, Escort__PendingInfo *pi, const Escort__ExecRequest *r)
{
	pi->argv = clip_list(sh, r->argv, r->n_argv, &pi->n_argv);
	pi->env = clip_list(sh, r->env, r->n_env, &pi->n_env);
	pi->ancestry = clip_list(sh, r->ancestry, r->n_ancestry, &pi->n_ancestry);
}

static void clip_texts(struct shown *sh, Escort__PendingInfo *pi, const Escort__ExecRequest *r)
{
	pi->cwd = clip(sh, r->cwd, SHOWN_TEXT);
	pi->account = clip(sh, r->account, SHOWN_TEXT);
	pi->typed_line = clip(sh, r->typed_line, SHOWN_TEXT);
	pi->identity = clip(sh, r->identity, SHOWN_TEXT);
	pi->program = clip(sh, r->program, SHOWN_TEXT);
	pi->script = clip(sh, r->script, SHOWN_SCRIPT);
	pi->script_path = clip(sh, r->script_path, SHOWN_TEXT);
	pi->script_sha256 = clip(sh, r->script_sha256, SHOWN_TEXT);
	pi->script_size = r->script_size;
	pi->script_cut = r->script_cut;
	pi->summary = clip(sh, pi->summary, 4 * SHOWN_TEXT);
	if (r->change) {
		const Escort__Change *c = r->change;
		escort__change__init(&sh->change);
		sh->change.kind = clip(sh, c->kind, 32);
		sh->change.path = clip(sh, c->path, 4 * SHOWN_TEXT);
		sh->change.path2 = clip(sh, c->path2, 4 * SHOWN_TEXT);
		sh->change.target = clip(sh, c->target, 4 * SHOWN_TEXT);
		sh->change.mode = c->mode;
		sh->change.syscall = clip(sh, c->syscall, 32);
		sh->change.text = clip(sh, c->text, 4 * SHOWN_TEXT);
		sh->change.as_root = c->as_root;
		sh->change.home = clip(sh, c->home, SHOWN_TEXT);
		pi->change = &sh->change;
	}
}

/* What the escort is shown: everything, except what is too long to show,
 * which is cut visibly and raises the item to high risk. */
static Escort__PendingInfo *pending_info(struct live_session *s, Escort__ExecRequest *r,
					 const struct risk_report *own, int level)
{
	Escort__PendingInfo pi = ESCORT__PENDING_INFO__INIT;
	struct shown sh = {0};
	Escort__Finding *mine = xcalloc(own->n + 1, sizeof(*mine));
	Escort__PendingInfo *copy;

	pi.findings = all_findings(r, own, &sh.t, mine, &pi.n_findings);
	pi.session = s->id;
	pi.operator_ = s->op;
	pi.host = s->host;
	pi.summary =
	    own->n && own->level >= (int)r->level ? text_utf8(&sh.t, own->summary) : r->summary;
	clip_findings(&sh, &pi);
	clip_lists(&sh, &pi, r);
	clip_texts(&sh, &pi, r);
	pi.level = (Escort__Level)(sh.clipped && level < LEVEL_HIGH ? LEVEL_HIGH : level);
	copy = packed_copy(&pi);
	free(pi.argv);
	free(pi.env);
	free(pi.ancestry);
	free(pi.findings);
	free(mine);
	text_arena_free(&sh.t);
	return copy;
}

static enum policy_action policy(struct broker *b, const struct live_session *s,
				 const Escort__ExecRequest *r, const struct risk_report *own,
				 int level)
{
	size_t n_own, n_all;
	const char **mine = rule_ids(r, own, 0, &n_own), **all = rule_ids(r, own, 1, &n_all);
	/* The session host's findings may only make it stricter: a rule id it
	 * names cannot bring in a rule override that allows. */
	Escort__Action action = action_strictest(
	    (Escort__Action)config_action(&b->cfg, s->op, s->host, level, mine, n_own),
	    (Escort__Action)config_action(&b->cfg, s->op, s->host, level, all, n_all));

	free(mine);
	free(all);
	return (enum policy_action)action;
}

static void hold(struct conn *c, Escort__ExecRequest *r, const struct risk_report *own, int level,
		 const char *reason)
{
	Escort__PendingInfo *info = pending_info(c->session, r, own, level);
	struct pending *p = info ? pending_add(c->b, c->session, info, r->ask_id) : NULL;

	if (p == NULL) {
		if (info)
			escort__pending_info__free_unpacked(info, NULL);
		answer(c, r->ask_id, ACTION_DENY, "escortd", "cannot queue the approval", 0);
		return;
	}
	answer(c, r->ask_id, ACTION_ASK, "policy", reason, (uint64_t)p->id);
}

void decide_exec(struct conn *c, Escort__ExecRequest *r)
{
	struct broker *b = c->b;
	struct live_session *s = c->session;
	struct risk_report own = {0};
	struct error err;
	char reason[300];
	int level;
	enum policy_action action;

	if (s->ending_since) { /* terminated or locked: nothing more runs */
		snprintf(reason, sizeof(reason), "this session is being ended: %s", s->end_reason);
		answer(c, r->ask_id, ACTION_DENY, "escortd", reason, 0);
		return;
	}
	sanitize(r);
	level = r->change ? rate_change(b, r, &own) : rate(b, r, &own);
	action = policy(b, s, r, &own, level);
	if (action == ACTION_ASK && s->pending >= PENDING_PER_SESSION) {
		action = ACTION_DENY;
		snprintf(reason, sizeof(reason), "%u commands of this session already wait",
			 s->pending);
	} else if (action == ACTION_ASK && pending_of(b, s->op) >= PENDING_PER_ACCOUNT) {
		action = ACTION_DENY; /* one account cannot crowd out everyone's approvals */
		snprintf(reason, sizeof(reason), "%u commands of %s already wait",
			 PENDING_PER_ACCOUNT, s->op);
	} else {
		snprintf(reason, sizeof(reason), "%s risk: the policy says %s", level_name(level),
			 policy_action_name(action));
	}
	if (store_decision(b->store, s->id, r->ask_id, policy_action_name(action), "policy", level,
			   &err) < 0)
		broker_log("%s", err.msg);
	broker_debug("session %s: exec %llu (%s) is %s risk: %s", s->id,
		     (unsigned long long)r->ask_id, r->program, level_name(level),
		     policy_action_name(action));
	if (action == ACTION_ASK)
		hold(c, r, &own, level, reason);
	else
		answer(c, r->ask_id, action, "policy", reason, 0);
	risk_report_free(&own);
}
