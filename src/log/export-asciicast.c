/* asciicast v2: a JSON header line, then [time, code, data] event lines. */
#include "export.h"

#include "fields.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

struct start_info {
	unsigned cols, rows;
	const char *user, *host, *term;
	struct buf command;
};

static void read_start(const struct record *rec, struct start_info *si)
{
	struct field f;
	size_t pos = 0;

	while (fields_next(rec->payload, rec->payload_len, &pos, &f) == 1) {
		if (strcmp(f.key, "cols") == 0)
			si->cols = (unsigned)strtoul(f.value, NULL, 10);
		else if (strcmp(f.key, "rows") == 0)
			si->rows = (unsigned)strtoul(f.value, NULL, 10);
		else if (strcmp(f.key, "user") == 0)
			si->user = f.value;
		else if (strcmp(f.key, "host") == 0)
			si->host = f.value;
		else if (strcmp(f.key, "term") == 0)
			si->term = f.value;
		else if (strcmp(f.key, "argv") == 0) {
			if (si->command.len > 0)
				buf_putc(&si->command, ' ');
			buf_append_str(&si->command, f.value);
		}
	}
}

static void write_header(struct export_state *st, const struct record *start)
{
	struct start_info si = {.cols = 80, .rows = 24};
	struct buf b = {0};
	struct buf title = {0};

	if (start != NULL)
		read_start(start, &si);
	if (si.cols == 0 || si.cols > 10000)
		si.cols = 80;
	if (si.rows == 0 || si.rows > 10000)
		si.rows = 24;
	buf_printf(&b, "{\"version\":2,\"width\":%u,\"height\":%u", si.cols, si.rows);
	if (start != NULL)
		buf_printf(&b, ",\"timestamp\":%llu",
			   (unsigned long long)(start->wall_ns / 1000000000u));
	buf_printf(&title, "escort session of %s on %s", si.user ? si.user : "?",
		   si.host ? si.host : "?");
	buf_append_str(&b, ",\"title\":");
	json_append_string(&b, title.data, title.len);
	buf_append_str(&b, ",\"command\":");
	json_append_string(&b, si.command.data, si.command.len);
	buf_append_str(&b, ",\"env\":{\"TERM\":");
	json_append_cstr(&b, si.term ? si.term : "xterm");
	buf_append_str(&b, "}}\n");
	fwrite(b.data, 1, b.len, st->out);
	buf_free(&b);
	buf_free(&title);
	buf_free(&si.command);
	st->header_done = 1;
}

static void write_event(struct export_state *st, const struct record *rec, char code)
{
	struct buf b = {0};

	buf_printf(&b, "[%.6f, \"%c\", \"", export_time(st, rec), code);
	if (code == 'r')
		buf_printf(&b, "%ux%u", rec->payload[0] | rec->payload[1] << 8,
			   rec->payload[2] | rec->payload[3] << 8);
	else
		export_escaped_stream(st,
				      code == 'i'		      ? 0
				      : rec->type == REC_ERROR_OUTPUT ? 2
								      : 1,
				      rec, &b);
	buf_append_str(&b, "\"]\n");
	fwrite(b.data, 1, b.len, st->out);
	buf_free(&b);
}

static void asciicast_record(struct export_state *st, const struct record *rec)
{
	if (!st->header_done && rec->type == REC_SESSION_START)
		write_header(st, rec);
	if (!st->header_done && (rec->type == REC_OUTPUT || rec->type == REC_ERROR_OUTPUT ||
				 rec->type == REC_INPUT || rec->type == REC_WINDOW))
		write_header(st, NULL);
	if (rec->type == REC_OUTPUT || rec->type == REC_ERROR_OUTPUT)
		write_event(st, rec, 'o');
	else if (rec->type == REC_INPUT)
		write_event(st, rec, 'i');
	else if (rec->type == REC_WINDOW && rec->payload_len == 4) {
		if (st->initial_window_seen)
			write_event(st, rec, 'r');
		st->initial_window_seen = 1;
	}
}

static void asciicast_finish(struct export_state *st)
{
	if (!st->header_done)
		write_header(st, NULL);
}

const struct exporter export_asciicast = {asciicast_record, asciicast_finish};
