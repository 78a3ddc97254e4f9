/* Turning a session log into something people and players read. */
#ifndef ESCORT_EXPORT_H
#define ESCORT_EXPORT_H

#include "reader.h"
#include "util/buf.h"

#include <stdio.h>

enum export_format { EXPORT_ASCIICAST, EXPORT_TEXT, EXPORT_JSON };

/* Per-format state; each exporter keeps what it needs here. */
struct export_state {
	FILE *out;
	uint64_t start_mono_ns;
	struct buf carry[3]; /* cut-off UTF-8 held back per stream: input, output, error */
	int text_state;	     /* escape-sequence scanner state (text) */
	int header_done;     /* asciicast header written */
	int initial_window_seen;
	unsigned cols, rows;
};

struct exporter {
	void (*record)(struct export_state *st, const struct record *rec);
	void (*finish)(struct export_state *st);
};

extern const struct exporter export_asciicast;
extern const struct exporter export_text;
extern const struct exporter export_json;

/* Seconds since the session started. */
double export_time(const struct export_state *st, const struct record *rec);

/* Appends rec's bytes as escaped JSON text, holding back a cut-off UTF-8
 * character of the stream until its next record. */
void export_escaped_stream(struct export_state *st, int stream, const struct record *rec,
			   struct buf *out);

/* Exports everything r holds; returns 0 when the log is whole (complaints go to
 * err and the return is -1: what was readable has been written anyway). */
int export_log(struct log_reader *r, enum export_format format, FILE *out, struct error *err);

#endif
