/* libFuzzer target: the program index file (escort index's output) is read
 * by every session; a damaged one must be refused with a message, never
 * crash, and a loaded one must answer lookups. */
#include "gate/identity.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct identity_index *idx;
	struct error err;
	uint8_t hash[SHA256_LEN] = {0};
	FILE *f;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/escort-fuzz-index-%d", (int)getpid());
	f = fopen(path, "we");
	if (f == NULL)
		abort();
	if (size)
		fwrite(data, 1, size, f);
	fclose(f);
	idx = identity_index_load(path, &err);
	if (idx == NULL) {
		if (err.msg[0] == '\0')
			abort();
		return 0;
	}
	(void)identity_index_has(idx, hash, "/usr/bin/true");
	identity_index_free(idx);
	return 0;
}
