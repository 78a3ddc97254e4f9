#include "verbs.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define VERB_MAX 64
#define OPERANDS_SCANNED 4

static const char *const read_verbs[] = {"get",
					 "list",
					 "ls",
					 "describe",
					 "show",
					 "status",
					 "logs",
					 "log",
					 "plan",
					 "diff",
					 "inspect",
					 "version",
					 "top",
					 "check",
					 "info",
					 "view",
					 "search",
					 "history",
					 "explain",
					 "lint",
					 "validate",
					 "template",
					 "output",
					 "providers",
					 "tail",
					 "cat",
					 "ps",
					 "images",
					 "stats",
					 "events",
					 "ping",
					 "find",
					 "query",
					 "repoquery",
					 "lookup",
					 "whoami",
					 "can-i",
					 "cluster-info",
					 "api-resources",
					 "api-versions",
					 "current-context",
					 "df",
					 "count",
					 "print",
					 "verify",
					 "test",
					 "help",
					 "health",
					 "head",
					 "watch",
					 "wait",
					 "tree",
					 "graph",
					 "init",
					 "pull",
					 "fetch",
					 "fmt",
					 "read",
					 "dbsize",
					 "scan",
					 "keys",
					 "ttl",
					 "type",
					 "exists",
					 "mget",
					 "hget",
					 "hgetall",
					 "lrange",
					 "smembers",
					 "zrange",
					 "llen",
					 "strlen",
					 "hkeys",
					 "slowlog",
					 "monitor",
					 "memory",
					 "audit",
					 "outdated",
					 "freeze",
					 "policy",
					 "depends",
					 "rdepends",
					 "showpkg",
					 "madison",
					 "changelog",
					 "login",
					 "version",
					 "whatprovides",
					 "repolist",
					 "check-update",
					 "makecache",
					 "config-get",
					 "summary",
					 "usage",
					 "quota",
					 "wait-until",
					 "port-forward",
					 "versions",
					 "processlist",
					 "variables",
					 "extended-status",
					 "showhold",
					 "showmanual",
					 "showauto",
					 "list-units",
					 "blame",
					 "describe",
					 NULL};

/* Words that say "read" only when no other verb follows ("kubectl config
 * set-context" sets, "docker compose config" shows, "gcloud iam
 * service-accounts keys create" creates a key). */
static const char *const weak_read_verbs[] = {"config", "info",	  "env", "settings",
					      "keys",	"images", NULL};

static const char *const change_verbs[] = {
    "apply",	"set",	       "put",	    "patch",	 "update",   "upgrade", "install",
    "create",	"add",	       "start",	    "restart",	 "reload",   "scale",	"edit",
    "replace",	"run",	       "exec",	    "cp",	 "mv",	     "sync",	"attach",
    "enable",	"disable",     "stop",	    "cordon",	 "uncordon", "label",	"annotate",
    "tag",	"untag",       "modify",    "import",	 "taint",    "untaint", "push",
    "deploy",	"publish",     "mount",	    "unmount",	 "resize",   "rename",	"move",
    "copy",	"write",       "upload",    "send",	 "invoke",   "trigger", "authorize",
    "assign",	"grant",       "register",  "lock",	 "unlock",   "down",	"up",
    "build",	"commit",      "pause",	    "resume",	 "suspend",  "rotate",	"renew",
    "expose",	"autoscale",   "proxy",	    "incr",	 "decr",     "expire",	"lpush",
    "rpush",	"sadd",	       "hset",	    "mset",	 "setex",    "hmset",	"zadd",
    "insert",	"save",	       "bgsave",    "reboot",	 "cancel",   "retry",	"restart-service",
    "redeploy", "failover",    "promote",   "reindex",	 "vacuum",   "analyze", "refresh",
    "copy",	"reconfigure", "downgrade", "reinstall", "ci",	     "mask",	"unmask",
    "isolate",	NULL};

/* Removing or overwriting: high unless a profile says more. */
static const char *const destroy_verbs[] = {
    "delete",	 "destroy",	 "drop",       "rm",	       "rb",	    "rmi",	"remove",
    "terminate", "kill",	 "purge",      "prune",	       "reset",	    "truncate", "flush",
    "flushall",	 "flushdb",	 "wipe",       "erase",	       "uninstall", "revoke",	"drain",
    "del",	 "unlink",	 "deregister", "rollback",     "restore",   "migrate",	"undo",
    "alter",	 "overwrite",	 "shutdown",   "decommission", "evict",	    "nuke",	"clear",
    "clean",	 "force-delete", "autoremove", "expunge",      "undefine",  NULL};

static const char *const kind_names[] = {"none", "read", "change", "destroy"};

const char *verb_kind_name(int kind)
{
	return kind >= VERB_NONE && kind <= VERB_DESTROY ? kind_names[kind] : "none";
}

static int in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

int verb_of_word(const char *w)
{
	if (in_list(w, destroy_verbs))
		return VERB_DESTROY;
	if (in_list(w, change_verbs))
		return VERB_CHANGE;
	if (in_list(w, read_verbs))
		return VERB_READ;
	return VERB_NONE;
}

/* A subcommand word, lower case: "describe-instances" is judged by
 * "describe", "get-caller-identity" by "get". */
static int kind_of_operand(const char *op)
{
	char w[VERB_MAX];
	size_t n = strlen(op), dash;
	int kind;

	if (n == 0 || n >= sizeof(w) || strpbrk(op, "/.=:@$ ") != NULL)
		return VERB_NONE;
	for (size_t i = 0; i <= n; i++)
		w[i] = (char)tolower((unsigned char)op[i]);
	kind = verb_of_word(w);
	dash = strcspn(w, "-_");
	if (kind == VERB_NONE && w[dash] != '\0') {
		w[dash] = '\0';
		kind = verb_of_word(w);
	}
	/* "schedule-key-deletion", "batch-delete-items": a removing word
	 * anywhere in it. */
	for (char *part = w + dash + 1; kind == VERB_NONE && dash < n && part < w + n;) {
		size_t len = strcspn(part, "-_");
		part[len] = '\0';
		if (in_list(part, destroy_verbs) || strcmp(part, "deletion") == 0)
			kind = VERB_DESTROY;
		part += len + 1;
	}
	return kind;
}

/* --- what database clients are given ------------------------------------- */

static const char *const sql_read[] = {
    "select",	"show",	  "explain", "describe",   "desc",  "values", "table",	"\\l",
    "\\d",	"\\dt",	  "\\du",    "\\conninfo", "\\x",   "\\dn",   "\\di",	"\\df",
    "\\dv",	"\\db",	  "\\q",     "use",	   "begin", "commit", "status", "help",
    "\\timing", "listen", "\\c",     "\\dx",	   "\\dp",  NULL};
static const char *const sql_change[] = {"insert",  "create",  "copy",	  "set",     "vacuum",
					 "analyze", "reindex", "refresh", "cluster", "comment",
					 "call",    "do",      "lock",	  "load",    "checkpoint",
					 "notify",  "prepare", "execute", NULL};

/* sqlite3's dot-commands that only show (".tables", ".schema", ".dump"), and
 * those that write a file or set the session; ".import", ".restore", ".read",
 * ".shell" and unknown ones change what is stored or run more. */
static const char *const sqlite_dot_read[] = {
    "tables", "schema",	 "fullschema", "dump",	  "indexes", "indices",	  "databases",
    "dbinfo", "show",	 "help",       "headers", "header",  "mode",	  "stats",
    "timer",  "width",	 "changes",    "eqp",	  "echo",    "nullvalue", "separator",
    "print",  "lint",	 "version",    "quit",	  "exit",    "explain",	  "dbconfig",
    "prompt", "timeout", "bail",       "expert",  NULL};
static const char *const sqlite_dot_change[] = {"backup", "save", "output", "once", "excel", NULL};

/* One statement by its first word. */
static int sql_statement_kind(const char *s, size_t len)
{
	char w[VERB_MAX];
	size_t n = 0;

	while (len > 0 && (isspace((unsigned char)*s) || *s == '(')) {
		s++;
		len--;
	}
	while (n < len && n + 1 < sizeof(w) && !isspace((unsigned char)s[n]) && s[n] != '(')
		n++;
	if (n == 0)
		return VERB_NONE;
	for (size_t i = 0; i < n; i++)
		w[i] = (char)tolower((unsigned char)s[i]);
	w[n] = '\0';
	if (w[0] == '.') /* a sqlite3 dot-command */
		return in_list(w + 1, sqlite_dot_read)	   ? VERB_READ
		       : in_list(w + 1, sqlite_dot_change) ? VERB_CHANGE
							   : VERB_DESTROY;
	if (strcmp(w, "with") == 0) /* a query that may end in a change */
		return strcasestr(s, "update ") || strcasestr(s, "delete ") ||
			       strcasestr(s, "insert ")
			   ? VERB_DESTROY
			   : VERB_READ;
	if (in_list(w, sql_read))
		return VERB_READ;
	if (in_list(w, sql_change))
		return VERB_CHANGE;
	return VERB_DESTROY; /* update, delete, truncate, grant, alter, drop, or unknown */
}

/* mongo shell: every ".name(" call; reads unless it changes or removes. */
static int mongo_kind(const char *text)
{
	static const char *const destroy[] = {"drop",	"delete", "remove", "update",	"replace",
					      "rename", "grant",  "revoke", "shutdown", NULL};
	static const char *const change[] = {"insert", "create", "save", "bulkWrite", "set",
					     "run",    "eval",	 "add",	 NULL};
	int kind = VERB_NONE;

	for (const char *p = strchr(text, '.'); p; p = strchr(p + 1, '.')) {
		const char *end = p + 1;
		while (isalnum((unsigned char)*end) || *end == '_')
			end++;
		if (*end != '(' || end == p + 1)
			continue;
		int k = VERB_READ;
		for (size_t i = 0; destroy[i]; i++)
			if (strncasecmp(p + 1, destroy[i], strlen(destroy[i])) == 0)
				k = VERB_DESTROY;
		for (size_t i = 0; k == VERB_READ && change[i]; i++)
			if (strncmp(p + 1, change[i], strlen(change[i])) == 0)
				k = VERB_CHANGE;
		kind = k > kind ? k : kind;
	}
	return kind;
}

int verb_of_query(const char *text)
{
	int kind = VERB_NONE;

	if (strstr(text, "db.") != NULL || strstr(text, "rs.") != NULL)
		return mongo_kind(text);
	for (const char *s = text; *s;) {
		size_t len = strcspn(s, ";");
		int k = sql_statement_kind(s, len);
		kind = k > kind ? k : kind;
		s += len + (s[len] == ';');
	}
	return kind;
}

/* --- which text a client runs ---------------------------------------------- */

/* The value given to one of the options in names ("c", "command"), or NULL. */
static const char *option_value(const struct real_command *c, const char *const *names)
{
	const struct strlist *a = &c->args;

	for (size_t i = 0; i < a->n; i++) {
		const char *s = a->items[i];
		for (size_t k = 0; names[k]; k++) {
			size_t n = strlen(names[k]);
			if (strncmp(s, names[k], n) != 0)
				continue;
			if (s[n] == '\0' && i + 1 < a->n)
				return a->items[i + 1];
			if (s[n] == '=' && s[1] == '-')
				return s + n + 1;
		}
	}
	return NULL;
}

/* Each client's options that give it statements to run. */
static const struct {
	const char *name;
	const char *const *opts;
} clients[] = {
    {"psql", (const char *const[]){"-c", "--command", NULL}},
    {"mysql", (const char *const[]){"-e", "--execute", NULL}},
    {"mariadb", (const char *const[]){"-e", "--execute", NULL}},
    {"clickhouse-client", (const char *const[]){"-q", "--query", NULL}},
    {"cqlsh", (const char *const[]){"-e", "--execute", NULL}},
    {"sqlcmd", (const char *const[]){"-Q", "-q", NULL}},
    {"mongosh", (const char *const[]){"--eval", NULL}},
    {"mongo", (const char *const[]){"--eval", NULL}},
};

/* The kind of what a database client is given to run, or -1 for another
 * program. */
static int client_kind(const struct real_command *c, const char **word)
{
	const char *text = NULL;
	int client = 0;

	for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]) && !client; i++)
		if (strcmp(c->name, clients[i].name) == 0) {
			text = option_value(c, clients[i].opts);
			client = 1;
		}
	if (!client && strcmp(c->name, "sqlite3") == 0) {
		text = c->operands.n >= 2 ? c->operands.items[1] : NULL;
		client = 1;
	}
	if (!client)
		return -1;
	*word = text;
	return text ? verb_of_query(text) : VERB_NONE;
}

/* "tool --version", "tool --help": only options, and they only ask. */
static int asks_only(const struct real_command *c)
{
	static const char *const asking[] = {"--version", "--help", "-V", "-h",
					     "-version",  "-help",  NULL};

	if (c->args.n == 0)
		return 0;
	for (size_t i = 0; i < c->args.n; i++)
		if (!in_list(c->args.items[i], asking))
			return 0;
	return 1;
}

/* --dry-run, --simulate: the tool shows what it would do and does nothing. */
static int rehearsal(const struct real_command *c)
{
	static const char *const only_show[] = {"dry-run", "dryrun", "simulate", "noop", NULL};

	for (size_t i = 0; i < c->opts.n; i++)
		if (in_list(c->opts.items[i], only_show))
			return 1;
	return 0;
}

static int verb_of_operands(const struct real_command *c, const char **word);

int verb_of(const struct real_command *c, const char **word)
{
	int kind = verb_of_operands(c, word);

	return kind > VERB_READ && rehearsal(c) ? VERB_READ : kind;
}

static int verb_of_operands(const struct real_command *c, const char **word)
{
	int kind = client_kind(c, word);

	if (kind > VERB_NONE)
		return kind;
	if (asks_only(c)) {
		*word = c->args.items[0];
		return VERB_READ;
	}
	if (kind == VERB_NONE)
		return kind;
	*word = NULL;
	for (size_t i = 0; i < c->operands.n && i < OPERANDS_SCANNED; i++) {
		/* a weak word is a noun when a verb follows: "keys create" */
		kind = in_list(c->operands.items[i], weak_read_verbs)
			   ? VERB_NONE
			   : kind_of_operand(c->operands.items[i]);
		if (kind != VERB_NONE) {
			*word = c->operands.items[i];
			return kind;
		}
		if (*word == NULL && in_list(c->operands.items[i], weak_read_verbs))
			*word = c->operands.items[i];
	}
	return *word ? VERB_READ : VERB_NONE;
}
