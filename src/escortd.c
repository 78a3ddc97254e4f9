/* escortd [-v] [--config FILE] [--state DIR] [--socket PATH]: the broker
 * between session hosts and escorts. Runs in the foreground
 * (contrib/escortd.service). escortd --check-config FILE checks a
 * configuration and touches nothing. */
#include "broker/broker.h"
#include "escortd-admin.h"
#include "util/exit-status.h"
#include "web/web.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *out)
{
	fputs("usage: escortd [-v] [--config FILE] [--state DIR] [--socket PATH] [--listen "
	      "ADDR:PORT]\n"
	      "       escortd --check-config FILE\n"
	      "       escortd token --host NAME [--ttl 1h] [--state DIR]\n"
	      "       escortd revoke-host NAME [--state DIR] [--socket PATH]\n"
	      "       escortd rotate-ca [--begin | --finish | --drop-previous] [--state DIR] "
	      "[--socket "
	      "PATH]\n"
	      "  --listen ADDR:PORT   where enrolled hosts connect over TLS (the configuration's\n"
	      "                       listen:); the CA is made in STATE/ca the first time\n"
	      "  --config FILE        people and policy (docs/CONFIG.md); default: embedded "
	      "defaults\n"
	      "  --state DIR          database, logs and the signing key (default "
	      "/var/lib/escort)\n"
	      "  --socket PATH        where session hosts and consoles connect\n"
	      "                       (default: the configuration's, else "
	      "/run/escort/escortd.sock)\n"
	      "  --check-config FILE  check FILE as escortd would (rule ids, accounts, auditor\n"
	      "                       key), start nothing; exit 0 if it is OK, 2 if not\n"
	      "  -v, --verbose        log every connection, decision and console request\n",
	      out);
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	sessions_tick(arg);
	pending_tick(arg);
	conns_tick(arg);
}

/* Stopping keeps the sessions: their logs are made durable, not sealed, so
 * that the next escortd continues them when their session hosts return. */
static void on_stop(evutil_socket_t sig, short what, void *arg)
{
	struct broker *b = arg;
	struct error err;

	(void)what;
	broker_log("stopping on signal %d", (int)sig);
	jobs_drain(b);
	for (struct live_session *s = b->sessions; s; s = s->next)
		if (recorder_sync(s->rec, &err) < 0)
			broker_log("session %s: %s", s->id, err.msg);
	unlink(b->cfg.socket);
	_exit(EXIT_OK);
}

static int start_loop(struct broker *b, struct error *err)
{
	struct timeval tick = {0, 100000};
	int sigs[2] = {SIGTERM, SIGINT};

	signal(SIGPIPE, SIG_IGN);
	if (b->cfg.listen[0] && broker_listen_tls(b, b->cfg.listen, err) < 0)
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

/* The web console, when the configuration has web: listen (off otherwise). */
static int start_web(struct broker *b, struct web **web)
{
	struct error err;

	if (b->cfg.web.listen[0] == '\0')
		return 0;
	if (web_start(b, web, &err) < 0) {
		fprintf(stderr, "escortd: %s\n", err.msg);
		return -1;
	}
	broker_log("web console on https://%s/", b->cfg.web.listen);
	return 0;
}

struct options {
	const char *config, *state, *socket, *listen;
	int check_only;
};

/* Returns -1 to go on, else the exit status. */
static int parse(int argc, char **argv, struct options *o)
{
	static const struct option options[] = {{"config", required_argument, NULL, 'c'},
						{"check-config", required_argument, NULL, 'C'},
						{"state", required_argument, NULL, 's'},
						{"socket", required_argument, NULL, 'S'},
						{"listen", required_argument, NULL, 'l'},
						{"verbose", no_argument, NULL, 'v'},
						{"help", no_argument, NULL, 'h'},
						{NULL, 0, NULL, 0}};
	int opt;

	while ((opt = getopt_long(argc, argv, "v", options, NULL)) != -1) {
		if (opt == 'c' || opt == 'C') {
			o->config = optarg;
			o->check_only |= opt == 'C';
		} else if (opt == 's')
			o->state = optarg;
		else if (opt == 'S')
			o->socket = optarg;
		else if (opt == 'l')
			o->listen = optarg;
		else if (opt == 'v')
			broker_verbose = 1;
		else {
			usage(opt == 'h' ? stdout : stderr);
			return opt == 'h' ? EXIT_OK : EXIT_USAGE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

/* EXIT_OK, or the exit status: 2 the configuration is refused (exit-status.h
 * has no name for it), EXIT_FAILED no rules. */
static int load_config(struct broker *b, const struct options *o)
{
	struct error err;
	enum config_verdict v = broker_load_config(b, o->config, &err);

	if (v == CONFIG_OK)
		return EXIT_OK;
	if (v == CONFIG_REFUSED)
		fprintf(stderr, "escortd: the configuration is refused: %s\n", err.msg);
	else
		fprintf(stderr, "escortd: %s\n", err.msg);
	return v == CONFIG_REFUSED || o->check_only ? 2 : EXIT_FAILED;
}

int main(int argc, char **argv)
{
	static struct broker b;
	struct web *web = NULL;
	struct options o = {NULL, "/var/lib/escort", NULL, NULL, 0};
	struct error err;
	int rc;

	if (argc > 1 && strcmp(argv[1], "token") == 0)
		return escortd_token(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "revoke-host") == 0)
		return escortd_revoke_host(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "rotate-ca") == 0)
		return escortd_rotate_ca(argc - 1, argv + 1);
	rc = parse(argc, argv, &o);

	if (rc >= 0 || (rc = load_config(&b, &o)) != EXIT_OK)
		return rc;
	if (o.check_only) {
		printf("%s: configuration OK\n", o.config);
		return EXIT_OK;
	}
	if (o.socket)
		snprintf(b.cfg.socket, sizeof(b.cfg.socket), "%s", o.socket);
	if (o.listen)
		snprintf(b.cfg.listen, sizeof(b.cfg.listen), "%s", o.listen);
	if (broker_open(&b, o.state, &err) < 0 || start_loop(&b, &err) < 0) {
		fprintf(stderr, "escortd: %s\n", err.msg);
		return EXIT_FAILED;
	}
	if (start_web(&b, &web) < 0)
		return EXIT_FAILED;
	/* The socket last: once it answers, every listener is up (the web
	 * console's first certificate can take a moment to make). */
	if (broker_listen(&b, b.cfg.socket, &err) < 0) {
		fprintf(stderr, "escortd: %s\n", err.msg);
		web_stop(web);
		return EXIT_FAILED;
	}
	broker_log("listening on %s (configuration: %s, state: %s)", b.cfg.socket, b.cfg.source,
		   b.state_dir);
	event_base_dispatch(b.base);
	web_stop(web);
	return EXIT_OK;
}
