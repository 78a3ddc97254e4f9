/* What an auditor asks of past sessions (docs/ARCHITECTURE.md, "The web
 * console"): the query string of /api/audit/... decoded into bounded
 * fields, every one checked. The fields are only ever bound as SQL
 * parameters (audit-db.c); nothing here touches escortd's state, so the
 * fuzzer (tests/fuzz/fuzz-audit-filter.c) drives it alone. */
#ifndef ESCORT_WEB_AUDIT_FILTER_H
#define ESCORT_WEB_AUDIT_FILTER_H

#include <stddef.h>
#include <stdint.h>

#define AUDIT_MAX_QUERY 500 /* bytes of a full-text search */

struct audit_filter {
	char operator_[64];
	char host[256];
	char program[256];
	char decision[16]; /* allow, deny, approved, denied, ... */
	char q[AUDIT_MAX_QUERY + 1];
	char session[33]; /* one session (16 to 32 hex digits) */
	int risk;	  /* at least this level; -1: any */
	int64_t from, to; /* started in [from, to], seconds since 1970; 0: open */
};

/* 0, or -1 with *why (a static string naming the field) for a query that
 * is not one: an unknown or repeated field, a value too long or malformed. */
int audit_filter_parse(struct audit_filter *f, const char *query, size_t len, const char **why);

#endif
