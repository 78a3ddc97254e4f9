/* {sudoers}: what a sudoers line written by echo or printf gives, in words:
 * "deploy ALL=(ALL) NOPASSWD:ALL" gives deploy the right to run every
 * command as the administrator (root), without typing a password. Text
 * only. */
#include "describe-sudoers.h"

#include "util/visible.h"

#include <stdio.h>
#include <string.h>

/* The text echo or printf writes: its operands, joined. */
static void written_text(const struct real_command *c, char *out, size_t size)
{
	size_t used = 0;

	out[0] = '\0';
	for (size_t i = 0; i < c->operands.n && used + 1 < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%s", i ? " " : "",
					 c->operands.items[i]);
}

int describe_sudoers(struct buf *b, const struct real_command *c)
{
	char text[512], who[128];
	const char *eq, *cmds;

	if (strcmp(c->name, "echo") != 0 && strcmp(c->name, "printf") != 0)
		return 0;
	written_text(c, text, sizeof(text));
	if (sscanf(text, "%127s", who) != 1 || (eq = strchr(text, '=')) == NULL)
		return 0;
	cmds = strrchr(eq, ')') ? strrchr(eq, ')') + 1 : eq + 1;
	cmds += strspn(cmds, " ");
	if (strncmp(cmds, "NOPASSWD:", 9) == 0)
		cmds += 9;
	buf_append_str(b, "it gives ");
	visible_append(b, who, strlen(who));
	if (strncmp(cmds, "ALL", 3) == 0)
		buf_append_str(b, " the right to run every command as the administrator (root)");
	else {
		buf_append_str(b, " the right to run \u201c");
		visible_append(b, cmds, strcspn(cmds, "\n"));
		buf_append_str(b, "\u201d as the administrator (root)");
	}
	if (strstr(text, "NOPASSWD") != NULL)
		buf_append_str(b, ", without typing a password");
	return 1;
}
