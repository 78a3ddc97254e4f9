/* The queue as JSON: every operator string in its visible form with the
 * count of what had to be shown (web.h). */
#include "web.h"

#include "util/json.h"
#include "util/visible.h"

#include <string.h>

/* "key":{"shown":"...","hidden":N}: the visible form, and how many hiding
 * characters it had to show as codes (the page flags any). */
void web_shown_json(struct buf *out, const char *key, const char *s)
{
	struct buf v = {0};
	size_t hidden = visible_append(&v, s ? s : "", s ? strlen(s) : 0);

	if (key)
		buf_printf(out, "\"%s\":", key);
	buf_append_str(out, "{\"shown\":");
	json_append_cstr(out, buf_cstr(&v));
	buf_printf(out, ",\"hidden\":%zu}", hidden);
	buf_free(&v);
}

void web_shown_list(struct buf *out, const char *key, char **v, size_t n)
{
	buf_printf(out, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ',');
		web_shown_json(out, NULL, v[i]);
	}
	buf_putc(out, ']');
}

void web_shown_fields(struct buf *out, const char *const fields[][2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		buf_putc(out, ',');
		web_shown_json(out, fields[i][0], fields[i][1]);
	}
}

static void finding(struct buf *out, const Escort__Finding *f)
{
	const char *const texts[][2] = {
	    {"text", f->text}, {"why", f->why}, {"ask", f->ask}, {"undo", f->undo}};

	buf_append_str(out, "{\"rule\":");
	json_append_cstr(out, f->rule);
	buf_printf(out, ",\"level\":\"%s\"", level_name((int)f->level));
	web_shown_fields(out, texts, sizeof(texts) / sizeof(texts[0]));
	buf_putc(out, '}');
}

static void change(struct buf *out, const Escort__Change *c)
{
	const char *const texts[][2] = {{"path", c->path}, {"path2", c->path2}, {"text", c->text}};

	buf_append_str(out, ",\"change\":{");
	web_shown_json(out, "kind", c->kind);
	web_shown_fields(out, texts, sizeof(texts) / sizeof(texts[0]));
	buf_putc(out, '}');
}

static void item(struct buf *out, const Escort__PendingInfo *p)
{
	const char *const texts[][2] = {
	    {"session", p->session}, {"operator", p->operator_},      {"host", p->host},
	    {"cwd", p->cwd},	     {"account", p->account},	      {"typed_line", p->typed_line},
	    {"program", p->program}, {"identity", p->identity},	      {"summary", p->summary},
	    {"script", p->script},   {"script_path", p->script_path},
	};

	buf_printf(out, "{\"id\":%llu,\"level\":\"%s\",\"created\":%llu,\"expires\":%llu",
		   (unsigned long long)p->id, level_name((int)p->level),
		   (unsigned long long)p->created, (unsigned long long)p->expires);
	buf_printf(out, ",\"script_cut\":%s", p->script_cut ? "true" : "false");
	web_shown_fields(out, texts, sizeof(texts) / sizeof(texts[0]));
	web_shown_list(out, "argv", p->argv, p->n_argv);
	web_shown_list(out, "ancestry", p->ancestry, p->n_ancestry);
	web_shown_list(out, "env", p->env, p->n_env);
	if (p->change)
		change(out, p->change);
	buf_append_str(out, ",\"findings\":[");
	for (size_t k = 0; k < p->n_findings; k++) {
		if (k)
			buf_putc(out, ',');
		finding(out, p->findings[k]);
	}
	buf_append_str(out, "]}");
}

void web_json_array(struct buf *out, const void *list, size_t n, web_element_fn one)
{
	buf_putc(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(out, ',');
		one(out, list, i);
	}
	buf_putc(out, ']');
}

static void item_at(struct buf *out, const void *list, size_t i)
{
	Escort__PendingInfo *const *p = list;

	item(out, p[i]);
}

void web_pending_json(struct buf *out, const Escort__ConsoleReply *r)
{
	web_json_array(out, r->pending, r->n_pending, item_at);
}
