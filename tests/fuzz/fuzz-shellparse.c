/* libFuzzer target: the shell parser on arbitrary lines (no crash, bounded time). */
#include "risk/shellparse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shell_parse p;
	char *line = malloc(size + 1);

	memcpy(line, data, size);
	line[size] = '\0';
	if (shell_parse(line, size, &p) == 0)
		shell_parse_free(&p);
	free(line);
	return 0;
}
