/* escort approve ID [--scope once|tree|session] [--note TEXT] [--confirm NAME]
 * escort deny ID [--note TEXT] */
#include "commands.h"
#include "console/client.h"
#include "gate/policy.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int usage(const char *verb, int help)
{
	if (strcmp(verb, "approve") == 0)
		fputs("usage: escort approve ID [--scope once|tree|session] [--note TEXT]\n"
		      "                         [--confirm PROGRAM] [--socket PATH]\n"
		      "  a critical command needs its program's name typed (--confirm, or asked)\n",
		      help ? stdout : stderr);
	else
		fputs("usage: escort deny ID [--note TEXT] [--socket PATH]\n",
		      help ? stdout : stderr);
	return help ? 0 : EXIT_USAGE;
}

/* A critical item asks the escort at the terminal to type the program's name. */
static void ask_confirmation(const char *socket, uint64_t id, char *out, size_t size)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	struct console c;
	struct error err;
	Frame *reply;

	if (!isatty(STDIN_FILENO) || console_open(&c, socket, &err) < 0)
		return;
	q.verb = "pending";
	reply = console_ask(&c, &q, &err);
	console_close(&c);
	for (size_t i = 0; reply && i < reply->reply->n_pending; i++) {
		const Escort__PendingInfo *p = reply->reply->pending[i];
		if (p->id != id || p->level < 4)
			continue;
		fprintf(stderr,
			"approval %llu is CRITICAL. Type the program's name (%s) to approve: ",
			(unsigned long long)id, p->program);
		if (fgets(out, (int)size, stdin))
			out[strcspn(out, "\n")] = '\0';
	}
	frame_free(reply);
}

static int answer(int argc, char **argv, const char *verb)
{
	static const struct option options[] = {
	    {"scope", required_argument, NULL, 's'},   {"note", required_argument, NULL, 'n'},
	    {"confirm", required_argument, NULL, 'c'}, {"socket", required_argument, NULL, 'S'},
	    {"help", no_argument, NULL, 'h'},	       {0}};
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	const char *socket = NULL;
	enum approval_scope scope = SCOPE_ONCE;
	char typed[256] = "", *end;
	int opt, rc;
	Frame *reply;

	optind = 1;
	q.note = "";
	q.confirm = "";
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 's' && strcmp(verb, "approve") == 0) {
			if (approval_scope_parse(optarg, &scope) < 0) {
				fprintf(stderr,
					"escort approve: the scope is once, tree or session\n");
				return EXIT_USAGE;
			}
		} else if (opt == 'n')
			q.note = optarg;
		else if (opt == 'c' && strcmp(verb, "approve") == 0)
			q.confirm = optarg;
		else if (opt == 'S')
			socket = optarg;
		else
			return usage(verb, opt == 'h');
	}
	if (optind + 1 != argc)
		return usage(verb, 0);
	q.id = strtoull(argv[optind], &end, 10);
	if (*end || q.id == 0) {
		fprintf(stderr, "escort %s: '%s' is not an approval number\n", verb, argv[optind]);
		return EXIT_USAGE;
	}
	if (strcmp(verb, "approve") == 0 && q.confirm[0] == '\0') {
		ask_confirmation(socket, q.id, typed, sizeof(typed));
		q.confirm = typed;
	}
	q.verb = (char *)verb;
	q.scope = (uint32_t)scope;
	if ((rc = console_request_once(verb, socket, &q, &reply)) != 0)
		return rc;
	printf("%s\n", reply->reply->message);
	frame_free(reply);
	return 0;
}

int cmd_approve(int argc, char **argv)
{
	return answer(argc, argv, "approve");
}

int cmd_deny(int argc, char **argv)
{
	return answer(argc, argv, "deny");
}
