/* {journal}: what journalctl's clean-up options do to the system's log, and
 * how much of it goes: "--vacuum-time=1s" deletes every entry older than a
 * second, which is nearly the whole log. Text only. */
#include "describe-journal.h"

#include <stdlib.h>
#include <string.h>

/* The value of --NAME=VALUE or --NAME VALUE, or NULL. */
static const char *value_of(const struct real_command *c, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < c->args.n; i++) {
		const char *a = c->args.items[i];
		if (strncmp(a, "--", 2) != 0 || strncmp(a + 2, name, n) != 0)
			continue;
		if (a[2 + n] == '=')
			return a + 3 + n;
		if (a[2 + n] == '\0' && i + 1 < c->args.n)
			return c->args.items[i + 1];
	}
	return NULL;
}

/* A time of two days or less ("1s", "30min", "12h", "2d"): nearly all. */
static int short_time(const char *v)
{
	char *end;
	double n = strtod(v, &end);

	if (end == v || strncmp(end, "mo", 2) == 0 || *end == 'w' || *end == 'y')
		return 0;
	return *end == 'd' ? n <= 2 : 1;
}

/* A size under 100 megabytes ("1M", "500K"): nearly all. */
static int small_size(const char *v)
{
	char *end;
	double n = strtod(v, &end);

	if (end == v)
		return 0;
	return *end == '\0' || *end == 'K' || *end == 'k' || (*end == 'M' && n < 100);
}

static void say(struct buf *b, const char *what, const char *v, const char *tail)
{
	buf_append_str(b, what);
	buf_append_str(b, v);
	buf_append_str(b, tail);
}

int describe_journal(struct buf *b, const struct real_command *c)
{
	const char *v;

	if ((v = value_of(c, "vacuum-time")) != NULL)
		say(b, "it deletes every entry older than ", v,
		    short_time(v) ? " — that is nearly the whole log" : "");
	else if ((v = value_of(c, "vacuum-size")) != NULL)
		say(b, "it deletes the oldest entries until the log takes at most ", v,
		    small_size(v) ? " — that is nearly the whole log" : " of disk space");
	else if ((v = value_of(c, "vacuum-files")) != NULL)
		say(b, "it deletes all but the newest ", v, " of the log's files");
	else
		return 0;
	return 1;
}
