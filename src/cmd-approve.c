/* escort approve ID [--scope once|tree|session|path] [--path DIR] [--note TEXT] [--confirm NAME]
 * escort deny ID [--note TEXT] */
#include "commands.h"
#include "console/args.h"
#include "console/client.h"
#include "gate/policy.h"
#include "proto/names.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The item, when it is critical (else NULL, and *reply NULL). */
static const Escort__PendingInfo *critical_item(struct console *c, uint64_t id, Frame **reply)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	struct error err;

	q.verb = ESCORT__VERB__VERB_PENDING;
	*reply = console_ask(c, &q, &err);
	for (size_t i = 0; *reply && i < (*reply)->reply->n_pending; i++) {
		const Escort__PendingInfo *p = (*reply)->reply->pending[i];
		if (p->id == id && p->level >= ESCORT__LEVEL__LEVEL_CRITICAL)
			return p;
	}
	frame_free(*reply);
	*reply = NULL;
	return NULL;
}

/* Whether escortd would take this escort's approval, the name typed: the
 * escort is not asked to type it for an approval refused anyway. */
static int may_approve(struct console *c, uint64_t id)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	struct error err;
	Frame *reply;
	int ok;

	q.verb = ESCORT__VERB__VERB_APPROVE;
	q.id = id;
	q.check_only = 1;
	reply = console_ask(c, &q, &err);
	if (reply == NULL) {
		fprintf(stderr, "escort approve: %s\n", err.msg);
		return 0;
	}
	ok = reply->reply->ok;
	if (!ok)
		fprintf(stderr, "escort approve: %s\n", reply->reply->error);
	frame_free(reply);
	return ok;
}

/* A critical item asks the escort at the terminal to type the program's
 * name, once escortd has said it would take the approval. -1: it would not
 * (said on stderr). */
static int ask_confirmation(const struct console_where *where, uint64_t id, char *out, size_t size)
{
	const Escort__PendingInfo *p;
	struct console c;
	struct error err;
	Frame *reply;
	int rc = 0;

	if (!isatty(STDIN_FILENO) || console_connect(&c, where, &err) < 0)
		return 0;
	if ((p = critical_item(&c, id, &reply)) != NULL) {
		if (!may_approve(&c, id)) {
			rc = -1;
		} else {
			fprintf(stderr,
				"approval %llu is CRITICAL. Type the program's name (%s) to "
				"approve: ",
				(unsigned long long)id, p->program);
			if (fgets(out, (int)size, stdin))
				out[strcspn(out, "\n")] = '\0';
		}
	}
	frame_free(reply);
	console_close(&c);
	return rc;
}

static int answer(int argc, char **argv, Escort__Verb verb)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	int approve = verb == ESCORT__VERB__VERB_APPROVE;
	enum approval_scope scope = SCOPE_ONCE;
	struct console_args a;
	char typed[256] = "", *end;
	int rc;

	if ((rc = console_args_parse(
		 argc, argv,
		 approve ? "escort approve ID [--scope once|tree|session|path] "
			   "[--path DIR] [--note TEXT] [--confirm PROGRAM] "
			   "[--socket PATH | --broker HOST:PORT]"
			 : "escort deny ID [--note TEXT] [--socket PATH | --broker HOST:PORT]",
		 approve ? "nscp" : "n", 1, &a)) >= 0)
		return rc;
	if (a.scope && approval_scope_parse(a.scope, &scope) < 0) {
		fprintf(stderr, "escort approve: the scope is once, tree, session or path\n");
		return EXIT_USAGE;
	}
	q.id = strtoull(a.operands[0], &end, 10);
	if (*end || q.id == 0) {
		fprintf(stderr, "escort %s: '%s' is not an approval number\n", verb_name(verb),
			a.operands[0]);
		return EXIT_USAGE;
	}
	q.confirm = (char *)a.confirm;
	if (approve && q.confirm[0] == '\0') {
		if (ask_confirmation(&a.where, q.id, typed, sizeof(typed)) < 0)
			return EXIT_FAILED;
		q.confirm = typed;
	}
	q.verb = verb;
	q.note = (char *)a.note;
	q.scope = (Escort__Scope)scope;
	q.path = (char *)a.path;
	return console_request_say(&a.where, &q);
}

int cmd_approve(int argc, char **argv)
{
	return answer(argc, argv, ESCORT__VERB__VERB_APPROVE);
}

int cmd_deny(int argc, char **argv)
{
	return answer(argc, argv, ESCORT__VERB__VERB_DENY);
}
