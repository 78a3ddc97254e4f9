/* libFuzzer target: the log reader, the verifier and every exporter on
 * arbitrary bytes. */
#include "log/export.h"
#include "log/reader.h"
#include "log/verify.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	const enum export_format formats[] = {EXPORT_ASCIICAST, EXPORT_TEXT, EXPORT_JSON};
	struct verify_options vo = {0};
	struct verify_report rep;
	struct log_reader r;
	struct error err;

	if (sink == NULL) {
		sink = fopen("/dev/null", "w");
		keys_init(&err);
	}
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		log_reader_init(&r, data, size);
		export_log(&r, formats[i], sink, &err);
		log_reader_close(&r);
	}
	log_reader_init(&r, data, size);
	verify_reader(&r, &vo, &rep);
	log_reader_close(&r);
	return 0;
}
