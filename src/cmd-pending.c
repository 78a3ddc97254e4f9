/* escort pending [--json] [--socket PATH | --broker HOST:PORT]: what waits for an escort. */
#include "commands.h"
#include "console/args.h"
#include "console/client.h"
#include "console/show.h"

#include <stdio.h>

int cmd_pending(int argc, char **argv)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	struct console_args a;
	struct buf out = {0};
	Frame *reply;
	int rc;

	if ((rc = console_args_parse(argc, argv,
				     "escort pending [--json] [--socket PATH | --broker HOST:PORT]",
				     "j", 0, &a)) >= 0)
		return rc;
	q.verb = ESCORT__VERB__VERB_PENDING;
	if ((rc = console_request_once(&a.where, &q, &reply)) != 0)
		return rc;
	if (a.json)
		show_pending_json(&out, reply->reply->pending, reply->reply->n_pending);
	else if (reply->reply->n_pending == 0)
		buf_append_str(&out, "nothing waits for approval\n");
	for (size_t i = 0; !a.json && i < reply->reply->n_pending; i++) {
		show_pending_text(&out, reply->reply->pending[i], "\n");
		buf_putc(&out, '\n');
	}
	if (reply->reply->omitted)
		fprintf(stderr,
			"escort pending: %u more wait and are not shown (they do not fit in one "
			"answer): answer the ones shown first\n",
			reply->reply->omitted);
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	frame_free(reply);
	return EXIT_OK;
}
