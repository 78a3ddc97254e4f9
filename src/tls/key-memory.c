#include "key-memory.h"

#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>

#define SECURE_HEAP_SIZE (64 * 1024) /* a power of two */
#define SECURE_HEAP_MIN 16

/* The mapping of /proc/self/maps that holds p: its start and end. */
static int mapping_of(uintptr_t p, uintptr_t *start, uintptr_t *end)
{
	FILE *maps = fopen("/proc/self/maps", "re");
	unsigned long s, e;
	char line[512];
	int found = 0;

	if (maps == NULL)
		return -1;
	while (!found && fgets(line, sizeof(line), maps) != NULL)
		if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s <= p && p < e)
			*start = s, *end = e, found = 1;
	fclose(maps);
	return found ? 0 : -1;
}

int key_memory_init(struct error *err)
{
	uintptr_t start, end;
	void *probe;
	int ok;

	if (CRYPTO_secure_malloc_initialized())
		return 0;
	/* 2 when the arena could not be locked in memory: still usable. */
	if (CRYPTO_secure_malloc_init(SECURE_HEAP_SIZE, SECURE_HEAP_MIN) == 0)
		return error_set(err, "cannot make a secure heap for the host's key");
	probe = OPENSSL_secure_malloc(SECURE_HEAP_MIN);
	ok = probe != NULL && CRYPTO_secure_allocated(probe) &&
	     mapping_of((uintptr_t)probe, &start, &end) == 0 &&
	     madvise((void *)start, end - start, MADV_WIPEONFORK) == 0;
	OPENSSL_secure_free(probe);
	return ok ? 0 : error_errno(err, "cannot keep the host's key out of forked processes");
}
