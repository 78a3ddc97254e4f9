#include "verify-kept.h"

#include "checkpoint.h"
#include "util/xmalloc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kept_entry {
	struct checkpoint cp;
	const struct kept_note *note;
	int parsed, have_root;
	uint8_t root[SHA256_LEN]; /* the log's tree head at cp.size */
};

static int by_size(const void *a, const void *b)
{
	const struct kept_entry *x = a, *y = b;

	return x->cp.size < y->cp.size ? -1 : x->cp.size > y->cp.size;
}

void kept_check_init(struct kept_check *k, const struct kept_notes *notes)
{
	memset(k, 0, sizeof(*k));
	k->n = notes->count;
	k->e = xcalloc(k->n + 1, sizeof(*k->e));
	for (size_t i = 0; i < k->n; i++) {
		struct error why;
		k->e[i].note = &notes->notes[i];
		k->e[i].parsed = checkpoint_parse(notes->notes[i].text, notes->notes[i].len,
						  &k->e[i].cp, &why) == 0;
	}
	qsort(k->e, k->n, sizeof(*k->e), by_size);
}

void kept_check_at(struct kept_check *k, const struct merkle *tree)
{
	uint8_t root[SHA256_LEN];
	int have = 0;

	while (k->next < k->n && k->e[k->next].cp.size < tree->size)
		k->next++;
	for (; k->next < k->n && k->e[k->next].cp.size == tree->size; k->next++) {
		if (!have)
			merkle_root(tree, root);
		have = 1;
		memcpy(k->e[k->next].root, root, SHA256_LEN);
		k->e[k->next].have_root = 1;
	}
}

/* One kept checkpoint of this log: signed by the key, in the log. */
static int check_one(const struct kept_entry *e, const struct signing_key *signer, uint64_t records,
		     char *problem, size_t size)
{
	struct checkpoint cp;
	struct error why;

	if (checkpoint_verify(e->note->text, e->note->len, signer, &cp, &why) < 0)
		snprintf(problem, size,
			 "the kept checkpoint of %" PRIu64 " records is not signed by the log's "
			 "key: %s",
			 e->cp.size, why.msg);
	else if (!e->have_root)
		snprintf(problem, size,
			 "a checkpoint of %" PRIu64 " records was kept, but the log has only "
			 "%" PRIu64 ": it was cut short or rolled back to an earlier copy",
			 e->cp.size, records);
	else if (memcmp(e->root, cp.root, SHA256_LEN) != 0)
		snprintf(problem, size,
			 "the log's first %" PRIu64 " records differ from the kept checkpoint "
			 "of that size: the log was rewritten, replaced or rolled back to an "
			 "earlier copy",
			 e->cp.size);
	else
		return 0;
	return -1;
}

int kept_check_finish(struct kept_check *k, const struct signing_key *signer, const char *origin,
		      uint64_t records, struct kept_result *res, char *problem, size_t size)
{
	res->given = 1;
	for (size_t i = 0; i < k->n; i++) {
		const struct kept_entry *e = &k->e[i];
		if (!e->parsed || strcmp(e->cp.origin, origin) != 0) {
			res->other++;
			continue;
		}
		if (signer == NULL) {
			snprintf(problem, size, "no key to check the kept checkpoints with");
			return -1;
		}
		if (check_one(e, signer, records, problem, size) < 0)
			return -1;
		res->matched++;
		res->newest = e->cp.size;
	}
	if (res->matched > 0)
		return 0;
	snprintf(problem, size,
		 "none of the %zu kept checkpoints is of this log (%s): it is not the log whose "
		 "checkpoints were kept, or it was made again",
		 k->n, origin[0] ? origin : "no checkpoint");
	return -1;
}

void kept_check_free(struct kept_check *k)
{
	free(k->e);
	memset(k, 0, sizeof(*k));
}
