/* What the files of store (store.c, store-hosts.c) share: the database and
 * the one way they run a statement. */
#ifndef ESCORT_BROKER_STORE_INTERNAL_H
#define ESCORT_BROKER_STORE_INTERNAL_H

#include "store.h"

#include <sqlite3.h>

struct store {
	sqlite3 *db;
};

/* Runs sql with the arguments bound in order: 's' text, 'i' int64. */
int store_run(struct store *s, struct error *err, const char *what, const char *sql,
	      const char *types, ...);
int64_t store_now(void);

#endif
