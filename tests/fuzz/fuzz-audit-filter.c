/* libFuzzer target: what an auditor's browser sends as filters and search
 * (the query string of /api/audit/...) is decoded within its bounds, and
 * the search, given to SQLite FTS5 as a bound MATCH parameter over an index
 * holding hostile text, either runs or fails as a query error (what escortd
 * answers 400 with), never anything else. */
#include "web/audit-filter.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static sqlite3 *db;

static void index_open(void)
{
	static const char *rows[] = {"rm -rf /srv/data", "<script>alert(1)</script>",
				     "\xe2\x80\xaegnp.exe", "NEAR AND OR NOT \"*",
				     "echo auditneedle-42"};
	sqlite3_stmt *st;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, "CREATE VIRTUAL TABLE lines USING fts5(body, session UNINDEXED)", NULL,
			 NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO lines VALUES (?, 'a')", -1, &st, NULL) != SQLITE_OK)
		abort();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		sqlite3_bind_text(st, 1, rows[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			abort();
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

static void search(const char *q)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT body FROM lines WHERE lines MATCH ? LIMIT 5", -1, &st,
			       NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE && rc != SQLITE_ERROR)
		abort();
	sqlite3_finalize(st);
}

static void check(const struct audit_filter *f)
{
	if (strlen(f->q) > AUDIT_MAX_QUERY || f->risk < -1 || f->risk > 4 || f->from < 0 ||
	    f->to < 0 || (f->from && f->to && f->from > f->to))
		abort();
	if (f->session[0] && strspn(f->session, "0123456789abcdef") != strlen(f->session))
		abort();
	if (f->q[0])
		search(f->q);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_filter f;
	const char *why = NULL;
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	if (db == NULL)
		index_open();
	memcpy(text, data, size);
	text[size] = '\0';
	if (audit_filter_parse(&f, text, size, &why) == 0)
		check(&f);
	else if (why == NULL)
		abort();
	free(text);
	return 0;
}
