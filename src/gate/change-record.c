#include "change-record.h"

#include "effect-record.h"

#include "log/fields.h"
#include "log/record.h"

static void add_change(struct buf *b, const struct change *c, int brief)
{
	char text[2 * PATH_MAX + 64];

	fields_add(b, "syscall", c->call);
	fields_add(b, "change", change_kind_name(c->kind));
	if (c->kind != CHANGE_SYMLINK)
		fields_add(b, "path", c->path.path);
	if (c->path2.path[0])
		fields_add(b, "path2", c->path2.path);
	if (c->kind == CHANGE_SYMLINK)
		fields_add(b, "target", c->text);
	if (c->kind == CHANGE_MODE || c->kind == CHANGE_MKDIR || c->kind == CHANGE_MKNOD ||
	    c->kind == CHANGE_CREATE)
		fields_add_uint(b, "mode", c->mode);
	if (c->kind == CHANGE_OWNER) {
		fields_add_int(b, "owner", (int)c->owner);
		fields_add_int(b, "group", (int)c->group);
	}
	if (c->kind == CHANGE_XATTR)
		fields_add(b, "xattr", c->xattr);
	if (brief)
		return;
	change_describe(c, text, sizeof(text));
	fields_add(b, "call", text);
}

int change_record(struct recorder *rec, uint64_t id, pid_t pid, const struct change *c,
		  const struct risk_report *r, const struct verdict *v)
{
	struct buf b = {0};
	struct error err;
	int rc;

	fields_add_uint(&b, "id", id);
	fields_add_int(&b, "pid", pid);
	fields_add(&b, "action", gate_action_name(v->action));
	fields_add(&b, "scope", approval_scope_name(v->scope));
	fields_add(&b, "by", v->by);
	fields_add(&b, "reason", v->reason);
	/* An allowed change is one of thousands (tar, rm -r): what it was and
	 * why, without the explanation an escort reads. */
	add_change(&b, c, v->action == GATE_ALLOW);
	if (c->has_address)
		effect_record_address(&b, &c->address);
	fields_add(&b, "level", level_name(r->level));
	if (r->n && r->findings[0].attack.n)
		fields_add(&b, "attack", r->findings[0].attack.items[0]);
	if (r->summary && v->action != GATE_ALLOW)
		fields_add(&b, "summary", r->summary);
	for (size_t i = 0; i < r->n; i++)
		fields_add(&b, "rule", r->findings[i].rule);
	rc = recorder_event(rec, REC_DECISION, b.data, b.len, v->action != GATE_ALLOW, &err);
	buf_free(&b);
	return rc;
}
