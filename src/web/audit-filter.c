/* The auditor's filters, from a query string (audit-filter.h). */
#include "audit-filter.h"

#include "form.h"
#include "risk/rules.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static int copy(char *dst, size_t size, const char *value)
{
	size_t n = strlen(value);

	if (n >= size)
		return -1;
	memcpy(dst, value, n + 1);
	return 0;
}

/* Seconds since 1970: digits only, at most 12 of them. */
static int seconds(int64_t *out, const char *value)
{
	size_t n = strlen(value);

	if (n == 0) {
		*out = 0;
		return 0;
	}
	if (n > 12 || strspn(value, "0123456789") != n)
		return -1;
	*out = strtoll(value, NULL, 10);
	return 0;
}

static int decision_word(char *dst, size_t size, const char *value)
{
	size_t n = strlen(value);

	if (strspn(value, "abcdefghijklmnopqrstuvwxyz-") != n)
		return -1;
	return copy(dst, size, value);
}

static int hex_id(char *dst, size_t size, const char *value)
{
	size_t n = strlen(value);

	if (n != 0 && (n < 16 || strspn(value, "0123456789abcdef") != n))
		return -1;
	return copy(dst, size, value);
}

static int risk_level(int *out, const char *value)
{
	if (value[0] == '\0') {
		*out = -1;
		return 0;
	}
	*out = level_parse(value);
	return *out < 0 ? -1 : 0;
}

enum kind { TEXT, DECISION, ID, RISK, SECONDS };

#define FIELD(name, member, kind, why)                                                             \
	{                                                                                          \
		name, offsetof(struct audit_filter, member),                                       \
		    sizeof(((struct audit_filter *)0)->member), kind, why                          \
	}

static const struct field {
	const char *name;
	size_t off, size;
	enum kind kind;
	const char *why;
} fields[] = {
    FIELD("operator", operator_, TEXT, "operator: too long"),
    FIELD("host", host, TEXT, "host: too long"),
    FIELD("program", program, TEXT, "program: too long"),
    FIELD("q", q, TEXT, "search: longer than 500 bytes"),
    FIELD("decision", decision, DECISION, "decision: not a decision's name"),
    FIELD("id", session, ID, "id: not a session id (16 to 32 hex digits)"),
    FIELD("risk", risk, RISK, "risk: not a level (info, low, medium, high, critical)"),
    FIELD("from", from, SECONDS, "from: not seconds since 1970"),
    FIELD("to", to, SECONDS, "to: not seconds since 1970"),
};

static int store(const struct field *d, char *at, const char *value)
{
	switch (d->kind) {
	case TEXT:
		return copy(at, d->size, value);
	case DECISION:
		return decision_word(at, d->size, value);
	case ID:
		return hex_id(at, d->size, value);
	case RISK:
		return risk_level((int *)(void *)at, value);
	case SECONDS:
		return seconds((int64_t *)(void *)at, value);
	}
	return -1;
}

/* One field into f: 0, -1 with *why. */
static int take(struct audit_filter *f, const char *name, const char *value, const char **why)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(fields[i].name, name) == 0) {
			*why = fields[i].why;
			return store(&fields[i], (char *)f + fields[i].off, value);
		}
	*why = "an unknown filter";
	return -1;
}

int audit_filter_parse(struct audit_filter *f, const char *query, size_t len, const char **why)
{
	struct form form;
	int rc = 0;

	memset(f, 0, sizeof(*f));
	f->risk = -1;
	if (form_parse(&form, query, len, why) < 0)
		return -1;
	for (size_t i = 0; rc == 0 && i < form.n; i++)
		rc = take(f, form.fields[i].name, form.fields[i].value, why);
	form_free(&form);
	if (rc == 0 && f->from && f->to && f->from > f->to) {
		*why = "from: after to";
		rc = -1;
	}
	return rc;
}
