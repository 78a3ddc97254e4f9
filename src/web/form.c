#include "form.h"

#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..len) into out (at most len bytes and a NUL); -1 on a bad
 * escape or a NUL byte. */
static int decode(const char *s, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];
		if (c == '+')
			c = ' ';
		else if (c == '%') {
			if (i + 2 >= len)
				return -1;
			int hi = hex(s[i + 1]), lo = hi < 0 ? -1 : hex(s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == 0)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

static int add_field(struct form *f, const char *pair, size_t len, char **at, const char **why)
{
	const char *eq = memchr(pair, '=', len);
	size_t nlen = eq ? (size_t)(eq - pair) : len;

	if (f->n == FORM_MAX_FIELDS)
		return *why = "too many fields", -1;
	f->fields[f->n].name = *at;
	if (decode(pair, nlen, *at) < 0)
		return *why = "a field name is not form-encoded", -1;
	*at += strlen(*at) + 1;
	f->fields[f->n].value = *at;
	if (decode(eq ? eq + 1 : pair + len, eq ? len - nlen - 1 : 0, *at) < 0)
		return *why = "a field value is not form-encoded", -1;
	*at += strlen(*at) + 1;
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].name, f->fields[f->n].name) == 0)
			return *why = "a field is given twice", -1;
	f->n++;
	return 0;
}

int form_parse(struct form *f, const char *body, size_t len, const char **why)
{
	char *at;

	memset(f, 0, sizeof(*f));
	if (len > FORM_MAX_BYTES)
		return *why = "the form is too long", -1;
	f->store_size = len + 2 * FORM_MAX_FIELDS + 2;
	f->store = at = xmalloc(f->store_size);
	for (size_t start = 0; start < len;) {
		const char *amp = memchr(body + start, '&', len - start);
		size_t end = amp ? (size_t)(amp - body) : len;
		if (end > start && add_field(f, body + start, end - start, &at, why) < 0) {
			form_free(f);
			return -1;
		}
		start = end + 1;
	}
	return 0;
}

const char *form_get(const struct form *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->fields[i].name, name) == 0)
			return f->fields[i].value;
	return "";
}

void form_free(struct form *f)
{
	if (f->store)
		explicit_bzero(f->store, f->store_size);
	free(f->store);
	memset(f, 0, sizeof(*f));
}

int cookie_get(const char *header, const char *name, char *out, size_t size)
{
	size_t nlen = strlen(name);
	int found = 0;

	for (const char *p = header; p && *p;) {
		p += strspn(p, " \t;");
		const char *end = p + strcspn(p, ";");
		if ((size_t)(end - p) > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			size_t vlen = (size_t)(end - p) - nlen - 1;
			if (found++ || vlen >= size)
				return -1;
			memcpy(out, p + nlen + 1, vlen);
			out[vlen] = '\0';
		}
		p = end;
	}
	return found ? 0 : -1;
}
