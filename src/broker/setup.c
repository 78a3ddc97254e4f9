/* Everything escortd needs before it listens: the configuration, the state
 * directory, its signing key, the database, the risk engine, the event loop
 * and the worker. The tests and the dispatch fuzzer open a broker the same
 * way, without a socket. */
#include "broker.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int make_signing_key(struct broker *b, const char *path, struct error *err)
{
	char text[512], pub[PATH_MAX];

	if (signing_key_generate(&b->signer, "escortd", err) < 0)
		return -1;
	signing_key_skey(&b->signer, text, sizeof(text));
	if (key_file_write(path, text, 0600, err) < 0)
		return -1;
	signing_key_vkey(&b->signer, text, sizeof(text));
	snprintf(pub, sizeof(pub), "%s/signing.pub", b->state_dir);
	if (key_file_write(pub, text, 0644, err) < 0)
		return -1;
	sodium_memzero(text, sizeof(text));
	return 0;
}

/* The broker's signing key is made once and kept in the state directory:
 * session hosts never see it, so no operator can sign the broker's logs. */
static int load_keys(struct broker *b, struct error *err)
{
	char path[PATH_MAX];

	if (keys_init(err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/signing.key", b->state_dir);
	if (access(path, F_OK) != 0 ? make_signing_key(b, path, err) < 0
				    : signing_key_load(&b->signer, path, err) < 0)
		return -1;
	b->keys.signer = &b->signer;
	if (b->cfg.auditor_key[0]) {
		if (auditor_key_load(&b->auditor, b->cfg.auditor_key, err) < 0)
			return -1;
		sodium_memzero(b->auditor.sk, sizeof(b->auditor.sk));
		b->keys.auditor = &b->auditor;
	}
	return 0;
}

static int prepare_state(struct broker *b, struct error *err)
{
	char logs[PATH_MAX];

	if (mkdir(b->state_dir, 0700) < 0 && errno != EEXIST)
		return error_errno(err, "cannot create the state directory %s", b->state_dir);
	snprintf(logs, sizeof(logs), "%s/logs", b->state_dir);
	if (mkdir(logs, 0700) < 0 && errno != EEXIST)
		return error_errno(err, "cannot create %s", logs);
	snprintf(logs, sizeof(logs), "%s/checkpoints", b->state_dir);
	if (mkdir(logs, 0700) < 0 && errno != EEXIST)
		return error_errno(err, "cannot create %s", logs);
	if (load_keys(b, err) < 0)
		return -1;
	b->store = store_open(b->state_dir, err);
	if (b->store == NULL)
		return -1;
	return store_approvals_abandon(b->store, err);
}

enum config_verdict broker_load_config(struct broker *b, const char *config_path, struct error *err)
{
	if (config_load(config_path, &b->cfg, err) < 0)
		return CONFIG_REFUSED;
	/* No whatis child: the event loop waits on nothing. */
	b->risk = risk_engine_new(risk_default_rules_dir(), RISK_NO_WHATIS, err);
	if (b->risk == NULL)
		return CONFIG_NO_RULES;
	if (config_check(&b->cfg, b->risk, err) < 0 || host_keys_load(&b->cfg, err) < 0)
		return CONFIG_REFUSED;
	return CONFIG_OK;
}

int broker_open(struct broker *b, const char *state_dir, struct error *err)
{
	snprintf(b->state_dir, sizeof(b->state_dir), "%s", state_dir);
	b->listen_fd = -1;
	if (prepare_state(b, err) < 0)
		return -1;
	b->base = event_base_new();
	if (b->base == NULL)
		return error_set(err, "cannot create the event loop");
	return jobs_start(b, err);
}

static void free_all_conns(struct broker *b)
{
	while (b->conns)
		conn_close(b->conns, NULL);
}

/* For tests and fuzzers: everything open is sealed and freed. */
void broker_close(struct broker *b)
{
	struct session_result gone = {.exit_status = -1, .reason = "escortd-stopped"};

	free_all_conns(b);
	while (b->sessions)
		session_finish(b, b->sessions, &gone, 0);
	if (b->jobs)
		jobs_stop(b);
	while (b->pending)
		pending_close(b, b->pending, ACTION_DENY, ESCORT__SCOPE__SCOPE_ONCE, NULL,
			      "escortd", "escortd stopped", "abandoned");
	login_stop(b);
	X509_free(b->next_ca);
	if (b->store)
		store_close(b->store);
	if (b->risk)
		risk_engine_free(b->risk);
	config_free(&b->cfg);
	if (b->base)
		event_base_free(b->base);
	memset(b, 0, sizeof(*b));
}
