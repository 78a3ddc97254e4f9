/* libFuzzer target: `escort explain --batch` on arbitrary input, read from a
 * memfd in small pieces as from a pipe: line splitting, the UTF-8, NUL and
 * length checks, rating and the JSON written for each line. */
#include "explain/batch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct risk_engine *engine;
	static FILE *sink;
	struct error err;
	int fd;

	if (engine == NULL) {
		setenv("ESCORT_NO_WHATIS", "1", 1);
		engine = risk_engine_new(FUZZ_RULES_DIR, RISK_NO_WHATIS, &err);
		sink = fopen("/dev/null", "w");
		if (engine == NULL || sink == NULL)
			abort();
	}
	fd = memfd_create("batch", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	explain_batch(engine, fd, sink, NULL);
	close(fd);
	return 0;
}
