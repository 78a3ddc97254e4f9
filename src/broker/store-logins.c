#include "store-internal.h"

#include <stdio.h>

int store_credential_add(struct store *s, const char *hash, const char *account,
			 const char *address, int64_t expires, struct error *err)
{
	return store_run(s, err, "record a login credential",
			 "INSERT INTO credentials (hash, account, address, created, expires)"
			 " VALUES (?, ?, ?, ?, ?)",
			 "sssii", hash, account, address, store_now(), expires);
}

int store_credential_find(struct store *s, const char *hash, char *account, size_t size,
			  int64_t *expires, struct error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db,
			       "SELECT account, expires FROM credentials WHERE hash = ?1"
			       " AND revoked IS NULL AND expires > ?2",
			       -1, &st, NULL) != SQLITE_OK)
		return error_set_code(err, ERR_SYSTEM, "the state database: %s",
				      sqlite3_errmsg(s->db));
	sqlite3_bind_text(st, 1, hash, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, store_now());
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(account, size, "%s", (const char *)sqlite3_column_text(st, 0));
		*expires = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return error_set(err, "the credential is unknown, expired or revoked: "
				      "log in again (escort login)");
	return error_set_code(err, ERR_SYSTEM, "the state database: %s", sqlite3_errmsg(s->db));
}

int store_credentials_revoke(struct store *s, const char *account, struct error *err)
{
	if (store_run(s, err, "revoke credentials",
		      "UPDATE credentials SET revoked = ? WHERE account = ? AND revoked IS NULL",
		      "is", store_now(), account) < 0)
		return -1;
	return sqlite3_changes(s->db);
}

int store_credential_revoke(struct store *s, const char *hash, struct error *err)
{
	return store_run(s, err, "revoke a credential",
			 "UPDATE credentials SET revoked = ? WHERE hash = ? AND revoked IS NULL",
			 "is", store_now(), hash);
}
