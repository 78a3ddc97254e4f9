#include "export.h"

#include "util/json.h"

#include <string.h>

static const struct exporter *exporter_for(enum export_format f)
{
	switch (f) {
	case EXPORT_ASCIICAST:
		return &export_asciicast;
	case EXPORT_TEXT:
		return &export_text;
	case EXPORT_JSON:
	default:
		return &export_json;
	}
}

double export_time(const struct export_state *st, const struct record *rec)
{
	uint64_t t = rec->mono_ns >= st->start_mono_ns ? rec->mono_ns - st->start_mono_ns : 0;

	return (double)t / 1e9;
}

void export_escaped_stream(struct export_state *st, int stream, const struct record *rec,
			   struct buf *out)
{
	struct buf *carry = &st->carry[stream];
	size_t held;

	buf_append(carry, rec->payload, rec->payload_len);
	held = json_append_escaped(out, carry->data, carry->len, 1);
	buf_consume(carry, carry->len - held);
}

int export_log(struct log_reader *r, enum export_format format, FILE *out, struct error *err)
{
	const struct exporter *ex = exporter_for(format);
	struct export_state st = {.out = out};
	enum reader_result res;
	struct record rec;
	int saw_end = 0, started = 0;

	while ((res = log_reader_next(r, &rec, err)) == READ_RECORD) {
		if (log_reader_payload(r, &rec, &rec.payload, &rec.payload_len, err) < 0) {
			res = READ_DAMAGED;
			break;
		}
		if (rec.type == REC_SESSION_START && !started) {
			st.start_mono_ns = rec.mono_ns;
			started = 1;
		}
		if (rec.type == REC_SESSION_END)
			saw_end = 1;
		ex->record(&st, &rec);
	}
	ex->finish(&st);
	buf_free(&st.carry[0]);
	buf_free(&st.carry[1]);
	buf_free(&st.carry[2]);
	if (res != READ_END)
		return -1;
	if (!saw_end)
		return error_set(err, "the log has no session-end record: the recording was cut "
				      "short (escort was killed or the disk filled)");
	return 0;
}
