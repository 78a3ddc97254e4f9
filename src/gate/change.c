#include "change.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const kind_names[CHANGE_KIND_COUNT] = {
    [CHANGE_WRITE] = "write",	[CHANGE_CREATE] = "create",   [CHANGE_TRUNCATE] = "truncate",
    [CHANGE_DELETE] = "delete", [CHANGE_RMDIR] = "rmdir",     [CHANGE_RENAME] = "rename",
    [CHANGE_LINK] = "link",	[CHANGE_SYMLINK] = "symlink", [CHANGE_MKDIR] = "mkdir",
    [CHANGE_MKNOD] = "mknod",	[CHANGE_MODE] = "mode",	      [CHANGE_OWNER] = "owner",
    [CHANGE_XATTR] = "xattr",	[CHANGE_OPEN] = "open",	      [CHANGE_CONNECT] = "connect",
    [CHANGE_SEND] = "send",	[CHANGE_BIND] = "bind",
};

const char *change_kind_name(enum change_kind k)
{
	return k < CHANGE_KIND_COUNT ? kind_names[k] : "?";
}

void change_describe(const struct change *c, char *out, size_t size)
{
	const char *p = c->path.path, *q = c->path2.path;

	switch (c->kind) {
	case CHANGE_RENAME:
		snprintf(out, size, "rename %s to %s", p, q);
		break;
	case CHANGE_LINK:
		snprintf(out, size, "link %s as %s", p, q);
		break;
	case CHANGE_SYMLINK:
		snprintf(out, size, "symlink %s pointing to %s", q, c->text);
		break;
	case CHANGE_MODE:
		snprintf(out, size, "mode %04o on %s", (unsigned)(c->mode & 07777), p);
		break;
	case CHANGE_OWNER:
		snprintf(out, size, "owner %d:%d of %s", (int)c->owner, (int)c->group, p);
		break;
	case CHANGE_XATTR: /* "ioctl file attributes: immutable on /srv/x" */
		snprintf(out, size, "%s %s on %s", change_is_file_flags(c) ? "ioctl" : "xattr",
			 c->xattr, p);
		break;
	case CHANGE_CONNECT:
	case CHANGE_SEND:
	case CHANGE_BIND: /* "connect to 203.0.113.5 port 80", as the call named it */
		snprintf(out, size, "%s %s", c->call, c->text);
		break;
	default:
		snprintf(out, size, "%s %s", change_kind_name(c->kind), p);
	}
}

void change_free(struct change *c)
{
	walked_close(&c->path);
	walked_close(&c->path2);
	walk_start_close(&c->start);
	walk_start_close(&c->start2);
	free(c->value);
	c->value = NULL;
}

static const char *const plain_verbs[CHANGE_KIND_COUNT] = {
    [CHANGE_WRITE] = "Writes into",
    [CHANGE_CREATE] = "Creates or overwrites",
    [CHANGE_TRUNCATE] = "Empties",
    [CHANGE_DELETE] = "Deletes",
    [CHANGE_RMDIR] = "Deletes the folder",
    [CHANGE_RENAME] = "Renames",
    [CHANGE_LINK] = "Gives a second name to",
    [CHANGE_SYMLINK] = "Makes a shortcut at",
    [CHANGE_MKDIR] = "Makes the folder",
    [CHANGE_MKNOD] = "Makes the special file",
    [CHANGE_MODE] = "Changes who may read, change or run",
    [CHANGE_OWNER] = "Changes the owner of",
    [CHANGE_XATTR] = "Changes hidden attributes of",
    [CHANGE_OPEN] = "Opens",
    [CHANGE_CONNECT] = "Connects to",
    [CHANGE_SEND] = "Sends data to",
    [CHANGE_BIND] = "Listens for connections on",
};

void change_plain(const struct change *c, char *out, size_t size)
{
	const char *verb = c->kind < CHANGE_KIND_COUNT ? plain_verbs[c->kind] : "Changes";

	if (c->kind == CHANGE_RENAME)
		snprintf(out, size, "%s %s to %s", verb, c->path.path, c->path2.path);
	else if (c->kind == CHANGE_LINK)
		snprintf(out, size, "%s %s: %s", verb, c->path.path, c->path2.path);
	else if (c->kind == CHANGE_SYMLINK)
		snprintf(out, size, "%s %s leading to %s", verb, c->path2.path, c->text);
	else if (change_is_file_flags(c))
		snprintf(out, size, "Sets the %s of %s", c->xattr, c->path.path);
	else
		snprintf(out, size, "%s %s", verb, c->path.path);
}

void change_forget(struct change *c)
{
	c->path.dir = c->path.object = c->path2.dir = c->path2.object = -1;
	c->start.root = c->start.dir = c->start2.root = c->start2.dir = -1;
	c->value = NULL;
}

int change_is_file_flags(const struct change *c)
{
	return c->kind == CHANGE_XATTR && strcmp(c->call, "ioctl") == 0;
}

int change_is_network(const struct change *c)
{
	return c->kind == CHANGE_CONNECT || c->kind == CHANGE_SEND || c->kind == CHANGE_BIND;
}
