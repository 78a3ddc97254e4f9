#include "fill.h"

#include "describe-archive.h"
#include "describe-journal.h"
#include "describe-prune.h"
#include "describe-sql.h"
#include "describe-sudoers.h"
#include "describe-things.h"
#include "describe-verb.h"
#include "describe.h"
#include "glossary.h"
#include "util/buf.h"
#include "util/visible.h"
#include "util/xmalloc.h"
#include "verbs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LIST_SHOWN 4

static void append_list(struct buf *b, const struct strlist *l, const char *none)
{
	size_t shown = l->n < LIST_SHOWN ? l->n : LIST_SHOWN;

	if (l->n == 0) {
		buf_append_str(b, none);
		return;
	}
	for (size_t i = 0; i < shown; i++) {
		if (i > 0)
			buf_append_str(b, i + 1 == shown && shown == l->n ? " and " : ", ");
		visible_append(b, l->items[i], strlen(l->items[i]));
	}
	if (l->n > shown)
		buf_printf(b, " and %zu more", l->n - shown);
}

static void append_value(struct buf *b, const char *s, const char *none)
{
	if (s == NULL || s[0] == '\0')
		buf_append_str(b, none);
	else
		visible_append(b, s, strlen(s));
}

/* Stands for a placeholder with nothing to fill in, until tidy() removes the
 * words around it. */
#define EMPTY '\x01'

enum which { ALL, FIRST, LAST };

static int is_word(const char *s, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		if (strcmp(s, words[i]) == 0)
			return 1;
	return 0;
}

/* systemctl stop sshd: "sshd (remote logins to this machine)"; removed by a
 * package manager or helm, what stops without it too. */
static void service_gloss(struct buf *b, const struct real_command *c, const char *w)
{
	static const char *const managers[] = {"systemctl", "service", "rc-service", NULL};
	static const char *const removers[] = {"apt",	 "apt-get", "aptitude", "dnf",	"yum",
					       "zypper", "apk",	    "pacman",	"snap", "dpkg",
					       "rpm",	 "helm",    NULL};
	const char *what = glossary_service(w), *without = glossary_service_without(w);
	int removes = is_word(c->name, removers) && c->verb == VERB_DESTROY;

	if (what == NULL || (!is_word(c->name, managers) && !removes))
		return;
	buf_append_str(b, " (");
	buf_append_str(b, what);
	if (removes && without) {
		buf_append_str(b, ": without it, ");
		buf_append_str(b, without);
	}
	buf_putc(b, ')');
}

static int has_option(const struct real_command *c, const char *name)
{
	for (size_t i = 0; i < c->opts.n; i++)
		if (strcmp(c->opts.items[i], name) == 0)
			return 1;
	return 0;
}

/* kubectl's kinds in words: "the pod api-1 (a running copy of an
 * application)", "deployment/api (an application and how many copies of it
 * run)". */
static void kube_gloss(struct buf *b, const struct real_command *c, const char *w)
{
	const char *what;
	size_t len;
	int plural;

	if (!describe_kind_first(c))
		return;
	what = glossary_kube_kind(w, strcspn(w, "/"));
	if (what == NULL)
		return;
	len = strcspn(w, "/");
	plural = len > 3 && w[len - 1] == 's' &&
		 (strncmp(what, "a ", 2) == 0 || strncmp(what, "an ", 3) == 0 ||
		  strncmp(what, "one ", 4) == 0);
	buf_append_str(b, plural ? " (each " : " (");
	buf_append_str(b, what);
	buf_putc(b, ')');
}

/* {operands}, {path}, {target}: the command's objects in words. */
static void append_objects(struct buf *b, const struct real_command *c,
			   const struct real_command *finder, enum which which)
{
	const char *objs[LIST_SHOWN + 64];
	size_t n = describe_objects(c, objs, sizeof(objs) / sizeof(objs[0]));
	size_t shown = n < LIST_SHOWN ? n : LIST_SHOWN, objs_from = 0;

	if (n == 0) {
		if (!describe_none(b, c))
			buf_putc(b, EMPTY);
		return;
	}
	if (which != ALL) {
		describe_object(b, c, objs[which == FIRST ? 0 : n - 1], finder);
		return;
	}
	if (n == 1 && describe_kind_first(c) && strcmp(objs[0], "all") == 0) {
		buf_append_str(b, "everything (every application and its parts)");
		return; /* kubectl delete all --all */
	}
	if (n == 1 && describe_kind_first(c) && has_option(c, "all"))
		buf_append_str(b, "all the "); /* kubectl delete pvc --all */
	if (n >= 2 && describe_kind_first(c) && strchr(objs[0], '/') == NULL) {
		buf_append_str(b, "the ");
		visible_append(b, objs[0], strlen(objs[0]));
		buf_putc(b, ' ');
		n--;
		shown = n < LIST_SHOWN ? n : LIST_SHOWN;
		objs_from++;
	}
	for (size_t i = 0; i < shown; i++) {
		if (i > 0)
			buf_append_str(b, i + 1 == shown && shown == n ? " and " : ", ");
		describe_object(b, c, objs[objs_from + i], finder);
		if (objs_from == 0)
			kube_gloss(b, c, objs[i]);
		service_gloss(b, c, objs[objs_from + i]);
	}
	if (n > shown)
		buf_printf(b, " and %zu more", n - shown);
	if (objs_from)
		kube_gloss(b, c, objs[0]);
}

/* A file of the list is also an option's value ("touch -d 2020-01-01 FILE"). */
static int option_value(const struct real_command *c, const char *w, const char *const *objs,
			size_t n)
{
	int is_arg = 0, is_obj = 0;

	for (size_t k = 0; k < c->args.n; k++)
		is_arg |= strcmp(c->args.items[k], w) == 0;
	for (size_t k = 0; k < n; k++)
		is_obj |= strcmp(objs[k], w) == 0;
	return is_arg && !is_obj;
}

/* {writes}, {reads}: the files, in words; an option's value is left out
 * unless nothing else is left. */
/* scp/rsync's "user@host:path": a place on another computer, not a file of
 * this machine that is read. */
static int other_computer(const struct real_command *c, const char *w)
{
	static const char *const copiers[] = {"scp", "rsync", "sftp", NULL};
	size_t n = strcspn(w, ":/");

	return is_word(c->name, copiers) && n > 0 && w[n] == ':' && w[0] != '.' && w[0] != '~';
}

static int not_a_file(const struct real_command *c, const char *w, const char **objs, size_t n)
{
	return option_value(c, w, objs, n) || strstr(w, "://") || other_computer(c, w);
}

static void append_files(struct buf *b, const struct real_command *c, const struct strlist *files)
{
	const char *objs[64];
	size_t n = describe_objects(c, objs, 64), shown = 0, total = 0, kept = 0;

	for (size_t i = 0; i < files->n; i++)
		kept += !not_a_file(c, files->items[i], objs, n);
	for (size_t i = 0; i < files->n; i++) {
		if (kept > 0 && not_a_file(c, files->items[i], objs, n))
			continue;
		if (shown > 0 && shown < LIST_SHOWN)
			buf_append_str(b, ", ");
		if (shown < LIST_SHOWN)
			describe_object(b, c, files->items[i], NULL);
		shown += shown < LIST_SHOWN;
		total++;
	}
	if (total == 0)
		buf_putc(b, EMPTY);
	else if (total > shown)
		buf_printf(b, " and %zu more", total - shown);
}

static void append_found(struct buf *b, const struct real_command *c,
			 const struct real_command *finder)
{
	if (strcmp(c->name, "find") == 0)
		describe_found(b, c);
	else if (finder)
		describe_found(b, finder);
	else
		buf_putc(b, EMPTY);
}

/* Replaces every from in s with to, which is not longer. */
static void shrink_all(char *s, const char *from, const char *to)
{
	size_t flen = strlen(from), tlen = strlen(to);
	char *at;

	while ((at = strstr(s, from)) != NULL) {
		memmove(at + tlen, at + flen, strlen(at + flen) + 1);
		memcpy(at, to, tlen);
	}
}

/* Drops the words around a placeholder that had nothing to fill in: "(ss ?)"
 * is "(ss)", "a service: ?." is "a service.", "(?)" goes; else the reader
 * is told what is missing. */
static char *tidy(struct buf *b)
{
	static const struct {
		const char *from, *to;
	} drops[] = {{", about \x01", ""}, {", with the command \x01", ""},
		     {" (\x01)", ""},	   {"(\x01)", ""},
		     {" \x01)", ")"},	   {": \x01.", "."},
		     {": \x01", ""},	   {" \x01 ", " "}};
	char *s = xstrdup(buf_cstr(b)), *at;

	if (strchr(s, EMPTY) == NULL)
		return s; /* every placeholder had something to fill in */
	for (size_t i = 0; i < sizeof(drops) / sizeof(drops[0]); i++)
		shrink_all(s, drops[i].from, drops[i].to);
	while ((at = strchr(s, EMPTY)) != NULL) {
		struct buf t = {0};
		buf_append(&t, s, (size_t)(at - s));
		buf_append_str(&t, "what the command is given");
		buf_append_str(&t, at + 1);
		free(s);
		s = xstrdup(buf_cstr(&t));
		buf_free(&t);
	}
	return s;
}

/* {things}: the command's objects, else the things its options name, else
 * the files it reads (openssl -in FILE), else what the program before it in
 * a pipe prints. */
static void append_things(struct buf *b, const struct real_command *c,
			  const struct real_command *finder)
{
	const char *objs[1];

	if (describe_named_values(b, c) > 0) {
		return;
	} else if (describe_objects(c, objs, 1) > 0) {
		append_objects(b, c, finder, ALL);
	} else if (c->reads.n > 0 && strchr(c->reads.items[0], '/')) {
		append_files(b, c, &c->reads);
	} else if (c->piped_from) {
		buf_append_str(b, "what ");
		visible_append(b, c->piped_from, strlen(c->piped_from));
		buf_append_str(b, " prints");
	} else {
		buf_putc(b, EMPTY);
	}
}

/* {values}: the values of its options, in words (the files a "(chain)
 * send-out" sends). */
static void append_values(struct buf *b, const struct real_command *c)
{
	size_t shown = c->values.n < LIST_SHOWN ? c->values.n : LIST_SHOWN;

	if (c->values.n == 0)
		buf_putc(b, EMPTY);
	for (size_t i = 0; i < shown; i++) {
		if (i > 0)
			buf_append_str(b, i + 1 == shown && shown == c->values.n ? " and " : ", ");
		describe_word(b, c->values.items[i], NULL);
	}
	if (c->values.n > shown)
		buf_printf(b, " and %zu more", c->values.n - shown);
}

/* {group}: the first powerful group the command names, and what its
 * members may do. */
static void append_group(struct buf *b, const struct real_command *c)
{
	for (size_t i = 0; i < c->args.n; i++) {
		char name[65], *save = NULL;
		const char *what;
		snprintf(name, sizeof(name), "%s", c->args.items[i]);
		for (char *t = strtok_r(name, ",", &save); t; t = strtok_r(NULL, ",", &save))
			if ((what = glossary_group(t)) != NULL) {
				buf_printf(b, "the group %s, where %s", t, what);
				return;
			}
	}
	buf_putc(b, EMPTY);
}

/* {shows}; "id deploy" shows the account deploy, not the one in use. */
static void append_shows(struct buf *b, const struct real_command *c)
{
	static const char *const accounts[] = {"id", "groups", NULL};

	if (is_word(c->name, accounts) && c->operands.n == 1) {
		buf_append_str(b, "the account ");
		visible_append(b, c->operands.items[0], strlen(c->operands.items[0]));
		buf_printf(b, " and its groups (%s)", c->name);
		return;
	}
	glossary_append_shows(b, c->name);
}

/* {sql}: what the query of a database client does. */
static void append_sql(struct buf *b, const struct real_command *c)
{
	if (strcmp(c->name, "redis-cli") == 0 || strcmp(c->name, "keydb-cli") == 0) {
		buf_append_str(b, "runs the command \u201c");
		for (size_t i = 0; i < c->operands.n && i < 8; i++) {
			buf_append_str(b, i ? " " : "");
			visible_append(b, c->operands.items[i], strlen(c->operands.items[i]));
		}
		buf_append_str(b, "\u201d");
	} else if (c->verb_word == NULL || !describe_sql(b, c->verb_word)) {
		buf_putc(b, EMPTY);
	}
}

/* One placeholder's value; 0 when key is none. */
/* One socat address in words ("10.0.0.5 port 5432", "port 8080"); *listens
 * is set for a *-LISTEN address. Returns 0 for one it does not know. */
static int socat_address(struct buf *b, const char *spec, int *listens)
{
	char type[32], rest[256];
	size_t n = strcspn(spec, ":"), r;
	const char *port;

	*listens = 0;
	if (strcmp(spec, "-") == 0 || strcasecmp(spec, "STDIO") == 0) {
		buf_append_str(b, "this terminal");
		return 1;
	}
	if (spec[n] != ':' || n == 0 || n >= sizeof(type))
		return 0;
	memcpy(type, spec, n);
	type[n] = '\0';
	r = strcspn(spec + n + 1, ",");
	if (r == 0 || r >= sizeof(rest))
		return 0;
	memcpy(rest, spec + n + 1, r);
	rest[r] = '\0';
	if (strcasestr(type, "-LISTEN") != NULL && strncasecmp(type, "UNIX", 4) != 0) {
		*listens = 1;
		buf_append_str(b, "port ");
		visible_append(b, rest, strlen(rest));
		return 1;
	}
	if (strcasecmp(type, "EXEC") == 0 || strcasecmp(type, "SYSTEM") == 0) {
		buf_append_str(b, "a program it runs, \u201c");
		visible_append(b, rest, strlen(rest));
		buf_append_str(b, "\u201d");
		return 1;
	}
	if (strncasecmp(type, "UNIX", 4) == 0) {
		*listens = strcasestr(type, "LISTEN") != NULL;
		buf_append_str(b, "the local connection point (socket) ");
		visible_append(b, rest, strlen(rest));
		return 1;
	}
	if (strncasecmp(type, "TCP", 3) != 0 && strncasecmp(type, "UDP", 3) != 0 &&
	    strcasecmp(type, "OPENSSL") != 0 && strcasecmp(type, "SSL") != 0)
		return 0;
	if ((port = strrchr(rest, ':')) == NULL || port == rest)
		return 0;
	if ((size_t)(port - rest) == 9 && strncmp(rest, "localhost", 9) == 0)
		buf_append_str(b, "this machine");
	else if ((size_t)(port - rest) == 9 && strncmp(rest, "127.0.0.1", 9) == 0)
		buf_append_str(b, "this machine");
	else
		visible_append(b, rest, (size_t)(port - rest));
	buf_append_str(b, " port ");
	visible_append(b, port + 1, strlen(port + 1));
	return 1;
}

/* {socat}: "listens on port 8080 and passes each connection to 10.0.0.5
 * port 5432"; two addresses it knows, else nothing. */
static int describe_socat(struct buf *b, const struct real_command *c)
{
	struct buf one = {0}, two = {0};
	int l1, l2, ok;

	if (strcmp(c->name, "socat") != 0 || c->operands.n != 2)
		return 0;
	ok = socat_address(&one, c->operands.items[0], &l1) &&
	     socat_address(&two, c->operands.items[1], &l2);
	if (ok && (l1 || l2)) {
		buf_append_str(b, "listens on ");
		buf_append_str(b, buf_cstr(l1 ? &one : &two));
		buf_append_str(b, " and passes each connection to ");
		buf_append_str(b, buf_cstr(l1 ? &two : &one));
	} else if (ok) {
		buf_append_str(b, "connects ");
		buf_append_str(b, buf_cstr(&one));
		buf_append_str(b, " with ");
		buf_append_str(b, buf_cstr(&two));
	}
	buf_free(&one);
	buf_free(&two);
	return ok;
}

/* What a well-known port is: "5432": "the PostgreSQL database". */
static const char *port_gloss(const char *port)
{
	static const struct {
		const char *port, *what;
	} ports[] = {
	    {"22", "remote logins (ssh)"},
	    {"80", "a web server"},
	    {"443", "a web server"},
	    {"3306", "the MySQL database"},
	    {"5432", "the PostgreSQL database"},
	    {"6379", "the Redis database"},
	    {"27017", "the MongoDB database"},
	    {"3389", "remote desktop"},
	    {"5900", "remote desktop (VNC)"},
	    {"9200", "the Elasticsearch database"},
	    {"2375", "docker's control (full control of the machine)"},
	    {"2379", "the Kubernetes cluster's database (etcd)"},
	    {"6443", "the Kubernetes cluster's control"},
	};

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (strcmp(port, ports[i].port) == 0)
			return ports[i].what;
	return NULL;
}

/* {forward}: ssh -R/-L PORT:HOST:HOSTPORT in words: "port 9000 there leads
 * to port 5432 of this machine (the PostgreSQL database)". */
static int describe_forward(struct buf *b, const struct real_command *c)
{
	char spec[128], *parts[4];
	size_t n = 0;
	const char *what;

	if (c->values.n == 0 || strlen(c->values.items[0]) >= sizeof(spec))
		return 0;
	strcpy(spec, c->values.items[0]);
	for (char *p = spec; n < 4; n++) {
		parts[n] = p;
		if ((p = strchr(p, ':')) == NULL) {
			n++;
			break;
		}
		*p++ = '\0';
	}
	if (n < 3 || n > 4)
		return 0;
	if (n == 4) { /* bind address first */
		parts[0] = parts[1];
		parts[1] = parts[2];
		parts[2] = parts[3];
	}
	buf_append_str(b, "port ");
	visible_append(b, parts[0], strlen(parts[0]));
	buf_append_str(b, " there leads to port ");
	visible_append(b, parts[2], strlen(parts[2]));
	if (strcmp(parts[1], "localhost") == 0 || strcmp(parts[1], "127.0.0.1") == 0) {
		buf_append_str(b, " of this machine");
	} else {
		buf_append_str(b, " of ");
		visible_append(b, parts[1], strlen(parts[1]));
	}
	if ((what = port_gloss(parts[2])) != NULL) {
		buf_append_str(b, " (");
		buf_append_str(b, what);
		buf_putc(b, ')');
	}
	return 1;
}

static int append_key(struct buf *b, const char *key, const struct real_command *c,
		      const struct real_command *finder)
{
	static const char *const keys[] = {
	    "command", "path",	"operands", "subcommand", "target",   "found",	 "writes",
	    "reads",   "env",	"host",	    "piped_from", "piped_to", "tool",	 "action",
	    "things",  "sql",	"shows",    "values",	  "verb",     "journal", "group",
	    "tar",     "prune", "sudoers",  "socat",	  "forward",  NULL};
	size_t k = 0;

	while (keys[k] && strcmp(keys[k], key) != 0)
		k++;
	switch (k) {
	case 0:
		append_value(b, c->name, "the program");
		break;
	case 1:
		append_objects(b, c, finder, FIRST);
		break;
	case 2:
		append_objects(b, c, finder, ALL);
		break;
	case 3:
		append_value(b, c->operands.n ? c->operands.items[0] : NULL, "\x01");
		break;
	case 4:
		append_objects(b, c, finder, LAST);
		break;
	case 5:
		append_found(b, c, finder);
		break;
	case 6:
		append_files(b, c, &c->writes);
		break;
	case 7:
		append_files(b, c, &c->reads);
		break;
	case 8:
		append_list(b, &c->env, "\x01");
		break;
	case 9:
		append_value(b, c->remote_host, "another computer");
		break;
	case 10:
		append_value(b, c->piped_from, "another program");
		if (c->piped_from && c->source) { /* curl URL | sh: where it comes from */
			buf_append_str(b, " (from ");
			visible_append(b, c->source, strlen(c->source));
			if (strncmp(c->source, "http://", 7) == 0)
				buf_append_str(b, ", an address that is not encrypted");
			buf_putc(b, ')');
		}
		break;
	case 11:
		append_value(b, c->piped_to, "another program");
		break;
	case 12:
		glossary_append_tool(b, c->name);
		break;
	case 13:
		if (!describe_action(b, c))
			buf_putc(b, EMPTY);
		break;
	case 14:
		append_things(b, c, finder);
		break;
	case 15:
		append_sql(b, c);
		break;
	case 16:
		append_shows(b, c);
		break;
	case 17:
		append_values(b, c);
		break;
	case 18:
		if (!describe_verb(b, c))
			buf_putc(b, EMPTY);
		break;
	case 19:
		if (!describe_journal(b, c))
			buf_putc(b, EMPTY);
		break;
	case 20:
		append_group(b, c);
		break;
	case 21:
		if (!describe_tar(b, c))
			buf_putc(b, EMPTY);
		break;
	case 22:
		if (!describe_prune(b, c))
			buf_putc(b, EMPTY);
		break;
	case 23:
		if (!describe_sudoers(b, c))
			buf_putc(b, EMPTY);
		break;
	case 24:
		if (!describe_socat(b, c))
			buf_putc(b, EMPTY);
		break;
	case 25:
		if (!describe_forward(b, c))
			buf_putc(b, EMPTY);
		break;
	default:
		return 0;
	}
	return 1;
}

/* Fills {placeholders} with the command's own values, made visible;
 * {key|words} says words when key has nothing to fill in. */
char *risk_fill(const char *tmpl, const struct real_command *c, const struct real_command *finder)
{
	struct buf b = {0};
	char *s;

	for (const char *p = tmpl; *p; p++) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		char key[128], *alt;
		size_t before = b.len;
		if (end == NULL || end - p - 1 >= (long)sizeof(key)) {
			const char *next = strchr(p + 1, '{');
			size_t run = next ? (size_t)(next - p) : strlen(p);
			buf_append(&b, p, run);
			p += run - 1;
			continue;
		}
		memcpy(key, p + 1, (size_t)(end - p - 1));
		key[end - p - 1] = '\0';
		if ((alt = strchr(key, '|')) != NULL)
			*alt++ = '\0';
		if (!append_key(&b, key, c, finder)) {
			buf_putc(&b, (uint8_t)*p);
			continue;
		}
		if (alt && b.len == before + 1 && buf_cstr(&b)[before] == EMPTY) {
			b.len = before;
			buf_append_str(&b, alt);
		}
		p = end;
	}
	s = tidy(&b);
	buf_free(&b);
	return s;
}
