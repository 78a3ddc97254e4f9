/* What a find command selects, in words: its starting folders and its tests. */
#include "describe.h"

#include "util/visible.h"

#include <stdlib.h>
#include <string.h>

static const char *arg_after(const struct real_command *c, const char *test)
{
	for (size_t i = 0; i + 1 < c->args.n; i++)
		if (strcmp(c->args.items[i], test) == 0)
			return c->args.items[i + 1];
	return NULL;
}

static int has_arg(const struct real_command *c, const char *test)
{
	for (size_t i = 0; i < c->args.n; i++)
		if (strcmp(c->args.items[i], test) == 0)
			return 1;
	return 0;
}

static void what_kind(struct buf *b, const struct real_command *c)
{
	const char *type = arg_after(c, "-type");

	if (type && strcmp(type, "f") == 0)
		buf_append_str(b, "every file");
	else if (type && strcmp(type, "d") == 0)
		buf_append_str(b, "every folder");
	else if (type && strcmp(type, "l") == 0)
		buf_append_str(b, "every shortcut (symbolic link)");
	else
		buf_append_str(b, "every file and folder");
}

static void where(struct buf *b, const struct real_command *c)
{
	const char *starts[8];
	size_t n = describe_objects(c, starts, 8);

	if (n == 0) {
		buf_append_str(b, " in the current folder");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		int whole = strcmp(starts[i], "/") == 0;
		buf_append_str(b, i > 0 ? (i + 1 == n ? " and " : ", ") : whole ? " on " : " in ");
		describe_word(b, starts[i], NULL);
	}
}

static void quoted(struct buf *b, const char *before, const char *s)
{
	buf_append_str(b, before);
	buf_append_str(b, "\u201c");
	visible_append(b, s, strlen(s));
	buf_append_str(b, "\u201d");
}

/* -mtime +30: "last changed more than 30 days ago". */
static void age(struct buf *b, const char *value, const char *what, const char *unit)
{
	const char *n = value + (value[0] == '+' || value[0] == '-');

	if (strspn(n, "0123456789") != strlen(n) || n[0] == '\0') {
		quoted(b, " with a time test ", value);
		return;
	}
	if (value[0] == '+')
		buf_printf(b, " last %s more than %s %s ago", what, n, unit);
	else if (value[0] == '-')
		buf_printf(b, " %s in the last %s %s", what, n, unit);
	else
		buf_printf(b, " last %s %s %s ago", what, n, unit);
}

static void size(struct buf *b, const char *value)
{
	if (value[0] == '+')
		quoted(b, " larger than ", value + 1);
	else if (value[0] == '-')
		quoted(b, " smaller than ", value + 1);
	else
		quoted(b, " of size ", value);
}

static void tests(struct buf *b, const struct real_command *c)
{
	static const struct {
		const char *test, *what, *unit;
	} ages[] = {{"-mtime", "changed", "days"}, {"-mmin", "changed", "minutes"},
		    {"-ctime", "changed", "days"}, {"-cmin", "changed", "minutes"},
		    {"-atime", "opened", "days"},  {"-amin", "opened", "minutes"}};
	const char *v;

	if ((v = arg_after(c, "-name")) || (v = arg_after(c, "-iname")))
		quoted(b, " named ", v);
	if ((v = arg_after(c, "-path")) || (v = arg_after(c, "-wholename")))
		quoted(b, " whose path matches ", v);
	for (size_t i = 0; i < sizeof(ages) / sizeof(ages[0]); i++)
		if ((v = arg_after(c, ages[i].test)))
			age(b, v, ages[i].what, ages[i].unit);
	if ((v = arg_after(c, "-size")))
		size(b, v);
	if ((v = arg_after(c, "-user")))
		quoted(b, " owned by ", v);
	if ((v = arg_after(c, "-newer")))
		quoted(b, " changed after ", v);
	if ((v = arg_after(c, "-perm")) && strstr(v, "4000"))
		buf_append_str(b, " that run with their owner's rights (setuid)");
	else if (v)
		quoted(b, " with permissions ", v);
	if (has_arg(c, "-empty"))
		buf_append_str(b, " that is empty");
}

void describe_found(struct buf *b, const struct real_command *find)
{
	const char *depth = arg_after(find, "-maxdepth");

	what_kind(b, find);
	where(b, find);
	tests(b, find);
	if (depth && strcmp(depth, "1") == 0)
		buf_append_str(b, " (not in the folders below)");
	else if (depth == NULL || atoi(depth) > 1)
		buf_append_str(b, ", in every folder below it");
}
