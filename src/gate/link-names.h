/* The other names of files this session gave new names (hard links): a
 * write through /tmp/x after `ln /srv/app/data.db /tmp/x` is a write to
 * /srv/app/data.db, and is rated as one. Bounded: a name forgotten (the table
 * is full) leaves the file with "other names not known", which is held. */
#ifndef ESCORT_LINK_NAMES_H
#define ESCORT_LINK_NAMES_H

#include <sys/stat.h>

struct link_names;

struct link_names *link_names_new(void);
void link_names_free(struct link_names *l);

/* The file st (found under existing) was given one more name. */
void link_names_add(struct link_names *l, const struct stat *st, const char *existing);

/* The name the file had before this session linked it, or NULL when the
 * session made none of its links. *all_known: its names are that one and the
 * ones the session made (none came from elsewhere). */
const char *link_names_other(const struct link_names *l, const struct stat *st, int *all_known);

#endif
