#include "report-json.h"

#include "util/json.h"

static void append_finding(struct buf *b, const struct finding *f)
{
	buf_append_str(b, "{\"rule\":");
	json_append_cstr(b, f->rule);
	/* appends, not printf: this runs for every finding of every line */
	buf_append_str(b, ",\"level\":\"");
	buf_append_str(b, level_name(f->level));
	buf_append_str(b, "\",\"attack\":[");
	for (size_t k = 0; k < f->attack.n; k++) {
		if (k)
			buf_putc(b, ',');
		json_append_cstr(b, f->attack.items[k]);
	}
	buf_append_str(b, "],\"explain\":");
	json_append_cstr(b, f->explain);
	buf_append_str(b, ",\"why\":");
	json_append_cstr(b, f->why);
	buf_append_str(b, ",\"ask\":");
	json_append_cstr(b, f->ask);
	buf_append_str(b, ",\"undo\":");
	json_append_cstr(b, f->undo);
	buf_putc(b, '}');
}

void report_json_members(struct buf *b, const struct risk_report *r)
{
	/* The line as the escort must see it: hidden characters made visible. */
	buf_append_str(b, "\"line\":");
	json_append_cstr(b, r->line);
	buf_append_str(b, ",\"level\":\"");
	buf_append_str(b, level_name(r->level));
	buf_append_str(b, "\",\"summary\":");
	json_append_cstr(b, r->summary);
	buf_append_str(b, ",\"findings\":[");
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			buf_putc(b, ',');
		append_finding(b, &r->findings[i]);
	}
	buf_putc(b, ']');
}
