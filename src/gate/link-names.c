#include "link-names.h"

#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define SLOTS 4096

struct slot {
	dev_t dev;
	ino_t ino;
	char *first;  /* the name it had before the session's first link */
	nlink_t made; /* links the session made */
};

struct link_names {
	struct slot slots[SLOTS];
};

struct link_names *link_names_new(void)
{
	return xcalloc(1, sizeof(struct link_names));
}

void link_names_free(struct link_names *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < SLOTS; i++)
		free(l->slots[i].first);
	free(l);
}

static struct slot *slot_of(const struct link_names *l, dev_t dev, ino_t ino)
{
	return (struct slot *)&l->slots[((size_t)dev * 31 + (size_t)ino) % SLOTS];
}

void link_names_add(struct link_names *l, const struct stat *st, const char *existing)
{
	struct slot *s = slot_of(l, st->st_dev, st->st_ino);

	if (s->first && s->dev == st->st_dev && s->ino == st->st_ino) {
		s->made++;
		return;
	}
	free(s->first); /* another file's: forgotten, its writes are held */
	*s = (struct slot){st->st_dev, st->st_ino, xstrdup(existing), 1};
}

const char *link_names_other(const struct link_names *l, const struct stat *st, int *all_known)
{
	const struct slot *s = slot_of(l, st->st_dev, st->st_ino);

	*all_known = 0;
	if (s->first == NULL || s->dev != st->st_dev || s->ino != st->st_ino)
		return NULL;
	*all_known = st->st_nlink <= s->made + 1;
	return s->first;
}
