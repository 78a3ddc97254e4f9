/* Decisions already made, in memory, keyed by what runs (identity, the argv
 * as rated, the environment that changes it) and the policy's generation:
 * the fast path of the gate touches neither the disk nor the broker. */
#ifndef ESCORT_DECISION_CACHE_H
#define ESCORT_DECISION_CACHE_H

#include "policy.h"

#include <stdint.h>

#define DECISION_KEY_LEN 32

struct cached_decision {
	struct verdict verdict;
	int level;
	char *summary;
	char *rules; /* rule ids, comma-separated */
};

struct decision_cache;

struct decision_cache *decision_cache_new(void);
void decision_cache_free(struct decision_cache *c);

void decision_key(const struct exec_request *req, const struct program *prog,
		  uint8_t key[DECISION_KEY_LEN]);

/* NULL when absent or made under another policy generation. */
const struct cached_decision *decision_cache_get(struct decision_cache *c,
						 const uint8_t key[DECISION_KEY_LEN],
						 uint64_t generation);
void decision_cache_put(struct decision_cache *c, const uint8_t key[DECISION_KEY_LEN],
			uint64_t generation, const struct verdict *v, const struct risk_report *r);

#endif
