#include "procmem.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* process_vm_readv stops at the first unmapped page, so read up to page
 * boundaries and go on from there (after one read of it all: most ranges
 * are mapped whole, and a 64 KiB send is then one call, not sixteen). */
static ssize_t read_remote(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec all = {buf, len}, from = {(void *)(uintptr_t)addr, len};
	ssize_t first = len > 4096 ? process_vm_readv(pid, &all, 1, &from, 1, 0) : 0;
	size_t done = first > 0 ? (size_t)first : 0;

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

int procmem_read(pid_t pid, uint64_t addr, void *out, size_t len, struct error *err)
{
	if (read_remote(pid, addr, out, len) != (ssize_t)len)
		return error_errno(err, "cannot read %zu bytes of process %d", len, (int)pid);
	return 0;
}

int procmem_write(pid_t pid, uint64_t addr, const void *data, size_t len, struct error *err)
{
	struct iovec local = {(void *)data, len};
	struct iovec remote = {(void *)(uintptr_t)addr, len};

	if (process_vm_writev(pid, &local, 1, &remote, 1, 0) != (ssize_t)len)
		return error_errno(err, "cannot write %zu bytes into process %d", len, (int)pid);
	return 0;
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
	return error_set_code(err, ERR_TRUNCATED, "a string in process %d is longer than %zu bytes",
			      (int)pid, size - 1);
}

#define BATCH 64
#define PREFIX 256

/* Reads up to BATCH pointers of a NULL-terminated array at addr; returns how
 * many were read before the terminator (*ended set), or -1. */
static int read_pointers(pid_t pid, uint64_t addr, uint64_t ptrs[BATCH], int *ended)
{
	ssize_t n = read_remote(pid, addr, ptrs, BATCH * sizeof(uint64_t));
	int count;

	*ended = 0;
	if (n < (ssize_t)sizeof(uint64_t))
		return -1;
	count = (int)((size_t)n / sizeof(uint64_t));
	for (int i = 0; i < count; i++)
		if (ptrs[i] == 0) {
			*ended = 1;
			return i;
		}
	return count;
}

/* One system call for the first bytes of many strings. A string near the end
 * of a mapping stops the batch; those left are read one by one. */
static void read_prefixes_vectored(pid_t pid, const uint64_t *ptrs, int n, char (*out)[PREFIX],
				   size_t want, size_t *got)
{
	struct iovec local[BATCH] = {{0}}, remote[BATCH] = {{0}};
	ssize_t done = 0;
	int i = 0;

	if (n <= 0)
		return;
	for (int k = 0; k < n; k++) {
		local[k] = (struct iovec){out[k], want};
		remote[k] = (struct iovec){(void *)(uintptr_t)ptrs[k], want};
		got[k] = 0;
	}
	done = process_vm_readv(pid, local, (unsigned long)n, remote, (unsigned long)n, 0);
	if (done < 0)
		done = 0;
	for (; done > 0 && i < n; i++) {
		got[i] = (size_t)done < want ? (size_t)done : want;
		done -= (ssize_t)got[i];
	}
	for (; i < n; i++)
		if (got[i] < want) {
			ssize_t r = read_remote(pid, ptrs[i], out[i], want);
			got[i] = r > 0 ? (size_t)r : 0;
		}
}

#define PAGE 4096u
#define SPANS_MAX 16 /* distinct runs of pages read for one batch */
#define SPAN_MAX (16 * PAGE)

struct span {
	uint64_t start, end; /* whole pages */
	char *data;
	ssize_t got;
};

/* The runs of whole pages that hold the first want bytes of every string,
 * merged: the strings of an environment or argument list sit on a few pages
 * of the caller's heap or stack, and each remote range is a page walk in the
 * kernel. 0 when they are too scattered to be worth it. */
static int plan_spans(const uint64_t *ptrs, int n, size_t want, struct span *sp)
{
	int ns = 0;

	for (int k = 0; k < n; k++) {
		uint64_t s = ptrs[k] & ~(uint64_t)(PAGE - 1);
		uint64_t e = (ptrs[k] + want + PAGE - 1) & ~(uint64_t)(PAGE - 1);
		int i;
		if (e < s)
			return 0; /* wraps */
		for (i = 0; i < ns; i++)
			if (s <= sp[i].end && e >= sp[i].start &&
			    (e > sp[i].end ? e : sp[i].end) - (s < sp[i].start ? s : sp[i].start) <=
				SPAN_MAX)
				break;
		if (i == ns && ns == SPANS_MAX)
			return 0;
		if (i == ns)
			sp[ns++] = (struct span){s, e, NULL, 0};
		sp[i].start = s < sp[i].start ? s : sp[i].start;
		sp[i].end = e > sp[i].end ? e : sp[i].end;
	}
	return ns;
}

/* Reads each span (stopping at an unmapped page, as read_remote does). */
static void read_spans(pid_t pid, struct span *sp, int ns)
{
	for (int i = 0; i < ns; i++) {
		size_t len = (size_t)(sp[i].end - sp[i].start);
		sp[i].data = xmalloc(len);
		sp[i].got = read_remote(pid, sp[i].start, sp[i].data, len);
	}
}

static size_t from_spans(const struct span *sp, int ns, uint64_t ptr, size_t want, char *out)
{
	for (int i = 0; i < ns; i++) {
		uint64_t have;
		if (ptr < sp[i].start || ptr >= sp[i].end || sp[i].got <= 0)
			continue;
		have = sp[i].start + (uint64_t)sp[i].got;
		if (ptr >= have)
			return 0;
		if (have - ptr < want)
			want = (size_t)(have - ptr);
		memcpy(out, sp[i].data + (ptr - sp[i].start), want);
		return want;
	}
	return 0;
}

/* The first bytes of many strings: from a few runs of pages when they sit
 * together, else one system call with a range per string. A string whose
 * bytes are not all there is read again on its own. */
static void read_prefixes(pid_t pid, const uint64_t *ptrs, int n, char (*out)[PREFIX], size_t want,
			  size_t *got)
{
	struct span sp[SPANS_MAX];
	int ns = n > 2 ? plan_spans(ptrs, n, want, sp) : 0;

	if (n <= 0)
		return;
	if (ns == 0) {
		read_prefixes_vectored(pid, ptrs, n, out, want, got);
		return;
	}
	read_spans(pid, sp, ns);
	for (int k = 0; k < n; k++) {
		got[k] = from_spans(sp, ns, ptrs[k], want, out[k]);
		if (got[k] < want && memchr(out[k], '\0', got[k]) == NULL) {
			ssize_t r = read_remote(pid, ptrs[k], out[k], want);
			got[k] = r > 0 ? (size_t)r : 0;
		}
	}
	for (int i = 0; i < ns; i++)
		free(sp[i].data);
}

/* A string whose first bytes are already read: finished from there. */
static char *finish_string(pid_t pid, uint64_t ptr, const char *prefix, size_t got, char *buf,
			   ssize_t *len, struct error *err)
{
	const char *nul = memchr(prefix, '\0', got);

	if (nul != NULL) {
		*len = nul - prefix;
		return xstrndup(prefix, (size_t)*len);
	}
	*len = procmem_string(pid, ptr, buf, PROCMEM_MAX_STRING, err);
	return *len < 0 ? NULL : xstrdup(buf);
}

int procmem_string_array(pid_t pid, uint64_t addr, char ***out, int *truncated, struct error *err)
{
	char **array = xcalloc(PROCMEM_MAX_ARGS + 1, sizeof(char *));
	char *buf = xmalloc(PROCMEM_MAX_STRING);
	char(*prefix)[PREFIX] = xmalloc(BATCH * PREFIX);
	uint64_t ptrs[BATCH];
	size_t total = 0, got[BATCH];
	int n = 0, ended = 0;

	*truncated = 0;
	while (!ended && n < PROCMEM_MAX_ARGS) {
		int count = read_pointers(pid, addr + (uint64_t)n * sizeof(uint64_t), ptrs, &ended);
		if (count < 0) {
			error_errno(err, "cannot read the argument list of process %d", (int)pid);
			goto fail;
		}
		if (count > PROCMEM_MAX_ARGS - n)
			count = PROCMEM_MAX_ARGS - n;
		read_prefixes(pid, ptrs, count, prefix, PREFIX, got);
		for (int i = 0; i < count; i++, n++) {
			ssize_t len;
			array[n] = finish_string(pid, ptrs[i], prefix[i], got[i], buf, &len, err);
			if (array[n] == NULL) {
				if (err->code != ERR_TRUNCATED)
					goto fail;
				*truncated = 1;
				goto done;
			}
			total += (size_t)len;
			if (total > PROCMEM_MAX_TOTAL) {
				free(array[n]);
				array[n] = NULL;
				*truncated = 1;
				goto done;
			}
		}
	}
	if (!ended)
		*truncated = 1;
done:
	free(buf);
	free(prefix);
	*out = array;
	return 0;
fail:
	free(buf);
	free(prefix);
	procmem_free_array(array);
	return -1;
}

int procmem_env_name(const char *entry, size_t len, const char *const *names, size_t nnames)
{
	for (size_t k = 0; k < nnames; k++) {
		size_t nl = strlen(names[k]);
		if (len > nl && memcmp(entry, names[k], nl) == 0 && entry[nl] == '=')
			return (int)k;
	}
	return -1;
}

/* A variable set twice: programs disagree on which one counts, so keep both. */
void procmem_env_keep(char **slot, char *entry)
{
	size_t a, b;
	char *both;

	if (*slot == NULL) {
		*slot = entry;
		return;
	}
	a = strlen(*slot);
	b = strlen(entry);
	both = xmalloc(a + b + 2);
	memcpy(both, *slot, a);
	both[a] = '\n';
	memcpy(both + a + 1, entry, b + 1);
	free(*slot);
	free(entry);
	*slot = both;
}

int procmem_env_select(pid_t pid, uint64_t addr, const char *const *names, size_t nnames,
		       char **values, struct error *err)
{
	char(*prefix)[PREFIX] = xmalloc(BATCH * PREFIX);
	char *buf = xmalloc(PROCMEM_MAX_STRING);
	uint64_t ptrs[BATCH];
	size_t got[BATCH], seen = 0;
	int ended = 0, rc = 0;

	for (size_t k = 0; k < nnames; k++)
		values[k] = NULL;
	while (!ended && seen < PROCMEM_MAX_ARGS * 4) {
		int count = read_pointers(pid, addr + seen * sizeof(uint64_t), ptrs, &ended);
		if (count < 0) {
			rc =
			    error_errno(err, "cannot read the environment of process %d", (int)pid);
			break;
		}
		read_prefixes(pid, ptrs, count, prefix, 32, got);
		for (int i = 0; i < count && rc == 0; i++) {
			int k = procmem_env_name(prefix[i], got[i], names, nnames);
			ssize_t len;
			char *v;
			if (k < 0)
				continue;
			v = finish_string(pid, ptrs[i], prefix[i], got[i], buf, &len, err);
			if (v == NULL)
				rc = -1;
			else
				procmem_env_keep(&values[k], v);
		}
		if (rc < 0)
			break;
		seen += (size_t)count;
	}
	if (rc == 0 && !ended)
		rc =
		    error_set(err, "the environment of process %d is too large to check", (int)pid);
	free(prefix);
	free(buf);
	if (rc < 0)
		for (size_t k = 0; k < nnames; k++) {
			free(values[k]);
			values[k] = NULL;
		}
	return rc;
}

void procmem_free_array(char **array)
{
	if (array == NULL)
		return;
	for (size_t i = 0; array[i]; i++)
		free(array[i]);
	free(array);
}

/* The bytes from addr up to the end of its page, at most max: a read that
 * never crosses into a page that may not be mapped. */
static size_t within_page(uint64_t addr, size_t max)
{
	size_t left = 4096 - (size_t)(addr & 4095);

	return left < max ? left : max;
}

static int has_nul(const char *s, size_t n)
{
	return memchr(s, '\0', n) != NULL;
}

/* Each of n strings whose first bytes were read: whole, in the heap; NULL
 * on a string that cannot be read or is longer than a string may be. */
static char **finish_all(pid_t pid, const uint64_t *ptrs, char (*prefix)[PREFIX], const size_t *got,
			 size_t n)
{
	char **all = xcalloc(n + 1, sizeof(char *));
	char *buf = NULL;
	struct error err;
	ssize_t len;

	for (size_t i = 0; i < n; i++) {
		if (memchr(prefix[i], '\0', got[i]) == NULL && buf == NULL)
			buf = xmalloc(PROCMEM_MAX_STRING);
		all[i] = finish_string(pid, ptrs[i], prefix[i], got[i], buf, &len, &err);
		if (all[i] == NULL) {
			procmem_free_array(all);
			all = NULL;
			break;
		}
	}
	free(buf);
	return all;
}

int procmem_exec_fast(pid_t pid, uint64_t path_at, uint64_t argv_at, uint64_t envp_at,
		      struct procmem_exec *out)
{
	static char strings[BATCH][PREFIX];
	uint64_t argv_ptrs[BATCH], envp_ptrs[BATCH];
	struct iovec local[3], remote[3];
	size_t want = 0, nargs = 0, nenv = 0, got[BATCH];

	memset(out, 0, sizeof(*out));
	if (argv_at == 0 || envp_at == 0)
		return 0;
	local[0] = (struct iovec){out->path, within_page(path_at, sizeof(out->path))};
	local[1] = (struct iovec){argv_ptrs, within_page(argv_at, sizeof(argv_ptrs))};
	local[2] = (struct iovec){envp_ptrs, within_page(envp_at, sizeof(envp_ptrs))};
	for (int i = 0; i < 3; i++) {
		remote[i] = (struct iovec){(void *)(uintptr_t)(i == 0	? path_at
							       : i == 1 ? argv_at
									: envp_at),
					   local[i].iov_len};
		want += local[i].iov_len;
	}
	if (process_vm_readv(pid, local, 3, remote, 3, 0) != (ssize_t)want ||
	    !has_nul(out->path, local[0].iov_len))
		return 0;
	while (nargs < local[1].iov_len / 8 && argv_ptrs[nargs])
		nargs++;
	while (nenv < local[2].iov_len / 8 && envp_ptrs[nenv])
		nenv++;
	if (nargs == local[1].iov_len / 8 || nenv == local[2].iov_len / 8)
		return 0; /* more than one read's worth: the careful way */
	read_prefixes(pid, argv_ptrs, (int)nargs, strings, PREFIX, got);
	out->argv = finish_all(pid, argv_ptrs, strings, got, nargs);
	read_prefixes(pid, envp_ptrs, (int)nenv, strings, PREFIX, got);
	out->env = out->argv ? finish_all(pid, envp_ptrs, strings, got, nenv) : NULL;
	if (out->env == NULL) {
		procmem_free_array(out->argv);
		out->argv = NULL;
		return 0;
	}
	return 1;
}

ssize_t procfs_read(pid_t pid, const char *name, char *buf, size_t size)
{
	char path[96];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

void procfs_comm(pid_t pid, char *out, size_t size)
{
	if (procfs_read(pid, "comm", out, size) < 0)
		snprintf(out, size, "?");
	out[strcspn(out, "\n")] = '\0';
}
