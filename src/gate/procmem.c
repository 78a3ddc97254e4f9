#include "procmem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* process_vm_readv stops at the first unmapped page, so read up to page
 * boundaries and go on from there. */
static ssize_t read_remote(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		uint64_t at = addr + done;
		size_t to_page_end = 4096 - (size_t)(at & 4095);
		size_t chunk = len - done < to_page_end ? len - done : to_page_end;
		struct iovec local = {(char *)buf + done, chunk};
		struct iovec remote = {(void *)(uintptr_t)at, chunk};
		ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		if (n <= 0)
			return done > 0 ? (ssize_t)done : -1;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

ssize_t procmem_string(pid_t pid, uint64_t addr, char *out, size_t size, struct error *err)
{
	size_t done = 0;

	if (size == 0)
		return error_set(err, "no room for a string");
	while (done < size - 1) {
		size_t want = size - 1 - done < 256 ? size - 1 - done : 256;
		ssize_t n = read_remote(pid, addr + done, out + done, want);
		char *nul;
		if (n <= 0)
			return error_errno(err, "cannot read the memory of process %d", (int)pid);
		nul = memchr(out + done, '\0', (size_t)n);
		if (nul != NULL)
			return nul - out;
		done += (size_t)n;
	}
	out[size - 1] = '\0';
	return error_set(err, "a string in process %d is longer than %zu bytes", (int)pid,
			 size - 1);
}

int procmem_string_array(pid_t pid, uint64_t addr, char ***out, int *truncated, struct error *err)
{
	char **array = calloc(PROCMEM_MAX_ARGS + 1, sizeof(char *));
	char *buf = malloc(PROCMEM_MAX_STRING);
	size_t total = 0;
	int n = 0;

	*truncated = 0;
	if (array == NULL || buf == NULL) {
		free(array);
		free(buf);
		return error_set(err, "out of memory");
	}
	for (; n < PROCMEM_MAX_ARGS; n++) {
		uint64_t ptr = 0;
		ssize_t len;
		if (read_remote(pid, addr + (uint64_t)n * sizeof(ptr), &ptr, sizeof(ptr)) !=
		    (ssize_t)sizeof(ptr)) {
			error_errno(err, "cannot read the argument list of process %d", (int)pid);
			goto fail;
		}
		if (ptr == 0)
			break;
		len = procmem_string(pid, ptr, buf, PROCMEM_MAX_STRING, err);
		if (len < 0 || total + (size_t)len > PROCMEM_MAX_TOTAL) {
			if (len >= 0 || strstr(err->msg, "longer than") != NULL) {
				*truncated = 1;
				break;
			}
			goto fail;
		}
		total += (size_t)len;
		array[n] = strdup(buf);
		if (array[n] == NULL)
			goto fail;
	}
	if (n == PROCMEM_MAX_ARGS)
		*truncated = 1;
	free(buf);
	*out = array;
	return 0;
fail:
	free(buf);
	procmem_free_array(array);
	return -1;
}

void procmem_free_array(char **array)
{
	if (array == NULL)
		return;
	for (size_t i = 0; array[i]; i++)
		free(array[i]);
	free(array);
}
