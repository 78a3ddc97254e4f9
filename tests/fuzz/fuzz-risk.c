/* libFuzzer target: the whole risk engine (parse, look through wrappers, match
 * the shipped rules, explain) on arbitrary lines. */
#include "risk/risk.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct risk_engine *engine;
	struct risk_report r;
	struct error err;
	char *line;

	if (engine == NULL) {
		setenv("ESCORT_NO_WHATIS", "1", 1);
		engine = risk_engine_new(FUZZ_RULES_DIR, RISK_NO_WHATIS, &err);
		if (engine == NULL) {
			fprintf(stderr, "%s\n", err.msg);
			abort();
		}
	}
	line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	if (risk_rate_line(engine, line, size, NULL, &r) == 0)
		risk_report_free(&r);
	free(line);
	return 0;
}
