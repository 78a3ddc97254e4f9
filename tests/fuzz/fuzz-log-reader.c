/* libFuzzer target: the log reader and every exporter on arbitrary bytes. */
#include "log/export.h"
#include "log/reader.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	const enum export_format formats[] = {EXPORT_ASCIICAST, EXPORT_TEXT, EXPORT_JSON};

	if (sink == NULL)
		sink = fopen("/dev/null", "w");
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct log_reader r;
		struct error err;

		log_reader_init(&r, data, size);
		export_log(&r, formats[i], sink, &err);
	}
	return 0;
}
