#include "decision-cache.h"
#include "util/xmalloc.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4096

struct slot {
	uint8_t key[DECISION_KEY_LEN];
	uint64_t generation; /* 0: empty */
	struct cached_decision d;
};

struct decision_cache {
	struct slot slots[SLOTS];
};

struct decision_cache *decision_cache_new(void)
{
	return xcalloc(1, sizeof(struct decision_cache));
}

static void clear_slot(struct slot *s)
{
	free(s->d.summary);
	free(s->d.rules);
	memset(s, 0, sizeof(*s));
}

void decision_cache_free(struct decision_cache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < SLOTS; i++)
		clear_slot(&c->slots[i]);
	free(c);
}

static void hash_string(crypto_generichash_state *st, const char *s)
{
	uint64_t len = s ? strlen(s) + 1 : 0; /* NULL and "" differ */

	crypto_generichash_update(st, (const unsigned char *)&len, sizeof(len));
	if (s)
		crypto_generichash_update(st, (const unsigned char *)s, len);
}

void decision_key(const struct exec_request *req, const struct program *prog,
		  uint8_t key[DECISION_KEY_LEN])
{
	crypto_generichash_state st;
	uint32_t trust = prog->trust;

	crypto_generichash_init(&st, NULL, 0, DECISION_KEY_LEN);
	crypto_generichash_update(&st, prog->id.sha256, sizeof(prog->id.sha256));
	crypto_generichash_update(&st, (const unsigned char *)&trust, sizeof(trust));
	hash_string(&st, prog->name);
	hash_string(&st, prog->preload);
	for (size_t i = 0; prog->argv[i]; i++)
		hash_string(&st, prog->argv[i]);
	hash_string(&st, NULL);
	/* The text it runs besides the program: an approval binds its content. */
	hash_string(&st, prog->script_path);
	crypto_generichash_update(&st, prog->script_sha256, sizeof(prog->script_sha256));
	crypto_generichash_update(&st, (const unsigned char *)&prog->script_unreadable,
				  sizeof(prog->script_unreadable));
	for (int k = 0; k < ENV_COUNT; k++)
		hash_string(&st, req->env[k]);
	crypto_generichash_final(&st, key, DECISION_KEY_LEN);
}

static struct slot *slot_of(struct decision_cache *c, const uint8_t key[DECISION_KEY_LEN])
{
	uint32_t h;

	memcpy(&h, key, sizeof(h));
	return &c->slots[h % SLOTS];
}

const struct cached_decision *decision_cache_get(struct decision_cache *c,
						 const uint8_t key[DECISION_KEY_LEN],
						 uint64_t generation)
{
	struct slot *s = slot_of(c, key);

	if (s->generation != generation || sodium_memcmp(s->key, key, DECISION_KEY_LEN) != 0)
		return NULL;
	return &s->d;
}

void decision_cache_put(struct decision_cache *c, const uint8_t key[DECISION_KEY_LEN],
			uint64_t generation, const struct verdict *v, const struct risk_report *r)
{
	struct slot *s = slot_of(c, key);
	size_t len = 1;
	char *rules;

	clear_slot(s);
	for (size_t i = 0; i < r->n; i++)
		len += strlen(r->findings[i].rule) + 1;
	rules = xcalloc(1, len);
	s->d.summary = xstrdup(r->summary ? r->summary : "");
	for (size_t i = 0; i < r->n; i++) {
		if (i)
			strcat(rules, ",");
		strcat(rules, r->findings[i].rule);
	}
	memcpy(s->key, key, DECISION_KEY_LEN);
	s->generation = generation;
	s->d.verdict = *v;
	s->d.level = r->level;
	s->d.rules = rules;
}
