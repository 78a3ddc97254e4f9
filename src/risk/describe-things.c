#include "describe-things.h"
#include "describe.h"
#include "glossary.h"
#include "verbs.h"

#include "util/visible.h"

#include <string.h>

/* The kind of thing an option names, from its name without dashes and its
 * -id/-ids/-name ending: "instance" of --instance-ids. */
static const char *const endings[] = {"-ids",	     "-id",   "-names", "-name",
				      "-identifier", "-arns", "-arn",	NULL};

static const struct {
	const char *kind, *one, *many;
} kinds[] = {
    {"instance", "server (instance)", "servers (instances)"},
    {"db-instance", "database", "databases"},
    {"db-cluster", "database cluster", "database clusters"},
    {"bucket", "storage bucket", "storage buckets"},
    {"resource-group", "resource group", "resource groups"},
    {"g", "resource group", "resource groups"},
    {"cluster", "cluster", "clusters"},
    {"stack", "stack (a group of cloud resources)", "stacks (groups of cloud resources)"},
    {"function", "function", "functions"},
    {"volume", "disk (volume)", "disks (volumes)"},
    {"snapshot", "disk copy (snapshot)", "disk copies (snapshots)"},
    {"user", "account", "accounts"},
    {"member", "account", "accounts"},
    {"assignee", "account", "accounts"},
    {"role", "role", "roles"},
    {"clusterrole", "cluster-wide role", "cluster-wide roles"},
    {"serviceaccount", "program account", "program accounts"},
    {"group", "group", "groups"},
    {"key", "key", "keys"},
    {"secret", "secret", "secrets"},
    {"table", "table", "tables"},
    {"project", "project", "projects"},
    {"vpc", "private network", "private networks"},
    {"security-group", "firewall group (security group)", "firewall groups (security groups)"},
};

/* Options whose value is no thing acted on. */
static const char *const not_things[] = {"command", "query",  "output", "filter",
					 "profile", "region", "format", NULL};

/* The option's name without dashes and =value: "instance-ids". */
static size_t option_name(const char *a, char *out, size_t size)
{
	size_t n;

	a += a[1] == '-' ? 2 : 1;
	n = strcspn(a, "=");
	if (n == 0 || n >= size)
		return 0;
	memcpy(out, a, n);
	out[n] = '\0';
	return n;
}

/* The kind an option names ("" for --name, -n), or NULL for another
 * option; many: its plural. */
static const char *kind_of(const char *program, const char *opt, int many)
{
	static char kind[64];
	size_t n = strlen(opt);

	if (strcmp(program, "journalctl") == 0) /* -u nginx: the service's entries */
		return strcmp(opt, "u") == 0 || strcmp(opt, "unit") == 0
			   ? (many ? "services" : "service")
			   : NULL;
	if ((strcmp(opt, "n") == 0 && strcmp(program, "az") == 0) || strcmp(opt, "name") == 0 ||
	    strcmp(opt, "id") == 0)
		return "";
	if (strcmp(opt, "g") == 0 && strcmp(program, "az") != 0)
		return NULL;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(opt, kinds[i].kind) == 0)
			return many ? kinds[i].many : kinds[i].one;
	for (size_t i = 0; endings[i]; i++) {
		size_t e = strlen(endings[i]);
		if (n <= e || strcmp(opt + n - e, endings[i]) != 0 || n - e >= sizeof(kind))
			continue;
		memcpy(kind, opt, n - e);
		kind[n - e] = '\0';
		for (size_t k = 0; not_things[k]; k++)
			if (strcmp(kind, not_things[k]) == 0)
				return NULL;
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (strcmp(kind, kinds[k].kind) == 0)
				return many ? kinds[k].many : kinds[k].one;
		for (char *p = kind; *p; p++)
			*p = *p == '-' ? ' ' : *p;
		return kind;
	}
	return NULL;
}

static int computed(const char *value)
{
	return strncmp(value, "$(", 2) == 0 || value[0] == '`';
}

static void one_value(struct buf *b, const char *kind, const char *value)
{
	if (computed(value)) {
		size_t skip = value[0] == '`' ? 1 : 2, len = strlen(value);
		buf_append_str(b, "the ");
		buf_append_str(b, kind[0] ? kind : "things");
		buf_append_str(b, " whose names or IDs are printed, when the line runs, by \u201c");
		visible_append(b, value + skip, len > skip + 1 ? len - skip - 1 : 0);
		buf_append_str(b, "\u201d");
		return;
	}
	if (kind[0]) {
		buf_append_str(b, "the ");
		buf_append_str(b, kind);
		buf_putc(b, ' ');
	}
	describe_word(b, value, NULL);
}

/* What az's --name names, by its first subcommand word: "az vm delete --name
 * db01" deletes the server db01. */
static const char *az_kind(const struct real_command *c)
{
	static const struct {
		const char *word, *kind;
	} az[] = {
	    {"vm", "server (virtual machine)"},
	    {"vmss", "group of servers (scale set)"},
	    {"aks", "Kubernetes cluster"},
	    {"disk", "disk"},
	    {"snapshot", "disk copy (snapshot)"},
	    {"webapp", "web application"},
	    {"functionapp", "function application"},
	    {"keyvault", "key vault (where passwords and keys are kept)"},
	    {"acr", "container image registry"},
	};

	/* "az vm delete": the verb follows; "az keyvault secret show": a part */
	if (strcmp(c->name, "az") != 0 || c->operands.n < 2 ||
	    verb_of_word(c->operands.items[1]) == VERB_NONE)
		return "";
	for (size_t i = 0; i < sizeof(az) / sizeof(az[0]); i++)
		if (strcmp(c->operands.items[0], az[i].word) == 0)
			return az[i].kind;
	return "";
}

/* A value at i is followed by more of the list (aws --instance-ids i-1 i-2). */
static int listed(const struct real_command *c, size_t i)
{
	return strcmp(c->name, "aws") == 0 && i + 1 < c->args.n && c->args.items[i + 1][0] != '-';
}

/* aws takes lists: --instance-ids i-1 i-2. Returns the last one's index. */
static size_t more_values(struct buf *b, const struct real_command *c, size_t i)
{
	if (strcmp(c->name, "aws") != 0)
		return i;
	while (i + 1 < c->args.n && c->args.items[i + 1][0] != '-') {
		buf_append_str(b, " and ");
		describe_word(b, c->args.items[++i], NULL);
	}
	return i;
}

size_t describe_named_values(struct buf *b, const struct real_command *c)
{
	size_t named = 0;
	char opt[64];
	const char *group = NULL, *owner = NULL;

	/* only the tools whose options name their things (find -name is a pattern) */
	if (glossary_role(c->name) == NULL)
		return 0;

	for (size_t i = 0; i < c->args.n && named < 4; i++) {
		const char *a = c->args.items[i], *eq = strchr(a, '='), *kind, *value;
		if (a[0] != '-' || a[1] == '\0' || !option_name(a, opt, sizeof(opt)))
			continue;
		value = eq ? eq + 1 : i + 1 < c->args.n ? c->args.items[i + 1] : NULL;
		if (value == NULL || value[0] == '\0' || (value[0] == '-' && !eq))
			continue;
		if ((kind = kind_of(c->name, opt,
				    computed(value) || listed(c, i + (eq == NULL)))) == NULL)
			continue;
		if (strcmp(kind, "resource group") == 0 && !eq && i + 2 < c->args.n) {
			group = value; /* where the things are, said after them */
			i++;
			continue;
		}
		if (strcmp(kind, "account") == 0 && owner == NULL && c->verb == VERB_DESTROY) {
			owner = value; /* whose key or rights go: said after them */
			i += eq == NULL;
			continue;
		}
		if (kind[0] == '\0')
			kind = az_kind(c);
		buf_append_str(b, named ? ", " : "");
		one_value(b, kind, value);
		named++;
		i += eq == NULL;
		i = more_values(b, c, i);
	}
	if (owner && named) {
		buf_append_str(b, " of the account ");
		describe_word(b, owner, NULL);
	} else if (owner) {
		one_value(b, "account", owner);
		named++;
	}
	if (group && named) {
		buf_append_str(b, " in the resource group ");
		describe_word(b, group, NULL);
	} else if (group) {
		one_value(b, "resource group", group);
		named++;
	}
	return named;
}

/* plain_word: a subcommand word, not a path, pattern or value. */
static int subcommand_word(const char *w)
{
	size_t n = strlen(w);

	if (n == 0 || n > 40 || !(w[0] >= 'a' && w[0] <= 'z'))
		return 0;
	return strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

/* Up to three leading operands, ending with the first verb word
 * ("rollout restart", "ec2 terminate-instances", "projects delete"); only
 * the first when none of them is a verb. */
/* The index after the word that decided c's verb among its first four
 * operands, or 0. */
static size_t verb_end(const struct real_command *c)
{
	for (size_t i = 0; c->verb_word && i < 4 && i < c->operands.n; i++)
		if (strcmp(c->operands.items[i], c->verb_word) == 0)
			return i + 1;
	return 0;
}

int describe_action(struct buf *b, const struct real_command *c)
{
	size_t n = 0, verb_at = verb_end(c);

	while (!verb_at && n < 3 && n < c->operands.n && subcommand_word(c->operands.items[n])) {
		if (verb_of_word(c->operands.items[n++]) != VERB_NONE) {
			verb_at = n;
			break;
		}
	}
	n = verb_at ? verb_at : n;
	if (n == 0)
		return 0;
	n = verb_at ? verb_at : 1;
	buf_append_str(b, "\u201c");
	for (size_t i = 0, shown = 0; i < n; i++) {
		if (!subcommand_word(c->operands.items[i]))
			continue; /* ctr -n k8s.io images rm: a value, not a word of it */
		if (shown++)
			buf_putc(b, ' ');
		visible_append(b, c->operands.items[i], strlen(c->operands.items[i]));
	}
	buf_append_str(b, "\u201d");
	return 1;
}
