#include "xmalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void fail(const char *what, size_t nmemb, size_t size)
{
	fprintf(stderr, "escort: %s: out of memory (%zu * %zu bytes)\n", what, nmemb, size);
	abort();
}

static size_t mul(const char *what, size_t nmemb, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(nmemb, size, &total))
		fail(what, nmemb, size);
	return total;
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		fail("xmalloc", 1, size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p;

	mul("xcalloc", nmemb, size);
	p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL)
		fail("xcalloc", nmemb, size);
	return p;
}

void *xreallocarray(void *p, size_t nmemb, size_t size)
{
	size_t total = mul("xreallocarray", nmemb, size);
	void *q = realloc(p, total ? total : 1);

	if (q == NULL)
		fail("xreallocarray", nmemb, size);
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, SIZE_MAX);
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p;

	if (len == SIZE_MAX)
		fail("xstrndup", 1, len);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0)
		fail("xasprintf", 1, 0);
	return p;
}
