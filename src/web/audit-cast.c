/* A past session's log as asciicast v2 for asciinema-player in the
 * auditor's browser: log/export-asciicast.c, written to memory. The player
 * is given the recording as data (it parses it, no escortd-side HTML), with
 * the characters that would hide text in a browser made seen
 * (audit-cast-marks.c). */
#include "audit-db.h"

#include "audit-cast-marks.h"
#include "log/export.h"

#include <stdio.h>
#include <stdlib.h>

int audit_cast(const char *log, struct buf *out, struct error *err)
{
	struct log_reader r;
	char *data = NULL;
	size_t len = 0;
	FILE *f;

	if (log_reader_open(&r, log, err) < 0)
		return -1;
	f = open_memstream(&data, &len);
	if (f == NULL) {
		log_reader_close(&r);
		return error_errno(err, "cannot export %s", log);
	}
	r.inflate_limit = 1u << 30;
	export_log(&r, EXPORT_ASCIICAST, f, err); /* what was readable, even if damaged */
	fclose(f);
	log_reader_close(&r);
	audit_cast_marks(out, data, len);
	free(data);
	return 0;
}
