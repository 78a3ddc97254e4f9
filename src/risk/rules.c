#include "rules.h"

#include "verbs.h"

#include "util/grow.h"
#include "util/xmalloc.h"
#include "util/yaml-node.h"

#include <dirent.h>
#define RULE_LITERAL '\x01'
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const level_names[] = {"info", "low", "medium", "high", "critical"};

const char *level_name(int level)
{
	return level >= 0 && level <= LEVEL_CRITICAL ? level_names[level] : "unknown";
}

int level_parse(const char *s)
{
	for (int i = 0; i <= LEVEL_CRITICAL; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -1;
}

struct loader {
	yaml_document_t doc;
	const char *file;
	struct error *err;
};

static int fail(struct loader *ld, const yaml_node_t *n, const char *fmt, const char *what)
{
	return yaml_node_fail(ld->err, ld->file, n, fmt, what);
}

static const char *scalar(const yaml_node_t *n)
{
	return yaml_node_text(n);
}

static int read_list(struct loader *ld, yaml_node_t *n, struct strlist *out, const char *key)
{
	if (scalar(n) != NULL) {
		strlist_add(out, scalar(n));
		return 0;
	}
	if (n == NULL || n->type != YAML_SEQUENCE_NODE)
		return fail(ld, n, "'%s' must be a string or a list of strings", key);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const char *s = scalar(yaml_document_get_node(&ld->doc, *it));
		if (s == NULL)
			return fail(ld, n, "'%s' must list strings only", key);
		strlist_add(out, s);
	}
	return 0;
}

static int read_bool(struct loader *ld, yaml_node_t *n, int *out, const char *key)
{
	const char *s = scalar(n);

	if (s && (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0))
		*out = 1;
	else if (s && (strcmp(s, "false") == 0 || strcmp(s, "no") == 0))
		*out = 0;
	else
		return fail(ld, n, "'%s' must be true or false", key);
	return 0;
}

static struct strlist *match_key(struct rule *r, const char *key)
{
	struct {
		const char *name;
		struct strlist *list;
	} keys[] = {
	    {"command", &r->command},
	    {"subcommand", &r->subcommand},
	    {"options", &r->options},
	    {"options_all", &r->options_all},
	    {"args", &r->args},
	    {"not_args", &r->not_args},
	    {"writes", &r->writes},
	    {"not_writes", &r->not_writes},
	    {"reads", &r->reads},
	    {"piped_to", &r->piped_to},
	    {"piped_from", &r->piped_from},
	    {"env", &r->env},
	    {"change", &r->change},
	    {"paths", &r->paths},
	    {"verbs", &r->verbs},
	    {"values", &r->values},
	    {"via", &r->via},
	    {"program", &r->program},
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i].name) == 0)
			return keys[i].list;
	return NULL;
}

static int read_match(struct loader *ld, yaml_node_t *n, struct rule *r)
{
	int any = 0;

	if (n == NULL || n->type != YAML_MAPPING_NODE)
		return fail(ld, n, "'%s' must be a mapping", "match");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		const char *key = scalar(yaml_document_get_node(&ld->doc, p->key));
		yaml_node_t *value = yaml_document_get_node(&ld->doc, p->value);
		struct strlist *list = key ? match_key(r, key) : NULL;
		any = 1;
		if (list != NULL) {
			if (read_list(ld, value, list, key) < 0)
				return -1;
		} else if (key && strcmp(key, "as_root") == 0) {
			if (read_bool(ld, value, &r->as_root, key) < 0)
				return -1;
		} else if (key && strcmp(key, "remote") == 0) {
			if (read_bool(ld, value, &r->remote, key) < 0)
				return -1;
		} else {
			return fail(ld, value, "unknown match key '%s'", key ? key : "?");
		}
	}
	return any ? 0 : fail(ld, n, "'%s' is empty: the rule would match everything", "match");
}

static int read_text(struct loader *ld, yaml_node_t *n, char **out, const char *key)
{
	const char *s = scalar(n);

	if (s == NULL || s[0] == '\0')
		return fail(ld, n, "'%s' must be a non-empty string", key);
	*out = xstrdup(s);
	return 0;
}

static int read_field(struct loader *ld, struct rule *r, const char *key, yaml_node_t *v)
{
	if (strcmp(key, "id") == 0)
		return read_text(ld, v, &r->id, key);
	if (strcmp(key, "family") == 0)
		return read_text(ld, v, &r->family, key);
	if (strcmp(key, "level") == 0) {
		if (scalar(v) == NULL || (r->level = level_parse(scalar(v))) < 0)
			return fail(ld, v,
				    "level must be info, low, medium, high or critical, not "
				    "'%s'",
				    scalar(v) ? scalar(v) : "?");
		return 0;
	}
	if (strcmp(key, "attack") == 0)
		return read_list(ld, v, &r->attack, key);
	if (strcmp(key, "context") == 0) {
		const char *c = scalar(v);
		if (c && strcmp(c, "line") == 0)
			r->context = RATE_LINE;
		else if (c && strcmp(c, "exec") == 0)
			r->context = RATE_EXEC;
		else
			return fail(ld, v, "context must be line or exec, not '%s'", c ? c : "?");
		return 0;
	}
	if (strcmp(key, "match") == 0)
		return read_match(ld, v, r);
	if (strcmp(key, "fallback") == 0)
		return read_bool(ld, v, &r->fallback, key);
	if (strcmp(key, "explain") == 0)
		return read_text(ld, v, &r->explain, key);
	if (strcmp(key, "why") == 0)
		return read_text(ld, v, &r->why, key);
	if (strcmp(key, "ask") == 0)
		return read_text(ld, v, &r->ask, key);
	if (strcmp(key, "undo") == 0)
		return read_text(ld, v, &r->undo, key);
	if (strcmp(key, "test_hit") == 0)
		return read_list(ld, v, &r->test_hit, key);
	if (strcmp(key, "test_miss") == 0)
		return read_list(ld, v, &r->test_miss, key);
	return fail(ld, v, "unknown key '%s'", key);
}

static int read_rule(struct loader *ld, yaml_node_t *n, struct rule *r)
{
	memset(r, 0, sizeof(*r));
	r->as_root = r->remote = -1;
	r->level = -1;
	r->file = xstrdup(ld->file);
	r->line = (int)n->start_mark.line + 1;
	if (n->type != YAML_MAPPING_NODE)
		return fail(ld, n, "each rule must be a mapping%s", "");
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
	     p++) {
		const char *key = scalar(yaml_document_get_node(&ld->doc, p->key));
		if (key == NULL ||
		    read_field(ld, r, key, yaml_document_get_node(&ld->doc, p->value)) < 0)
			return key ? -1 : fail(ld, n, "rule keys must be strings%s", "");
	}
	if (!r->id || r->level < 0 || !r->explain || !r->why || !r->ask || !r->undo ||
	    r->test_hit.n == 0 ||
	    (r->command.n == 0 && r->writes.n == 0 && r->reads.n == 0 && r->env.n == 0 &&
	     r->piped_to.n == 0 && r->change.n == 0 && r->verbs.n == 0 && r->program.n == 0) ||
	    (r->change.n > 0 && (r->paths.n == 0 || r->command.n > 0)))
		return fail(ld, n,
			    "rule %s needs id, level, match (with command, writes, reads, env, "
			    "piped_to, verbs, or change with paths and no command), explain, why, "
			    "ask, undo and at least one test_hit",
			    r->id ? r->id : "?");
	return 0;
}

static void rule_free(struct rule *r);

static int load_file(struct rule_set *set, const char *path, struct error *err)
{
	struct loader ld = {.file = path, .err = err};
	yaml_parser_t parser;
	yaml_node_t *root;
	FILE *f = fopen(path, "rb");
	int rc = 0;

	if (f == NULL)
		return error_errno(err, "cannot open rules file %s", path);
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, &ld.doc)) {
		rc = error_set(err, "%s:%lu: %s", path, (unsigned long)parser.problem_mark.line + 1,
			       parser.problem ? parser.problem : "YAML error");
		yaml_parser_delete(&parser);
		fclose(f);
		return rc;
	}
	root = yaml_document_get_root_node(&ld.doc);
	if (root != NULL && root->type != YAML_SEQUENCE_NODE)
		rc = fail(&ld, root, "a rules file is a list of rules%s", "");
	for (yaml_node_item_t *it = root ? root->data.sequence.items.start : NULL;
	     rc == 0 && root && it < root->data.sequence.items.top; it++) {
		struct rule r;
		rc = read_rule(&ld, yaml_document_get_node(&ld.doc, *it), &r);
		if (rc < 0) {
			rule_free(&r);
			break;
		}
		set->rules = grow_array(set->rules, set->n, sizeof(*set->rules));
		set->rules[set->n++] = r;
	}
	yaml_document_delete(&ld.doc);
	yaml_parser_delete(&parser);
	fclose(f);
	return rc;
}

/* A pattern fnmatch would only match to itself: no '*', '?' or '\\', and no
 * '[' that a ']' closes (fnmatch takes an unclosed '[' as itself, so "[" and
 * "[[", the test commands, are plain words). */
static int is_literal(const char *p)
{
	const char *open = strchr(p, '[');

	return strpbrk(p, "*?\\") == NULL && (open == NULL || strchr(open + 1, ']') == NULL);
}

static void mark_literals(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		char *marked;
		if (!is_literal(l->items[i]))
			continue;
		marked = xasprintf("%c%s", RULE_LITERAL, l->items[i]);
		free(l->items[i]);
		l->items[i] = marked;
	}
}

static void mark_rule_literals(struct rule *r)
{
	struct strlist *lists[] = {&r->command,	   &r->subcommand, &r->options, &r->args,
				   &r->not_args,   &r->writes,	   &r->reads,	&r->piped_to,
				   &r->piped_from, &r->env,	   &r->verbs,	&r->values,
				   &r->not_writes};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		mark_literals(lists[i]);
}

static int yaml_name(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && strcmp(d->d_name + n - 5, ".yaml") == 0 && d->d_name[0] != '.';
}

static int check_unique_ids(const struct rule_set *set, struct error *err)
{
	for (size_t i = 0; i < set->n; i++)
		for (size_t k = i + 1; k < set->n; k++)
			if (strcmp(set->rules[i].id, set->rules[k].id) == 0)
				return error_set(
				    err, "%s:%d: rule id %s is used twice (also %s:%d)",
				    set->rules[k].file, set->rules[k].line, set->rules[k].id,
				    set->rules[i].file, set->rules[i].line);
	return 0;
}

int rules_load(struct rule_set *set, const char *dir, struct error *err)
{
	struct dirent **names;
	int n = scandir(dir, &names, yaml_name, alphasort);
	int rc = 0;

	memset(set, 0, sizeof(*set));
	if (n < 0)
		return error_errno(err, "cannot read the rules directory %s", dir);
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (rc == 0)
			rc = load_file(set, path, err);
		free(names[i]);
	}
	free(names);
	if (rc == 0 && set->n == 0)
		rc = error_set(err, "no rules in %s", dir);
	if (rc == 0)
		rc = check_unique_ids(set, err);
	for (size_t i = 0; rc == 0 && i < set->n; i++)
		mark_rule_literals(&set->rules[i]);
	if (rc < 0)
		rules_free(set);
	return rc;
}

static void rule_free(struct rule *r)
{
	struct strlist *lists[] = {
	    &r->attack,	  &r->command,	 &r->subcommand, &r->options,  &r->options_all, &r->args,
	    &r->not_args, &r->writes,	 &r->reads,	 &r->piped_to, &r->piped_from,	&r->env,
	    &r->test_hit, &r->test_miss, &r->change,	 &r->paths,    &r->verbs,	&r->values,
	    &r->via,	  &r->program,	 &r->not_writes};

	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		strlist_free(lists[i]);
	free(r->id);
	free(r->family);
	free(r->file);
	free(r->explain);
	free(r->why);
	free(r->ask);
	free(r->undo);
}

void rules_free(struct rule_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		rule_free(&set->rules[i]);
	free(set->rules);
	memset(set, 0, sizeof(*set));
}

/* --- matching --------------------------------------------------------------- */

/* Most patterns are plain words, marked at load time (RULE_LITERAL first):
 * those are compared directly, the rest go through fnmatch. */
static int glob_any(const struct strlist *globs, const char *s)
{
	for (size_t i = 0; i < globs->n; i++) {
		const char *g = globs->items[i];
		if (g[0] == RULE_LITERAL ? strcmp(g + 1, s) == 0 : fnmatch(g, s, 0) == 0)
			return 1;
	}
	return 0;
}

/* A file written other than /dev/null (where "2>/dev/null" throws output
 * away) matches one of globs. */
static int writes_somewhere(const struct strlist *globs, const struct strlist *writes)
{
	for (size_t i = 0; i < writes->n; i++)
		if (strcmp(writes->items[i], "/dev/null") != 0 && glob_any(globs, writes->items[i]))
			return 1;
	return 0;
}

static int any_matches(const struct strlist *globs, const struct strlist *values)
{
	for (size_t i = 0; i < values->n; i++)
		if (glob_any(globs, values->items[i]))
			return 1;
	return 0;
}

static int env_matches(const struct strlist *names, const struct strlist *assignments)
{
	for (size_t i = 0; i < assignments->n; i++) {
		char name[128];
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(assignments->items[i], "="),
			 assignments->items[i]);
		if (glob_any(names, name))
			return 1;
	}
	return 0;
}

static int all_present(const struct strlist *want, const struct strlist *have)
{
	for (size_t i = 0; i < want->n; i++) {
		int found = 0;
		for (size_t k = 0; k < have->n && !found; k++)
			found = strcmp(want->items[i], have->items[k]) == 0;
		if (!found)
			return 0;
	}
	return 1;
}

int rule_literal_commands(const struct rule *r)
{
	if (r->command.n == 0)
		return 0;
	for (size_t i = 0; i < r->command.n; i++)
		if (r->command.items[i][0] != RULE_LITERAL)
			return 0;
	return 1;
}

int rule_matches(const struct rule *r, const struct real_command *c, int name_known)
{
	if (r->change.n) /* about files the gate sees changed, not commands */
		return 0;
	if (r->command.n && !name_known && !glob_any(&r->command, c->name))
		return 0;
	if (r->subcommand.n &&
	    (c->operands.n == 0 || !glob_any(&r->subcommand, c->operands.items[0])))
		return 0;
	if (r->options.n && !any_matches(&r->options, &c->opts))
		return 0;
	if (r->options_all.n && !all_present(&r->options_all, &c->opts))
		return 0;
	if (r->args.n && !any_matches(&r->args, &c->args))
		return 0;
	if (r->not_args.n && any_matches(&r->not_args, &c->args))
		return 0;
	if (r->writes.n && !any_matches(&r->writes, &c->writes))
		return 0;
	if (r->not_writes.n && writes_somewhere(&r->not_writes, &c->writes))
		return 0;
	if (r->reads.n && !any_matches(&r->reads, &c->reads))
		return 0;
	if (r->piped_to.n && (!c->piped_to || !glob_any(&r->piped_to, c->piped_to)))
		return 0;
	if (r->piped_from.n && (!c->piped_from || !glob_any(&r->piped_from, c->piped_from)))
		return 0;
	if (r->env.n && !env_matches(&r->env, &c->env))
		return 0;
	if (r->verbs.n && !glob_any(&r->verbs, verb_kind_name(c->verb)))
		return 0;
	if (r->values.n && !any_matches(&r->values, &c->values))
		return 0;
	if (r->via.n && (c->via == NULL || !glob_any(&r->via, c->via)))
		return 0;
	if (r->program.n && !glob_any(&r->program, c->path))
		return 0;
	if (r->as_root >= 0 && r->as_root != c->as_root)
		return 0;
	if (r->remote >= 0 && r->remote != (c->remote_host != NULL))
		return 0;
	return 1;
}

const char *rule_command_name(const struct rule *r, size_t i)
{
	const char *s = r->command.items[i];

	return s[0] == RULE_LITERAL ? s + 1 : s;
}

int rule_applies_in(const struct rule *r, enum rate_context ctx)
{
	return r->context == RATE_ANY || r->context == (int)ctx;
}

/* A path glob: "*" crosses "/" (fnmatch without FNM_PATHNAME), so
 * "/etc/sudoers*" holds for /etc/sudoers.d/x too. */
int rule_matches_change(const struct rule *r, const char *kind, const char *path, int as_root)
{
	if (r->change.n == 0 || !glob_any(&r->change, kind) || !glob_any(&r->paths, path))
		return 0;
	return r->as_root < 0 || r->as_root == as_root;
}
