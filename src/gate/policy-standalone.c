#include "policy.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gate_action_name(enum gate_action a)
{
	static const char *const names[] = {"allow", "deny", "ask"};

	return names[a];
}

const char *approval_scope_name(enum approval_scope s)
{
	static const char *const names[] = {"once", "tree", "session", "path"};

	return names[s];
}

int approval_scope_parse(const char *s, enum approval_scope *out)
{
	for (int i = SCOPE_ONCE; i <= SCOPE_PATH; i++)
		if (strcmp(s, approval_scope_name((enum approval_scope)i)) == 0) {
			*out = (enum approval_scope)i;
			return 0;
		}
	return -1;
}

static void standalone_decide(struct policy *p, const struct exec_facts *f, struct verdict *out)
{
	int level = f->report->level;

	(void)p;
	memset(out, 0, sizeof(*out));
	snprintf(out->by, sizeof(out->by), "standalone policy");
	if (level <= LEVEL_LOW) {
		out->action = GATE_ALLOW;
		snprintf(out->reason, sizeof(out->reason), "%s risk", level_name(level));
	} else if (level >= LEVEL_CRITICAL) {
		out->action = GATE_DENY;
		snprintf(out->reason, sizeof(out->reason), "critical risk is never allowed");
	} else {
		out->action = GATE_ASK;
		snprintf(out->reason, sizeof(out->reason), "%s risk needs an escort's approval",
			 level_name(level));
	}
}

static int standalone_ask(struct policy *p, const struct exec_facts *f, uint64_t ask_id,
			  policy_answer_fn answer, void *gate, struct verdict *out)
{
	(void)p;
	(void)ask_id;
	(void)answer;
	(void)gate;
	memset(out, 0, sizeof(*out));
	out->action = GATE_DENY;
	snprintf(out->by, sizeof(out->by), "standalone policy");
	snprintf(out->reason, sizeof(out->reason),
		 "%s risk needs an escort's approval and no escort is reachable",
		 level_name(f->report->level));
	return -1;
}

/* The same table for changes to files. */
static enum gate_action standalone_change_action(struct policy *p, const struct risk_report *r,
						 char *reason, size_t size)
{
	struct verdict v;
	struct exec_facts f = {.report = r};

	standalone_decide(p, &f, &v);
	snprintf(reason, size, "%s", v.reason);
	return v.action;
}

static int standalone_ask_change(struct policy *p, const struct change_facts *f, uint64_t ask_id,
				 policy_answer_fn answer, void *gate, struct verdict *out)
{
	struct exec_facts ef = {.report = f->report};

	return standalone_ask(p, &ef, ask_id, answer, gate, out);
}

static void standalone_cancel(struct policy *p, uint64_t ask_id, const char *reason)
{
	(void)p;
	(void)ask_id;
	(void)reason;
}

static void standalone_free(struct policy *p)
{
	free(p);
}

struct policy *policy_standalone_new(void)
{
	struct policy *p = xcalloc(1, sizeof(*p));

	p->name = "standalone";
	p->generation = 1;
	p->decide = standalone_decide;
	p->ask = standalone_ask;
	p->cancel = standalone_cancel;
	p->change_action = standalone_change_action;
	p->ask_change = standalone_ask_change;
	p->free = standalone_free;
	return p;
}
