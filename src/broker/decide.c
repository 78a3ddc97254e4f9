/* An exec a session host asks about: rated again here (the broker's rules
 * are the ones that count; the session host's findings can only add), the
 * policy applied, and either answered at once or put before the escorts. */
#include "broker.h"

#include "proto/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PENDING_PER_SESSION 32

static void answer(struct conn *c, uint64_t ask_id, int action, const char *by, const char *reason,
		   uint64_t approval)
{
	Escort__Decision d = ESCORT__DECISION__INIT;
	Frame f = ESCORT__FRAME__INIT;

	d.ask_id = ask_id;
	d.action = (uint32_t)action;
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

static int oversized(const Escort__ExecRequest *r)
{
	size_t total = 0;

	if (r->n_rated_argv > RATED_ARGS_MAX)
		return 1;
	for (size_t i = 0; i < r->n_rated_argv; i++)
		total += strlen(r->rated_argv[i]) + 1;
	return total > RATED_BYTES_MAX;
}

/* The broker's own findings join the session host's; the highest level counts. */
static int rate(struct broker *b, Escort__ExecRequest *r, struct risk_report *own)
{
	int level = r->level <= LEVEL_CRITICAL ? (int)r->level : LEVEL_CRITICAL;
	/* Root opens nothing an operator names: a script is rated by the text
	 * the session host sent, or not looked into. */
	const char *script = r->script && r->script[0] ? r->script : NULL;
	struct risk_input in = {.script = script, .script_len = script ? strlen(script) : 0};
	char **argv;

	if (oversized(r)) {
		risk_report_add(own, "arguments-too-long", LEVEL_HIGH,
				"The argument list is longer than the gate ever sends.",
				"what was not read was not checked", "Why are the arguments so long?",
				"T1027");
		return LEVEL_HIGH > level ? LEVEL_HIGH : level;
	}
	argv = calloc(r->n_rated_argv + 1, sizeof(char *));
	if (argv == NULL)
		abort();
	memcpy(argv, r->rated_argv, r->n_rated_argv * sizeof(char *));
	if (r->n_rated_argv == 0 || risk_rate_exec(b->risk, argv, &in, own) < 0)
		level = LEVEL_HIGH > level ? LEVEL_HIGH : level;
	else if (own->level > level)
		level = own->level;
	free(argv);
	return level;
}

static const char **rule_ids(const Escort__ExecRequest *r, const struct risk_report *own, size_t *n)
{
	const char **ids = calloc(r->n_findings + own->n + 1, sizeof(char *));

	if (ids == NULL)
		abort();
	*n = 0;
	for (size_t i = 0; i < r->n_findings; i++)
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

/* The broker's findings the session host did not report already. */
static Escort__Finding **own_findings(const Escort__ExecRequest *r, const struct risk_report *own,
				      struct text_arena *t, size_t *n)
{
	Escort__Finding **out = calloc(own->n + 1, sizeof(*out));

	if (out == NULL)
		abort();
	*n = 0;
	for (size_t i = 0; i < own->n; i++) {
		if (reported(r, own->findings[i].rule))
			continue;
		out[*n] = malloc(sizeof(**out));
		if (out[i] == NULL)
			abort();
		escort__finding__init(out[*n]);
		out[*n]->rule = text_utf8(t, own->findings[i].rule);
		out[*n]->level = (uint32_t)own->findings[i].level;
		out[*n]->text = text_utf8(t, own->findings[i].explain);
		(*n)++;
	}
	return out;
}

/* What the escort is shown, packed into an independent copy. */
static Escort__PendingInfo *pending_info(struct live_session *s, Escort__ExecRequest *r,
					 const struct risk_report *own, int level)
{
	Escort__PendingInfo pi = ESCORT__PENDING_INFO__INIT;
	size_t n_own, packed_len;
	struct text_arena t = {0};
	Escort__Finding **mine = own_findings(r, own, &t, &n_own);
	Escort__Finding **all = calloc(n_own + r->n_findings + 1, sizeof(*all));

	if (all == NULL)
		abort();
	memcpy(all, r->findings, r->n_findings * sizeof(*all));
	memcpy(all + r->n_findings, mine, n_own * sizeof(*all));
	pi.session = s->id;
	pi.operator_ = s->op;
	pi.host = s->host;
	pi.n_argv = r->n_argv;
	pi.argv = r->argv;
	pi.cwd = r->cwd;
	pi.account = r->account;
	pi.typed_line = r->typed_line;
	pi.identity = r->identity;
	pi.program = r->program;
	pi.level = (uint32_t)level;
	pi.summary =
	    own->n && own->level >= (int)r->level ? text_utf8(&t, own->summary) : r->summary;
	pi.n_findings = r->n_findings + n_own;
	pi.findings = all;
	pi.script = r->script;
	pi.n_env = r->n_env;
	pi.env = r->env;
	pi.n_ancestry = r->n_ancestry;
	pi.ancestry = r->ancestry;
	packed_len = escort__pending_info__get_packed_size(&pi);
	uint8_t *packed = malloc(packed_len ? packed_len : 1);
	if (packed == NULL)
		abort();
	escort__pending_info__pack(&pi, packed);
	Escort__PendingInfo *copy = escort__pending_info__unpack(NULL, packed_len, packed);
	free(packed);
	for (size_t i = 0; i < n_own; i++)
		free(mine[i]);
	free(mine);
	free(all);
	text_arena_free(&t);
	return copy;
}

void exec_request(struct conn *c, Escort__ExecRequest *r)
{
	struct broker *b = c->b;
	struct live_session *s = c->session;
	struct risk_report own = {0};
	size_t n_rules;
	struct error err;
	char reason[300];
	int level = rate(b, r, &own);
	const char **rules = rule_ids(r, &own, &n_rules);
	int action = config_action(&b->cfg, s->op, s->host, level, rules, n_rules);

	free(rules);
	if (action == ACTION_ASK && s->pending >= PENDING_PER_SESSION) {
		action = ACTION_DENY;
		snprintf(reason, sizeof(reason), "%u commands of this session already wait",
			 s->pending);
	} else {
		snprintf(reason, sizeof(reason), "%s risk: the policy says %s", level_name(level),
			 policy_action_name(action));
	}
	if (store_decision(b->store, s->id, r->ask_id, policy_action_name(action), "policy", level,
			   &err) < 0)
		broker_log("%s", err.msg);
	if (action != ACTION_ASK) {
		answer(c, r->ask_id, action, "policy", reason, 0);
	} else {
		Escort__PendingInfo *info = pending_info(s, r, &own, level);
		struct pending *p = info ? pending_add(b, s, info, r->ask_id) : NULL;
		if (p == NULL) {
			if (info)
				escort__pending_info__free_unpacked(info, NULL);
			answer(c, r->ask_id, ACTION_DENY, "escortd", "cannot queue the approval",
			       0);
		} else {
			answer(c, r->ask_id, ACTION_ASK, "policy", reason, (uint64_t)p->id);
		}
	}
	risk_report_free(&own);
}
