#include "exec-record.h"

#include "log/fields.h"
#include "log/record.h"

#include <stdio.h>
#include <string.h>

static int append(struct recorder *rec, uint16_t type, struct buf *b, int urgent)
{
	struct error err;
	int rc = recorder_event(rec, type, b->data, b->len, urgent, &err);

	buf_free(b);
	return rc;
}

static void add_request(struct buf *b, uint64_t id, const struct exec_request *req)
{
	fields_add(b, "phase", "request");
	fields_add_uint(b, "id", id);
	fields_add_int(b, "pid", req->pid);
	fields_add(b, "syscall", req->execveat ? "execveat" : "execve");
	fields_add(b, "path", req->path);
	fields_add(b, "cwd", req->cwd);
	for (size_t i = 0; req->argv && req->argv[i]; i++)
		fields_add(b, "argv", req->argv[i]);
	if (req->argv_truncated)
		fields_add(b, "argv_truncated", "1");
	for (int k = 0; k < ENV_COUNT; k++)
		if (req->env[k])
			fields_add(b, "env", req->env[k]);
}

/* The text it runs besides the program: the shown part, and the whole
 * file's length and hash (what was approved, whatever was shown). */
static void add_script(struct buf *b, const struct program *prog)
{
	char hex[SHA256_LEN * 2 + 1];

	if (prog->script_path[0] == '\0')
		return;
	fields_add(b, "script_file", prog->script_path);
	if (prog->script_unreadable) {
		fields_add(b, "script_error", "cannot be read by escort");
		return;
	}
	for (int i = 0; i < SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", prog->script_sha256[i]);
	fields_add(b, "script_sha256", hex);
	fields_add_uint(b, "script_size", (unsigned long long)prog->script_size);
	if (prog->script_text)
		fields_add(b, "script", prog->script_text);
	if (prog->script_cut)
		fields_add(b, "script_cut", "yes");
}

int exec_record_request(struct recorder *rec, uint64_t id, const struct exec_request *req,
			const struct program *prog, int level, const char *summary,
			const char *cached_rules, const struct risk_report *report)
{
	static const char *const kinds[] = {"elf", "script", "other"};
	char hex[SHA256_LEN * 2 + 1];
	struct buf b = {0};

	for (int i = 0; i < SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", prog->id.sha256[i]);
	add_request(&b, id, req);
	fields_add(&b, "file", prog->real);
	fields_add(&b, "sha256", hex);
	fields_add(&b, "kind", kinds[prog->id.kind]);
	fields_add(&b, "trust", program_trust_name(prog->trust));
	fields_add(&b, "program", prog->name);
	if (prog->id.known_as[0])
		fields_add(&b, "known_as", prog->id.known_as);
	if (prog->id.interpreter[0])
		fields_add(&b, "interpreter", prog->id.interpreter);
	fields_add(&b, "identity", prog->note);
	add_script(&b, prog);
	for (size_t i = 0; prog->argv[i]; i++)
		fields_add(&b, "rated", prog->argv[i]);
	fields_add(&b, "level", level_name(level));
	fields_add(&b, "summary", summary);
	if (cached_rules) {
		fields_add(&b, "rules", cached_rules);
	} else {
		for (size_t i = 0; i < report->n; i++)
			fields_add(&b, "rule", report->findings[i].rule);
	}
	return append(rec, REC_EXEC, &b, level >= LEVEL_MEDIUM);
}

int exec_record_unreadable(struct recorder *rec, uint64_t id, const struct exec_request *req,
			   const char *why)
{
	struct buf b = {0};

	add_request(&b, id, req);
	fields_add(&b, "error", why);
	return append(rec, REC_EXEC, &b, 1);
}

int exec_record_decision(struct recorder *rec, uint64_t id, pid_t pid, const struct verdict *v,
			 int cached)
{
	static const char *const actions[] = {"allow", "deny", "hold"};
	struct buf b = {0};

	fields_add_uint(&b, "id", id);
	fields_add_int(&b, "pid", pid);
	fields_add(&b, "action", actions[v->action]);
	fields_add(&b, "scope", approval_scope_name(v->scope));
	fields_add(&b, "by", v->by);
	fields_add(&b, "reason", v->reason);
	if (cached)
		fields_add(&b, "cached", "1");
	return append(rec, REC_DECISION, &b, v->action != GATE_ALLOW);
}

int exec_record_ran(struct recorder *rec, uint64_t id, pid_t pid, enum exec_outcome outcome,
		    const char *exe, const char *args)
{
	static const char *const phase[] = {
	    [EXEC_RAN] = "ran",
	    [EXEC_ENDED] = "ended",
	    [EXEC_NOT_COMPLETED] = "not-completed",
	    [EXEC_MISMATCH] = "mismatch",
	};
	struct buf b = {0};

	fields_add(&b, "phase", phase[outcome]);
	fields_add_uint(&b, "id", id);
	fields_add_int(&b, "pid", pid);
	if (exe)
		fields_add(&b, "exe", exe);
	if (args)
		fields_add(&b, "args", args);
	return append(rec, REC_EXEC, &b, outcome == EXEC_MISMATCH);
}
