/* escortd's state in SQLite (STATE/escortd.db): sessions, approvals,
 * decisions and locks. The signed logs are files beside it. */
#ifndef ESCORT_STORE_H
#define ESCORT_STORE_H

#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

struct store;

struct store_session {
	const char *id, *op, *host, *argv_json, *log;
	unsigned uid;
};

struct store_approval {
	const char *session, *op, *host, *argv_json, *cwd, *identity, *summary;
	uint64_t ask_id;
	int level;
};

struct store_lock {
	char user[64], reason[512], by[64];
	int64_t at;
};

struct store *store_open(const char *dir, struct error *err);
void store_close(struct store *s);

int store_session_start(struct store *s, const struct store_session *ss, struct error *err);
int store_session_acked(struct store *s, const char *id, uint64_t seq, struct error *err);
int store_session_end(struct store *s, const char *id, const char *reason, struct error *err);
/* A session the broker knew before a restart: its operator, uid and last
 * acknowledged record, its log and host. Returns 0 when found and still open, -1 otherwise. */
int store_session_find(struct store *s, const char *id, char *op, size_t op_size, unsigned *uid,
		       uint64_t *acked, char *log, size_t log_size, char *host, size_t host_size);

int64_t store_approval_add(struct store *s, const struct store_approval *a, struct error *err);
int store_approval_close(struct store *s, int64_t id, const char *state, const char *by,
			 const char *scope, const char *note, struct error *err);
/* What became of approval id (state "approved", "withdrawn", ...) and the
 * note it was closed with; -1 when there is no such approval. */
int store_approval_state(struct store *s, int64_t id, char *state, size_t state_size, char *note,
			 size_t note_size);
/* Approvals still pending from before a restart can never be answered. */
int store_approvals_abandon(struct store *s, struct error *err);

int store_decision(struct store *s, const char *session, uint64_t ask_id, const char *action,
		   const char *by, int level, struct error *err);

int store_lock(struct store *s, const char *user, const char *reason, const char *by,
	       struct error *err);
int store_unlock(struct store *s, const char *user, struct error *err);
/* 1 with the lock filled in when user is locked, 0 when not. */
int store_locked(struct store *s, const char *user, struct store_lock *out);

/* store-hosts.c: the fleet. Join tokens are kept as their hash only, for one
 * host, until they expire or are used (once). */
int store_token_add(struct store *s, const char *hash, const char *host, int64_t expires,
		    struct error *err);
/* Marks the token used and gives its host, in one statement: 0, or -1 with
 * err when it is unknown, used or expired (err->code ERR_FAILED) or the
 * database failed (ERR_SYSTEM). */
int store_token_take(struct store *s, const char *hash, char *host, size_t size, struct error *err);
int store_cert_add(struct store *s, const char *serial, const char *host, struct error *err);
/* 1 when escortd issued the certificate serial to host and it is not
 * revoked; 0 otherwise (and when the database cannot tell). */
int store_cert_valid(struct store *s, const char *serial, const char *host);
/* Revokes every certificate of host; the number revoked, or -1 with err. */
int store_host_revoke(struct store *s, const char *host, struct error *err);

/* A new CA (escortd rotate-ca): every host certificate is revoked and every
 * unused join token voided (it was printed with the old pin). The number of
 * certificates revoked, or -1 with err. */
int store_fleet_retire(struct store *s, struct error *err);

/* store-logins.c: the credentials `escort login` was given, kept as their
 * hash only (a copy of the database lets nobody in), each naming its person. */
int store_credential_add(struct store *s, const char *hash, const char *account,
			 const char *address, int64_t expires, struct error *err);
/* The account of a credential escortd issued, not revoked and not expired:
 * 0, or -1 with err (ERR_SYSTEM when the database failed). */
int store_credential_find(struct store *s, const char *hash, char *account, size_t size,
			  int64_t *expires, struct error *err);
/* Revokes the credential of this hash (escort logout): 0, or -1 with err. */
int store_credential_revoke(struct store *s, const char *hash, struct error *err);
/* Revokes every credential of account (a lock): how many, or -1 with err. */
int store_credentials_revoke(struct store *s, const char *account, struct error *err);

#endif
