/* Decoding what a browser sends: application/x-www-form-urlencoded bodies
 * and Cookie headers. Every byte is hostile: sizes are bounded, a bad
 * escape or a NUL is an error, never guessed at. No escortd state here, so
 * the fuzzer (tests/fuzz/fuzz-web-form.c) drives it alone. */
#ifndef ESCORT_WEB_FORM_H
#define ESCORT_WEB_FORM_H

#include <stddef.h>

#define FORM_MAX_FIELDS 16
#define FORM_MAX_BYTES 16384

struct form_field {
	char *name, *value;
};

struct form {
	struct form_field fields[FORM_MAX_FIELDS];
	size_t n;
	char *store; /* one allocation holding every decoded name and value */
	size_t store_size;
};

/* 0, or -1 with *why (a static string) for a body that is not a form. */
int form_parse(struct form *f, const char *body, size_t len, const char **why);
/* The value of name ("" when absent): a name given twice was refused. */
const char *form_get(const struct form *f, const char *name);
/* Frees f, its bytes (passwords) overwritten first. */
void form_free(struct form *f);

/* The value of cookie name in a Cookie header, copied into out; -1 when
 * absent, given twice or too long. */
int cookie_get(const char *header, const char *name, char *out, size_t size);

#endif
