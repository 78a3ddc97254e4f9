#include "config.h"

#include "log/keys.h"
#include "util/xmalloc.h"
#include "util/yaml-node.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char config_embedded_defaults[] =
    "# The embedded defaults: anyone on this machine may work as an operator,\n"
    "# root is the escort, cleared for everything.\n"
    "operators: \"*\"\n"
    "escorts:\n"
    "  root: critical\n"
    "approval_timeout: 120\n"
    "policy:\n"
    "  levels: {info: allow, low: allow, medium: ask, high: ask, critical: ask}\n";

static const char *action_names[] = {"allow", "deny", "ask"};

const char *policy_action_name(int a)
{
	return a >= 0 && a <= ACTION_ASK ? action_names[a] : "inherit";
}

static int action_parse(const char *s)
{
	for (int i = 0; i <= ACTION_ASK; i++)
		if (s && strcmp(s, action_names[i]) == 0)
			return i;
	return -1;
}

struct loader {
	yaml_document_t doc;
	const char *file;
	struct error *err;
	struct broker_config *c;
};

static int fail(struct loader *ld, const yaml_node_t *n, const char *fmt, const char *what)
{
	return yaml_node_fail(ld->err, ld->file, n, fmt, what);
}

static const char *scalar(const yaml_node_t *n)
{
	return yaml_node_text(n);
}

static yaml_node_t *node(struct loader *ld, int id)
{
	return yaml_document_get_node(&ld->doc, id);
}

static int line_of(const yaml_node_t *n)
{
	return n ? (int)n->start_mark.line + 1 : 0;
}

/* Refuses a name given twice in one mapping or list, at the second. */
static int once(struct loader *ld, yaml_node_t *n, const yaml_node_t *first, const char *name,
		const char *where)
{
	char msg[400];

	snprintf(msg, sizeof(msg), "'%.100s' is given twice in '%.100s' (first on line %d)", name,
		 where, line_of(first));
	return fail(ld, n, "%s", msg);
}

static const yaml_node_t *earlier_key(struct loader *ld, const yaml_node_t *map,
				      const yaml_node_pair_t *upto, const char *key)
{
	for (const yaml_node_pair_t *p = map->data.mapping.pairs.start; p < upto; p++) {
		const yaml_node_t *k = node(ld, p->key);
		if (scalar(k) && strcmp(scalar(k), key) == 0)
			return k;
	}
	return NULL;
}

typedef int (*pair_fn)(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
		       void *arg);

static int each_pair(struct loader *ld, yaml_node_t *map, const char *what, pair_fn fn, void *arg)
{
	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return fail(ld, map, "'%s' must be a mapping", what);
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = node(ld, p->key);
		const char *key = scalar(k);
		const yaml_node_t *first;
		if (key == NULL)
			return fail(ld, k, "the keys of '%s' must be strings", what);
		if ((first = earlier_key(ld, map, p, key)) != NULL)
			return once(ld, k, first, key, what);
		if (fn(ld, key, k, node(ld, p->value), arg) < 0)
			return -1;
	}
	return 0;
}

static int copy_name(struct loader *ld, const yaml_node_t *n, char *dst, size_t size, const char *s)
{
	if (s == NULL || s[0] == '\0' || strlen(s) >= size)
		return fail(ld, n, "'%s' is not a usable name", s ? s : "");
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

static struct person *person_for(struct loader *ld, const yaml_node_t *n, const char *name)
{
	struct broker_config *c = ld->c;

	for (size_t i = 0; i < c->n_people; i++)
		if (strcmp(c->people[i].name, name) == 0)
			return &c->people[i];
	c->people = xreallocarray(c->people, c->n_people + 1, sizeof(*c->people));
	struct person *p = &c->people[c->n_people];
	memset(p, 0, sizeof(*p));
	p->clearance = -1;
	p->line = line_of(n);
	if (copy_name(ld, n, p->name, sizeof(p->name), name) < 0)
		return NULL;
	c->n_people++;
	return p;
}

static const yaml_node_t *earlier_item(struct loader *ld, const yaml_node_t *seq,
				       const yaml_node_item_t *upto, const char *name)
{
	for (const yaml_node_item_t *it = seq->data.sequence.items.start; it < upto; it++) {
		const yaml_node_t *item = node(ld, *it);
		if (scalar(item) && strcmp(scalar(item), name) == 0)
			return item;
	}
	return NULL;
}

typedef int (*name_fn)(struct loader *ld, yaml_node_t *item, const char *name, void *arg);

/* Each name of the list seq (named key in errors) to fn: a non-name or a
 * name given twice is refused, at its line. */
static int each_name(struct loader *ld, yaml_node_t *seq, const char *key, name_fn fn, void *arg)
{
	for (yaml_node_item_t *it = seq->data.sequence.items.start;
	     it < seq->data.sequence.items.top; it++) {
		yaml_node_t *item = node(ld, *it);
		const yaml_node_t *first;
		if (scalar(item) == NULL)
			return fail(ld, item, "'%s' must list names only", key);
		if ((first = earlier_item(ld, seq, it, scalar(item))) != NULL)
			return once(ld, item, first, scalar(item), key);
		if (fn(ld, item, scalar(item), arg) < 0)
			return -1;
	}
	return 0;
}

static int give_role(struct loader *ld, yaml_node_t *item, const char *name, void *arg)
{
	struct person *p = person_for(ld, item, name);

	if (p == NULL)
		return -1;
	p->roles |= *(const unsigned *)arg;
	return 0;
}

static int add_role(struct loader *ld, yaml_node_t *n, unsigned role, const char *key)
{
	if (scalar(n) != NULL)
		return give_role(ld, n, scalar(n), &role);
	if (n == NULL || n->type != YAML_SEQUENCE_NODE)
		return fail(ld, n, "'%s' must be a name or a list of names", key);
	return each_name(ld, n, key, give_role, &role);
}

/* owners: {erin: [db1, web1], gail: "*"}: an owner of those hosts only, or
 * of every host. */
static int own_host(struct loader *ld, yaml_node_t *item, const char *host, void *arg)
{
	struct broker_config *c = ld->c;
	struct owner_host *o;

	c->owner_hosts =
	    xreallocarray(c->owner_hosts, c->n_owner_hosts + 1, sizeof(*c->owner_hosts));
	o = &c->owner_hosts[c->n_owner_hosts];
	if (copy_name(ld, item, o->host, sizeof(o->host), host) < 0)
		return -1;
	snprintf(o->owner, sizeof(o->owner), "%s", (const char *)arg);
	c->n_owner_hosts++;
	return 0;
}

static int add_owner(struct loader *ld, const char *name, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct person *p = person_for(ld, k, name);

	(void)arg;
	if (p == NULL)
		return -1;
	p->roles |= ROLE_OWNER;
	if (scalar(v) && strcmp(scalar(v), "*") == 0)
		return 0;
	if (v == NULL || v->type != YAML_SEQUENCE_NODE ||
	    v->data.sequence.items.start == v->data.sequence.items.top)
		return fail(
		    ld, v,
		    "an owner's hosts must be a list of host names, or \"*\" for every host (%s)",
		    name);
	p->some_hosts = 1;
	return each_name(ld, v, name, own_host, (void *)name);
}

static int read_owners(struct loader *ld, yaml_node_t *v, const char *key)
{
	if (v && v->type == YAML_MAPPING_NODE)
		return each_pair(ld, v, key, add_owner, NULL);
	return add_role(ld, v, ROLE_OWNER, key);
}

static int add_escort(struct loader *ld, const char *name, yaml_node_t *k, yaml_node_t *v,
		      void *arg)
{
	struct person *p = person_for(ld, k, name);
	int level = level_parse(scalar(v) ? scalar(v) : "");

	(void)arg;
	if (p == NULL)
		return -1;
	if (level < 0)
		return fail(
		    ld, v,
		    "an escort's clearance must be info, low, medium, high or critical, not "
		    "'%s'",
		    scalar(v) ? scalar(v) : "(not a word)");
	p->roles |= ROLE_ESCORT;
	p->clearance = level;
	return 0;
}

static int set_level_action(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v,
			    void *arg)
{
	int *actions = arg;
	int level = level_parse(key), action = action_parse(scalar(v));

	if (level < 0)
		return fail(ld, k, "'%s' is not a risk level (info, low, medium, high, critical)",
			    key);
	if (action < 0)
		return fail(ld, v, "an action must be allow, ask or deny, not '%s'",
			    scalar(v) ? scalar(v) : "(not a word)");
	actions[level] = action;
	return 0;
}

static int add_override(struct loader *ld, const char *name, yaml_node_t *k, yaml_node_t *v,
			void *arg)
{
	int is_host = arg != NULL;
	struct level_override **list = is_host ? &ld->c->hosts : &ld->c->operators;
	size_t *n = is_host ? &ld->c->n_hosts : &ld->c->n_operators;
	struct level_override *o;

	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	o = &(*list)[*n];
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < LEVEL_COUNT; i++)
		o->actions[i] = ACTION_INHERIT;
	o->line = line_of(k);
	if (copy_name(ld, k, o->name, sizeof(o->name), name) < 0)
		return -1;
	(*n)++;
	return each_pair(ld, v, name, set_level_action, o->actions);
}

static int add_rule(struct loader *ld, const char *rule, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct broker_config *c = ld->c;
	int action = action_parse(scalar(v));

	(void)arg;
	c->rules = xreallocarray(c->rules, c->n_rules + 1, sizeof(*c->rules));
	if (action < 0)
		return fail(ld, v, "an action must be allow, ask or deny, not '%s'",
			    scalar(v) ? scalar(v) : "(not a word)");
	if (copy_name(ld, k, c->rules[c->n_rules].rule, sizeof(c->rules[0].rule), rule) < 0)
		return -1;
	c->rules[c->n_rules].line = line_of(k);
	c->rules[c->n_rules++].action = action;
	return 0;
}

static int policy_key(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	(void)arg;
	if (strcmp(key, "levels") == 0)
		return each_pair(ld, v, "levels", set_level_action, ld->c->actions);
	if (strcmp(key, "operators") == 0)
		return each_pair(ld, v, "operators", add_override, NULL);
	if (strcmp(key, "hosts") == 0)
		return each_pair(ld, v, "hosts", add_override, ld);
	if (strcmp(key, "rules") == 0)
		return each_pair(ld, v, "rules", add_rule, NULL);
	return fail(ld, k, "'policy' has no key '%s' (levels, operators, hosts, rules)", key);
}

static int read_path(struct loader *ld, yaml_node_t *v, char *dst, size_t size, const char *key)
{
	const char *s = scalar(v);

	if (s == NULL || s[0] != '/' || strlen(s) >= size)
		return fail(ld, v, "'%s' must be an absolute path", key);
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

/* required: sessions whose host signs its log with a key made for it alone
 * are refused; warn: they run, and escortd says so everywhere. */
static int read_host_signing(struct loader *ld, yaml_node_t *v, const char *key)
{
	const char *s = scalar(v);

	if (s != NULL && strcmp(s, "required") == 0)
		ld->c->host_signing_required = 1;
	else if (s != NULL && strcmp(s, "warn") == 0)
		ld->c->host_signing_required = 0;
	else
		return fail(ld, v, "'%s' must be required or warn", key);
	return 0;
}

/* listen: ADDR:PORT, where enrolled hosts connect over TLS. */
static int read_listen(struct loader *ld, yaml_node_t *v, const char *key)
{
	const char *s = scalar(v);
	const char *colon = s ? strrchr(s, ':') : NULL;

	if (s == NULL || colon == NULL || colon[1] == '\0' || strlen(s) >= sizeof(ld->c->listen) ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1))
		return fail(ld, v, "'%s' must be ADDR:PORT", key);
	snprintf(ld->c->listen, sizeof(ld->c->listen), "%s", s);
	return 0;
}

/* "ADDRESS:PORT" with a numeric IPv4 address or a bracketed IPv6 one. */
static int listen_ok(const char *s)
{
	const char *colon = s ? strrchr(s, ':') : NULL;
	char *end;
	unsigned long port;

	if (colon == NULL || colon == s || strlen(s) >= sizeof(((struct web_config *)0)->listen))
		return 0;
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end || errno || port < 1 || port > 65535)
		return 0;
	return strspn(s, "0123456789.[]:abcdefABCDEF") == strlen(s);
}

/* A DNS name, an IPv4 address or a bracketed IPv6 address. */
static int web_name_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n >= sizeof(((struct web_config *)0)->names[0]))
		return 0;
	if (s[0] == '[')
		return n > 2 && s[n - 1] == ']' &&
		       strspn(s + 1, "0123456789abcdefABCDEF:.") == n - 2;
	return s[0] != '.' && s[0] != '-' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") == n;
}

/* names: [console.example.org, ...]: the names browsers may use for it. */
static int add_web_name(struct loader *ld, yaml_node_t *item, const char *name, void *arg)
{
	struct web_config *w = &ld->c->web;

	(void)arg;
	if (!web_name_ok(name))
		return fail(ld, item,
			    "a web console name must be a DNS name or an address "
			    "(console.example.org, 127.0.0.1, [::1]), not '%s'",
			    name);
	if (w->n_names == WEB_MAX_NAMES)
		return fail(ld, item, "'%s' lists more than 8 names", "names");
	snprintf(w->names[w->n_names++], sizeof(w->names[0]), "%s", name);
	return 0;
}

static int read_web_names(struct loader *ld, yaml_node_t *v, const char *key)
{
	if (v == NULL || v->type != YAML_SEQUENCE_NODE)
		return fail(ld, v, "'%s' must be a list of host names", key);
	return each_name(ld, v, key, add_web_name, NULL);
}

static int web_key(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct web_config *w = &ld->c->web;
	const char *s = scalar(v);

	(void)arg;
	if (strcmp(key, "listen") == 0) {
		if (!listen_ok(s))
			return fail(ld, v, "'%s' must be ADDRESS:PORT (127.0.0.1:8443, [::1]:8443)",
				    key);
		memcpy(w->listen, s, strlen(s) + 1);
		return 0;
	}
	if (strcmp(key, "cert") == 0)
		return read_path(ld, v, w->cert, sizeof(w->cert), key);
	if (strcmp(key, "key") == 0)
		return read_path(ld, v, w->key, sizeof(w->key), key);
	if (strcmp(key, "idle") == 0) {
		char *end;
		errno = 0;
		unsigned long t = s ? strtoul(s, &end, 10) : 0;
		if (s == NULL || *s == '\0' || *end || errno || t < 30 || t > 86400)
			return fail(ld, v, "'%s' must be a number of seconds from 30 to 86400",
				    key);
		w->idle_s = (unsigned)t;
		return 0;
	}
	if (strcmp(key, "names") == 0)
		return read_web_names(ld, v, key);
	return fail(ld, k, "'web' has no key '%s' (listen, names, cert, key, idle)", key);
}

static int read_web(struct loader *ld, yaml_node_t *v)
{
	ld->c->web.line = line_of(v);
	if (each_pair(ld, v, "web", web_key, NULL) < 0)
		return -1;
	if (ld->c->web.listen[0] == '\0')
		return fail(ld, v, "'%s' needs listen: ADDRESS:PORT", "web");
	if (!ld->c->web.cert[0] != !ld->c->web.key[0])
		return fail(ld, v, "'%s' needs both cert and key, or neither (self-signed)", "web");
	return 0;
}

/* How long a credential of `escort login` lasts: seconds, from a minute
 * to a week. */
static int read_login_ttl(struct loader *ld, yaml_node_t *v, const char *key)
{
	const char *s = scalar(v);
	char *end;
	unsigned long t;

	errno = 0;
	t = s ? strtoul(s, &end, 10) : 0;
	if (s == NULL || *s == '\0' || *end || errno || t < 60 || t > LOGIN_TTL_MAX_S)
		return fail(ld, v, "'%s' must be a number of seconds from 60 to 604800 (a week)",
			    key);
	ld->c->login_ttl_s = (unsigned)t;
	return 0;
}

/* The PAM service `escort login` is checked against: a file name in
 * /etc/pam.d (letters, digits, '.', '_', '-'; not starting with '.'). */
static int read_login_pam(struct loader *ld, yaml_node_t *v, const char *key)
{
	const char *s = scalar(v);
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n >= sizeof(ld->c->login_pam_service) || s[0] == '.' ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
		return fail(ld, v,
			    "'%s' must be a PAM service name (a file in /etc/pam.d: 1 to 63 "
			    "letters, digits, '.', '_' or '-', not starting with '.')",
			    key);
	memcpy(ld->c->login_pam_service, s, n + 1);
	return 0;
}

static int top_key(struct loader *ld, const char *key, yaml_node_t *k, yaml_node_t *v, void *arg)
{
	struct broker_config *c = ld->c;

	(void)arg;
	if (strcmp(key, "socket") == 0)
		return read_path(ld, v, c->socket, sizeof(c->socket), key);
	if (strcmp(key, "listen") == 0)
		return read_listen(ld, v, key);
	if (strcmp(key, "auditor_key") == 0) {
		c->auditor_key_line = line_of(v);
		return read_path(ld, v, c->auditor_key, sizeof(c->auditor_key), key);
	}
	if (strcmp(key, "approval_timeout") == 0) {
		char *end;
		const char *s = scalar(v);
		errno = 0;
		unsigned long t = s ? strtoul(s, &end, 10) : 0;
		if (s == NULL || *s == '\0' || *end || errno || t < 1 || t > 86400)
			return fail(ld, v, "'%s' must be a number of seconds from 1 to 86400", key);
		c->approval_timeout_s = (unsigned)t;
		return 0;
	}
	if (strcmp(key, "login_ttl") == 0)
		return read_login_ttl(ld, v, key);
	if (strcmp(key, "login_pam_service") == 0)
		return read_login_pam(ld, v, key);
	if (strcmp(key, "host_signing") == 0)
		return read_host_signing(ld, v, key);
	if (strcmp(key, "host_keys") == 0) {
		c->host_keys_line = line_of(v);
		return read_path(ld, v, c->host_keys, sizeof(c->host_keys), key);
	}
	if (strcmp(key, "operators") == 0)
		return add_role(ld, v, ROLE_OPERATOR, key);
	if (strcmp(key, "owners") == 0)
		return read_owners(ld, v, key);
	if (strcmp(key, "auditors") == 0)
		return add_role(ld, v, ROLE_AUDITOR, key);
	if (strcmp(key, "escorts") == 0)
		return each_pair(ld, v, key, add_escort, NULL);
	if (strcmp(key, "policy") == 0)
		return each_pair(ld, v, key, policy_key, NULL);
	if (strcmp(key, "web") == 0)
		return read_web(ld, v);
	return fail(ld, k,
		    "unknown key '%s' (socket, listen, approval_timeout, login_ttl, "
		    "login_pam_service, auditor_key, "
		    "host_signing, host_keys, operators, escorts, owners, auditors, policy, web)",
		    key);
}

static void set_defaults(struct broker_config *c, const char *name)
{
	static const int levels[LEVEL_COUNT] = {ACTION_ALLOW, ACTION_ALLOW, ACTION_ASK, ACTION_ASK,
						ACTION_ASK};

	memset(c, 0, sizeof(*c));
	snprintf(c->source, sizeof(c->source), "%s", name);
	snprintf(c->socket, sizeof(c->socket), "/run/escort/escortd.sock");
	c->approval_timeout_s = 300;
	c->login_ttl_s = LOGIN_TTL_DEFAULT_S;
	snprintf(c->login_pam_service, sizeof(c->login_pam_service), "escort");
	c->web.idle_s = 900;
	memcpy(c->actions, levels, sizeof(levels));
}

static int check_people(struct loader *ld)
{
	for (size_t i = 0; i < ld->c->n_people; i++)
		if (ld->c->people[i].roles & ROLE_ESCORT)
			return 0;
	return error_set(ld->err, "%s: names no escort: nobody could approve anything", ld->file);
}

int config_parse(const char *text, size_t len, const char *name, struct broker_config *out,
		 struct error *err)
{
	struct loader ld = {.file = name, .err = err, .c = out};
	yaml_parser_t parser;
	int rc;

	set_defaults(out, name);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &ld.doc)) {
		rc = error_set(err, "%s:%lu: %s", name, (unsigned long)parser.problem_mark.line + 1,
			       parser.problem ? parser.problem : "not valid YAML");
		yaml_parser_delete(&parser);
		config_free(out);
		return rc;
	}
	yaml_node_t *root = yaml_document_get_root_node(&ld.doc);
	rc = root == NULL ? error_set(err, "%s: is empty", name)
			  : each_pair(&ld, root, "the configuration", top_key, NULL);
	if (rc == 0)
		rc = check_people(&ld);
	yaml_document_delete(&ld.doc);
	yaml_parser_delete(&parser);
	if (rc < 0)
		config_free(out);
	return rc;
}

int config_load(const char *path, struct broker_config *out, struct error *err)
{
	if (path == NULL)
		return config_parse(config_embedded_defaults, strlen(config_embedded_defaults),
				    "embedded defaults", out, err);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return error_errno(err, "cannot open the configuration %s", path);
	char *text = xmalloc(1 << 20);
	size_t len = fread(text, 1, (1 << 20) - 1, f);
	int too_big = !feof(f);
	fclose(f);
	int rc = too_big ? error_set(err, "%s: is over 1 MiB", path)
			 : config_parse(text, len, path, out, err);
	free(text);
	return rc;
}

static int check_rules(const struct broker_config *c, const struct risk_engine *risk,
		       struct error *err)
{
	for (size_t i = 0; i < c->n_rules; i++)
		if (!risk_engine_has_rule(risk, c->rules[i].rule))
			return error_set(err,
					 "%s:%d: there is no rule '%s' in the risk engine's rules "
					 "(docs/RULES.md)",
					 c->source, c->rules[i].line, c->rules[i].rule);
	return 0;
}

/* getpwnam reports "no such account" as NULL with errno 0 or one of these. */
static int not_found(int e)
{
	return e == 0 || e == ENOENT || e == ESRCH || e == EBADF || e == EPERM;
}

static int check_account(const struct broker_config *c, const char *name, int line,
			 struct error *err)
{
	if (strcmp(name, "*") == 0)
		return 0;
	errno = 0;
	if (getpwnam(name) != NULL)
		return 0;
	if (!not_found(errno))
		return error_set(err, "%s:%d: cannot look up the account '%s': %s", c->source, line,
				 name, strerror(errno));
	return error_set(err, "%s:%d: there is no account '%s' on this system", c->source, line,
			 name);
}

static int check_accounts(const struct broker_config *c, struct error *err)
{
	for (size_t i = 0; i < c->n_people; i++)
		if (check_account(c, c->people[i].name, c->people[i].line, err) < 0)
			return -1;
	for (size_t i = 0; i < c->n_operators; i++)
		if (check_account(c, c->operators[i].name, c->operators[i].line, err) < 0)
			return -1;
	return 0;
}

static int key_unreadable(const struct broker_config *c, int e, struct error *err)
{
	const char *file = c->source, *key = c->auditor_key;
	int line = c->auditor_key_line;

	if (e == ENOENT)
		return error_set(err, "%s:%d: the auditor key %s does not exist", file, line, key);
	if (e == EACCES)
		return error_set(err,
				 "%s:%d: the auditor key %s may not be read by this account "
				 "(permission denied)",
				 file, line, key);
	return error_set(err, "%s:%d: cannot read the auditor key %s: %s", file, line, key,
			 strerror(e));
}

static int check_key(const struct broker_config *c, struct error *err)
{
	struct auditor_key k;
	struct error why;
	struct stat st;
	int fd, regular;

	if (c->auditor_key[0] == '\0')
		return 0;
	fd = open(c->auditor_key, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return key_unreadable(c, errno, err);
	regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	close(fd);
	if (!regular)
		return error_set(err, "%s:%d: the auditor key %s is not a file", c->source,
				 c->auditor_key_line, c->auditor_key);
	if (keys_init(&why) < 0 || auditor_key_load(&k, c->auditor_key, &why) < 0)
		return error_set(err, "%s:%d: %s", c->source, c->auditor_key_line, why.msg);
	sodium_memzero(&k, sizeof(k));
	return 0;
}

int config_check(const struct broker_config *c, const struct risk_engine *risk, struct error *err)
{
	if (check_rules(c, risk, err) < 0 || check_accounts(c, err) < 0)
		return -1;
	return check_key(c, err);
}

void config_free(struct broker_config *c)
{
	host_keys_free(c);
	free(c->people);
	free(c->operators);
	free(c->hosts);
	free(c->rules);
	free(c->owner_hosts);
	c->owner_hosts = NULL;
	c->n_owner_hosts = 0;
	c->people = NULL;
	c->operators = c->hosts = NULL;
	c->rules = NULL;
	c->n_people = c->n_operators = c->n_hosts = c->n_rules = 0;
}

const struct person *config_person(const struct broker_config *c, const char *name)
{
	for (size_t i = 0; i < c->n_people; i++)
		if (strcmp(c->people[i].name, name) == 0)
			return &c->people[i];
	return NULL;
}

static const struct level_override *find_override(const struct level_override *list, size_t n,
						  const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return &list[i];
	return NULL;
}

void config_offline_table(const struct broker_config *c, const char *op, const char *host,
			  int out[LEVEL_COUNT])
{
	const struct level_override *o = find_override(c->operators, c->n_operators, op);
	const struct level_override *h = find_override(c->hosts, c->n_hosts, host);

	for (int l = 0; l < LEVEL_COUNT; l++) {
		out[l] = c->actions[l];
		if (h && h->actions[l] != ACTION_INHERIT)
			out[l] = h->actions[l];
		if (o && o->actions[l] != ACTION_INHERIT)
			out[l] = o->actions[l];
	}
}

/* Among several matching rule overrides the strictest wins. */
static int strictness(int action)
{
	return action == ACTION_DENY ? 2 : action == ACTION_ASK ? 1 : 0;
}

int config_action(const struct broker_config *c, const char *op, const char *host, int level,
		  const char *const *rules, size_t n_rules)
{
	int table[LEVEL_COUNT], by_rule = ACTION_INHERIT;

	for (size_t i = 0; i < n_rules; i++)
		for (size_t k = 0; k < c->n_rules; k++)
			if (strcmp(rules[i], c->rules[k].rule) == 0 &&
			    (by_rule == ACTION_INHERIT ||
			     strictness(c->rules[k].action) > strictness(by_rule)))
				by_rule = c->rules[k].action;
	if (by_rule != ACTION_INHERIT)
		return by_rule;
	config_offline_table(c, op, host, table);
	if (level < 0 || level >= LEVEL_COUNT)
		return ACTION_DENY;
	return table[level];
}

int config_owns_host(const struct broker_config *c, const struct person *p, const char *host)
{
	if (p == NULL || !(p->roles & ROLE_OWNER))
		return 0;
	if (!p->some_hosts)
		return 1;
	for (size_t i = 0; i < c->n_owner_hosts; i++)
		if (strcmp(c->owner_hosts[i].owner, p->name) == 0 &&
		    strcmp(c->owner_hosts[i].host, host) == 0)
			return 1;
	return 0;
}
