#include "effect-record.h"

#include "log/fields.h"
#include "log/record.h"
#include "risk/rules.h"

void effect_record_address(struct buf *b, const struct sockaddr_info *a)
{
	char text[320];

	sockaddr_family_name(a, text, sizeof(text));
	fields_add(b, "family", text);
	sockaddr_describe(a, text, sizeof(text));
	fields_add(b, "destination", text);
	if (a->kind == SA_INET || a->kind == SA_INET6) {
		sockaddr_host(a, text, sizeof(text));
		fields_add(b, "address", text);
		fields_add_uint(b, "port", a->port);
	}
}

int effect_record_refusal(struct recorder *rec, uint64_t id, pid_t pid, const struct effect *e)
{
	char call[256];
	struct buf b = {0};
	struct error err;
	int rc;

	effect_describe(e, call, sizeof(call));
	fields_add_uint(&b, "id", id);
	fields_add_int(&b, "pid", pid);
	fields_add(&b, "action", "deny");
	fields_add(&b, "scope", "once");
	fields_add(&b, "by", "gate");
	fields_add(&b, "reason", e->what);
	fields_add(&b, "syscall", e->call->name);
	fields_add(&b, "call", call);
	fields_add(&b, "level", level_name(e->level));
	fields_add(&b, "attack", e->attack);
	if (e->has_address)
		effect_record_address(&b, &e->address);
	if (e->target)
		fields_add_int(&b, "target", e->target);
	if (e->file[0])
		fields_add(&b, "path", e->file);
	if (e->signal)
		fields_add_int(&b, "signal", e->signal);
	rc = recorder_event(rec, REC_DECISION, b.data, b.len, 1, &err);
	buf_free(&b);
	return rc;
}
