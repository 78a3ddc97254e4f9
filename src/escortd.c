/* escortd --config FILE --state DIR [--socket PATH]: the broker between
 * session hosts and escorts. Runs in the foreground (contrib/escortd.service). */
#include "broker/broker.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fputs("usage: escortd [--config FILE] [--state DIR] [--socket PATH]\n"
	      "  --config FILE  people and policy (docs/CONFIG.md); default: embedded defaults\n"
	      "  --state DIR    database, logs and the signing key (default /var/lib/escort)\n"
	      "  --socket PATH  where session hosts and consoles connect\n"
	      "                 (default: the configuration's, else /run/escort/escortd.sock)\n",
	      out);
}

/* The broker's signing key is made once and kept in the state directory:
 * session hosts never see it, so no operator can sign the broker's logs. */
static int load_keys(struct broker *b, struct error *err)
{
	char path[PATH_MAX], text[512];

	if (keys_init(err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/signing.key", b->state_dir);
	if (access(path, F_OK) != 0) {
		if (signing_key_generate(&b->signer, "escortd", err) < 0)
			return -1;
		signing_key_skey(&b->signer, text, sizeof(text));
		if (key_file_write(path, text, 0600, err) < 0)
			return -1;
		signing_key_vkey(&b->signer, text, sizeof(text));
		snprintf(path, sizeof(path), "%s/signing.pub", b->state_dir);
		if (key_file_write(path, text, 0644, err) < 0)
			return -1;
		sodium_memzero(text, sizeof(text));
	} else if (signing_key_load(&b->signer, path, err) < 0) {
		return -1;
	}
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
	if (load_keys(b, err) < 0)
		return -1;
	b->store = store_open(b->state_dir, err);
	if (b->store == NULL)
		return -1;
	if (store_approvals_abandon(b->store, err) < 0)
		return -1;
	/* No whatis child: the event loop waits on nothing. */
	b->risk = risk_engine_new(risk_default_rules_dir(), RISK_NO_WHATIS, err);
	return b->risk ? 0 : -1;
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sessions_tick(arg);
	pending_tick(arg);
}

/* Stopping keeps the sessions: their logs are made durable, not sealed, so
 * that the next escortd continues them when their session hosts return. */
static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct broker *b = arg;
	struct error err;

	(void)what;
	broker_log("stopping on signal %d", (int)sig);
	for (struct live_session *s = b->sessions; s; s = s->next)
		if (recorder_sync(s->rec, &err) < 0)
			broker_log("session %s: %s", s->id, err.msg);
	unlink(b->cfg.socket);
	_exit(0);
}

static int start_loop(struct broker *b, struct error *err)
{
	struct timeval tick = {0, 100000};
	int sigs[2] = {SIGTERM, SIGINT};

	signal(SIGPIPE, SIG_IGN);
	b->base = event_base_new();
	if (b->base == NULL)
		return error_set(err, "cannot create the event loop");
	if (broker_listen(b, b->cfg.socket, err) < 0)
		return -1;
	b->tick = event_new(b->base, -1, EV_PERSIST, on_tick, b);
	if (b->tick == NULL || event_add(b->tick, &tick) < 0)
		return error_set(err, "cannot start the timer");
	for (int i = 0; i < 2; i++) {
		b->stop_signals[i] = evsignal_new(b->base, sigs[i], on_stop, b);
		if (b->stop_signals[i] == NULL || event_add(b->stop_signals[i], NULL) < 0)
			return error_set(err, "cannot handle signal %d", sigs[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {{"config", required_argument, NULL, 'c'},
						{"state", required_argument, NULL, 's'},
						{"socket", required_argument, NULL, 'S'},
						{"help", no_argument, NULL, 'h'},
						{NULL, 0, NULL, 0}};
	static struct broker b;
	const char *config = NULL, *socket_path = NULL;
	struct error err;
	int opt;

	snprintf(b.state_dir, sizeof(b.state_dir), "/var/lib/escort");
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'c')
			config = optarg;
		else if (opt == 's')
			snprintf(b.state_dir, sizeof(b.state_dir), "%s", optarg);
		else if (opt == 'S')
			socket_path = optarg;
		else {
			usage(opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (config_load(config, &b.cfg, &err) < 0) {
		fprintf(stderr, "escortd: the configuration is refused: %s\n", err.msg);
		return 2;
	}
	if (socket_path)
		snprintf(b.cfg.socket, sizeof(b.cfg.socket), "%s", socket_path);
	if (prepare_state(&b, &err) < 0 || start_loop(&b, &err) < 0) {
		fprintf(stderr, "escortd: %s\n", err.msg);
		return 1;
	}
	broker_log("listening on %s (configuration: %s, state: %s)", b.cfg.socket, b.cfg.source,
		   b.state_dir);
	event_base_dispatch(b.base);
	return 0;
}
