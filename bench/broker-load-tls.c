/* broker-load over TLS: SESSIONS session hosts of one enrolled host (its
 * files in HOSTDIR) connect to escortd's TLS listener one after another
 * (the handshake rate), then each asks REQUESTS decisions for an
 * auto-allowed exec, one at a time, all sessions at once; prints the
 * handshake rate and the decision latency percentiles.
 *   broker-load-tls ADDR:PORT HOSTDIR SESSIONS REQUESTS */
#include "load-frames.h"
#include "proto/frame.h"
#include "tls/contexts.h"
#include "tls/dial.h"

#include <openssl/ssl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct host {
	struct tls_link link;
	uint64_t sent_ns;
	unsigned done;
};

static void die(const char *what, const struct error *err)
{
	fprintf(stderr, "broker-load-tls: %s: %s\n", what, err->msg);
	exit(1);
}

static int welcome(struct host *h, struct error *err)
{
	Frame *w = NULL;

	do {
		frame_free(w);
		if (tls_frame_read(&h->link, &w, err) < 0)
			return -1;
	} while (w->body_case == ESCORT__FRAME__BODY_HEARTBEAT);
	int ok = w->body_case == ESCORT__FRAME__BODY_WELCOME && w->welcome->accepted;
	if (!ok)
		error_set(err, "escortd refused the session: %s",
			  w->body_case == ESCORT__FRAME__BODY_WELCOME ? w->welcome->reason : "?");
	frame_free(w);
	return ok ? 0 : -1;
}

/* escortd takes at most 64 sessions per account: the sessions claim 50
 * accounts' worth each (the host's claim, as over TLS). */
static const char *who = "bench"; /* the host directory's name: each host its own accounts */

static int hello(struct host *h, unsigned i, struct error *err)
{
	char account[32];

	Escort__Hello hl = ESCORT__HELLO__INIT;
	Escort__SessionMeta m = ESCORT__SESSION_META__INIT;
	Frame f = ESCORT__FRAME__INIT;
	char *argv[] = {"bash", NULL};

	snprintf(account, sizeof(account), "%.20s-op%u", who, i / 50);
	hl.kind = ESCORT__PEER_KIND__PEER_SESSION;
	hl.account = account;
	hl.uid = (uint32_t)getuid();
	m.n_argv = 1;
	m.argv = argv;
	m.cols = 80;
	m.rows = 24;
	hl.meta = &m;
	f.body_case = ESCORT__FRAME__BODY_HELLO;
	f.hello = &hl;
	if (tls_frame_write(&h->link, &f, err) < 0)
		return -1;
	return welcome(h, err);
}

static void ask(struct host *h, uint64_t id)
{
	struct load_ask a;
	struct error err;

	load_ask_init(&a, id);
	h->sent_ns = load_now_ns();
	if (tls_frame_write(&h->link, &a.frame, &err) < 0)
		die("ask", &err);
}

static void read_pin(const char *dir, char pin[PIN_LEN])
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/broker.pin", dir);
	f = fopen(path, "r");
	if (f == NULL || fgets(pin, PIN_LEN, f) == NULL) {
		fprintf(stderr, "broker-load-tls: cannot read %s\n", path);
		exit(1);
	}
	fclose(f);
	pin[strcspn(pin, "\r\n")] = '\0';
}

/* Connects every session one after the other: the TLS handshakes per
 * second alone (TCP, TLS 1.3, client certificate) in *tls, and with the
 * Hello and Welcome (escortd opens the session's signed log) returned. */
static double connect_all(SSL_CTX *ctx, const char *where, const char *pin, struct host *hosts,
			  unsigned n, double *tls)
{
	struct error err;
	uint64_t start = load_now_ns(), in_tls = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t t = load_now_ns();
		if (tls_dial(ctx, where, pin, 10, &hosts[i].link, &err) < 0)
			die("connect", &err);
		in_tls += load_now_ns() - t;
		if (hello(&hosts[i], i, &err) < 0)
			die("hello", &err);
	}
	*tls = n / ((double)in_tls / 1e9);
	return n / ((double)(load_now_ns() - start) / 1e9);
}

/* Every frame that has arrived for h; returns the decisions among them. */
static unsigned take_decisions(struct host *h)
{
	unsigned decisions = 0;
	struct error err;
	Frame *f;

	do {
		if (tls_frame_read(&h->link, &f, &err) < 0)
			die("read", &err);
		if (f->body_case == ESCORT__FRAME__BODY_DECISION) {
			if (f->decision->action != ESCORT__ACTION__ACTION_ALLOW) {
				fprintf(stderr, "broker-load-tls: not allowed\n");
				exit(1);
			}
			decisions++;
		}
		frame_free(f);
	} while (SSL_pending(h->link.ssl) > 0 || h->link.in.len >= FRAME_HEADER);
	return decisions;
}

static void run(struct host *hosts, unsigned n, unsigned per, uint64_t *lat, size_t *nlat)
{
	struct pollfd *pfd = calloc(n, sizeof(*pfd));
	unsigned finished = 0;

	for (unsigned i = 0; i < n; i++)
		ask(&hosts[i], 1);
	while (finished < n) {
		for (unsigned i = 0; i < n; i++)
			pfd[i] = (struct pollfd){hosts[i].link.fd, POLLIN, 0};
		if (poll(pfd, n, 10000) <= 0) {
			fprintf(stderr, "broker-load-tls: escortd stopped answering\n");
			exit(1);
		}
		for (unsigned i = 0; i < n; i++) {
			if (!(pfd[i].revents & POLLIN) || take_decisions(&hosts[i]) == 0)
				continue;
			lat[(*nlat)++] = load_now_ns() - hosts[i].sent_ns;
			if (++hosts[i].done == per)
				finished++;
			else
				ask(&hosts[i], hosts[i].done + 1);
		}
	}
	free(pfd);
}

int main(int argc, char **argv)
{
	char pin[PIN_LEN];
	struct error err;

	if (argc != 5) {
		fprintf(stderr, "usage: broker-load-tls ADDR:PORT HOSTDIR SESSIONS REQUESTS\n");
		return 2;
	}
	unsigned n = (unsigned)atoi(argv[3]), per = (unsigned)atoi(argv[4]);
	struct host *hosts = calloc(n, sizeof(*hosts));
	uint64_t *lat = calloc((size_t)n * per, sizeof(*lat));
	size_t nlat = 0;
	SSL_CTX *ctx = tls_host_ctx(argv[2], &err);

	if (ctx == NULL)
		die(argv[2], &err);
	read_pin(argv[2], pin);
	who = strrchr(argv[2], '/') ? strrchr(argv[2], '/') + 1 : argv[2];
	double tls, handshakes = connect_all(ctx, argv[1], pin, hosts, n, &tls);
	uint64_t start = load_now_ns();
	run(hosts, n, per, lat, &nlat);
	double seconds = (double)(load_now_ns() - start) / 1e9;
	qsort(lat, nlat, sizeof(*lat), load_cmp_u64);
	printf("sessions=%u decisions=%zu seconds=%.2f per_second=%.0f p50_us=%.1f p99_us=%.1f "
	       "max_us=%.1f tls_handshakes_per_second=%.0f sessions_opened_per_second=%.0f\n",
	       n, nlat, seconds, (double)nlat / seconds, (double)lat[nlat / 2] / 1e3,
	       (double)lat[nlat * 99 / 100] / 1e3, (double)lat[nlat - 1] / 1e3, tls, handshakes);
	return 0;
}
