/* {sql}: what the query given to a database client does, in words:
 * "deletes the rows of table users that match “WHERE ...”", "deletes every
 * row of table orders (no WHERE condition)", "deletes the whole database crm
 * and all its tables". Text only; the rating is verbs.c's. */
#ifndef ESCORT_DESCRIBE_SQL_H
#define ESCORT_DESCRIBE_SQL_H

#include "util/buf.h"

/* Each statement of sql (at most three), joined with "; then ". Returns 0
 * when sql is empty. */
int describe_sql(struct buf *b, const char *sql);

#endif
