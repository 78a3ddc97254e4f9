#include "batch.h"

#include "line-reader.h"
#include "report-json.h"
#include "util/buf.h"
#include "util/json.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <stdlib.h>

static void append_error(struct buf *b, const struct line *l)
{
	buf_append_str(b, ",\"error\":");
	json_append_cstr(b, line_fault_text(l->fault));
	buf_printf(b, ",\"length\":%zu", l->length);
	if (l->fault == LINE_HAS_NUL || l->fault == LINE_INVALID_UTF8)
		buf_printf(b, ",\"at\":%zu", l->at);
}

/* The rule ids, and the top finding's explanation and question, for a
 * reader who only wants the gist. */
static void append_gist(struct buf *b, const struct risk_report *r)
{
	const struct finding *top = r->n ? &r->findings[0] : NULL;

	buf_append_str(b, ",\"rules\":[");
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			buf_putc(b, ',');
		json_append_cstr(b, r->findings[i].rule);
	}
	buf_append_str(b, "],\"explain\":");
	json_append_cstr(b, top ? top->explain : "");
	buf_append_str(b, ",\"ask\":");
	json_append_cstr(b, top ? top->ask : "");
}

static void rate_one(struct risk_engine *e, struct line *l, const struct risk_input *in,
		     struct buf *b)
{
	struct risk_report r;

	if (l->fault != LINE_OK) {
		append_error(b, l);
		return;
	}
	if (risk_rate_line(e, buf_cstr(&l->text), l->text.len, in, &r) < 0) {
		buf_append_str(b, ",\"error\":\"the line could not be rated\"");
		return;
	}
	buf_putc(b, ',');
	report_json_members(b, &r);
	append_gist(b, &r);
	risk_report_free(&r);
}

int explain_batch(struct risk_engine *e, int fd, FILE *out, const struct risk_input *in)
{
	struct line_reader *reader = xmalloc(sizeof(*reader));
	struct line l = {0};
	struct buf b = {0};
	size_t n = 0;
	int got, error;

	line_reader_init(reader, fd, out);
	while ((got = line_reader_next(reader, &l, BATCH_LINE_MAX)) > 0) {
		buf_reset(&b);
		buf_printf(&b, "{\"input\":%zu", ++n);
		rate_one(e, &l, in, &b);
		buf_append_str(&b, "}\n");
		fwrite(b.data, 1, b.len, out);
	}
	fflush(out);
	error = reader->error;
	buf_free(&b);
	buf_free(&l.text);
	free(reader);
	errno = error;
	return got < 0 ? -1 : 0;
}
