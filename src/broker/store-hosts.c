#include "store-internal.h"

#include <stdio.h>

int store_token_add(struct store *s, const char *hash, const char *host, int64_t expires,
		    struct error *err)
{
	return store_run(
	    s, err, "record a join token",
	    "INSERT INTO enroll_tokens (hash, host, created, expires) VALUES (?, ?, ?, ?)", "ssii",
	    hash, host, store_now(), expires);
}

int store_token_take(struct store *s, const char *hash, char *host, size_t size, struct error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db,
			       "UPDATE enroll_tokens SET used = ?1 WHERE hash = ?2 AND used IS NULL"
			       " AND expires > ?1 RETURNING host",
			       -1, &st, NULL) != SQLITE_OK)
		return error_set_code(err, ERR_SYSTEM, "the state database: %s",
				      sqlite3_errmsg(s->db));
	sqlite3_bind_int64(st, 1, store_now());
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(host, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return error_set(err, "the token is unknown, used or expired");
	return error_set_code(err, ERR_SYSTEM, "the state database: %s", sqlite3_errmsg(s->db));
}

int store_cert_add(struct store *s, const char *serial, const char *host, struct error *err)
{
	return store_run(s, err, "record a host certificate",
			 "INSERT INTO host_certs (serial, host, issued) VALUES (?, ?, ?)", "ssi",
			 serial, host, store_now());
}

int store_cert_valid(struct store *s, const char *serial, const char *host)
{
	sqlite3_stmt *st;
	int valid;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT 1 FROM host_certs WHERE serial = ? AND host = ?"
			       " AND revoked IS NULL",
			       -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, serial, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, host, -1, SQLITE_TRANSIENT);
	valid = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return valid;
}

int store_host_revoke(struct store *s, const char *host, struct error *err)
{
	if (store_run(s, err, "revoke a host",
		      "UPDATE host_certs SET revoked = ? WHERE host = ? AND revoked IS NULL", "is",
		      store_now(), host) < 0)
		return -1;
	return sqlite3_changes(s->db);
}

int store_fleet_retire(struct store *s, struct error *err)
{
	int64_t now = store_now();
	int n;

	if (store_run(s, err, "revoke the hosts' certificates",
		      "UPDATE host_certs SET revoked = ? WHERE revoked IS NULL", "i", now) < 0)
		return -1;
	n = sqlite3_changes(s->db);
	if (store_run(s, err, "void the unused join tokens",
		      "UPDATE enroll_tokens SET expires = ? WHERE used IS NULL AND expires > ?",
		      "ii", now, now) < 0)
		return -1;
	return n;
}
