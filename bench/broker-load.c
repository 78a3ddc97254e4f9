/* 200 (or N) session hosts on one escortd, each asking decisions for
 * auto-allowed execs one after another; prints the decision latency
 * percentiles and escortd's memory per session.
 *   broker-load SOCKET ESCORTD_PID SESSIONS REQUESTS_PER_SESSION
 * Or one busy session asking REQUESTS decisions while CHURNERS other
 * session hosts start and end sessions without pause (each start creates,
 * each end seals a signed log): what slow log work does to everyone else.
 *   broker-load SOCKET ESCORTD_PID churn REQUESTS CHURNERS */
#include "load-frames.h"
#include "proto/frame.h"
#include <signal.h>
#include <sys/wait.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct host {
	int fd;
	struct buf in;
	uint64_t sent_ns;
	unsigned done;
};

static long rss_kib(int pid)
{
	char path[64], line[256];
	long kib = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

static int hello(struct host *h, const char *path, struct error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	Escort__Hello hl = ESCORT__HELLO__INIT;
	Escort__SessionMeta m = ESCORT__SESSION_META__INIT;
	Frame f = ESCORT__FRAME__INIT, *w;
	char *argv[] = {"bash", NULL};

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	h->fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(h->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return error_errno(err, "connect %s", path);
	hl.kind = ESCORT__PEER_KIND__PEER_SESSION;
	m.n_argv = 1;
	m.argv = argv;
	m.cols = 80;
	m.rows = 24;
	hl.meta = &m;
	f.body_case = ESCORT__FRAME__BODY_HELLO;
	f.hello = &hl;
	if (frame_write_fd(h->fd, &f, err) < 0 || frame_read_fd(h->fd, &h->in, &w, 10000, err) < 0)
		return -1;
	int ok = w->body_case == ESCORT__FRAME__BODY_WELCOME && w->welcome->accepted;
	frame_free(w);
	return ok ? 0 : error_set(err, "escortd refused the session");
}

static void ask(struct host *h, uint64_t id)
{
	struct load_ask a;
	struct error err;

	load_ask_init(&a, id);
	h->sent_ns = load_now_ns();
	if (frame_write_fd(h->fd, &a.frame, &err) < 0) {
		fprintf(stderr, "broker-load: %s\n", err.msg);
		exit(1);
	}
}

/* Ends the session and waits for escortd's last Ack (its log is sealed). */
static int end(struct host *h, struct error *err)
{
	Escort__SessionEnd e = ESCORT__SESSION_END__INIT;
	Frame f = ESCORT__FRAME__INIT, *a;

	e.reason = "exit";
	f.body_case = ESCORT__FRAME__BODY_END;
	f.end = &e;
	if (frame_write_fd(h->fd, &f, err) < 0)
		return -1;
	for (;;) {
		if (frame_read_fd(h->fd, &h->in, &a, 10000, err) < 0)
			return -1;
		int last = a->body_case == ESCORT__FRAME__BODY_ACK && a->ack->session_end;
		frame_free(a);
		if (last)
			return 0;
	}
}

static void churn_forever(const char *path)
{
	struct error err;

	for (;;) {
		struct host h = {0};
		if (hello(&h, path, &err) < 0 || end(&h, &err) < 0)
			_exit(1);
		close(h.fd);
		buf_free(&h.in);
	}
}

static int churn(const char *path, unsigned requests, unsigned churners)
{
	pid_t *kids = calloc(churners, sizeof(*kids));
	uint64_t *lat = calloc(requests, sizeof(*lat));
	struct host busy = {0};
	struct error err;

	if (hello(&busy, path, &err) < 0) {
		fprintf(stderr, "broker-load: %s\n", err.msg);
		return 1;
	}
	for (unsigned i = 0; i < churners; i++)
		if ((kids[i] = fork()) == 0)
			churn_forever(path);
	usleep(200000); /* the churners are under way */
	for (unsigned i = 0; i < requests; i++) {
		Frame *f = NULL;
		ask(&busy, i + 1);
		do {
			frame_free(f);
			if (frame_read_fd(busy.fd, &busy.in, &f, 10000, &err) < 0) {
				fprintf(stderr, "broker-load: %s\n", err.msg);
				return 1;
			}
		} while (f->body_case != ESCORT__FRAME__BODY_DECISION);
		frame_free(f);
		lat[i] = load_now_ns() - busy.sent_ns;
		usleep(1000);
	}
	for (unsigned i = 0; i < churners; i++)
		kill(kids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	qsort(lat, requests, sizeof(*lat), load_cmp_u64);
	printf("churners=%u decisions=%u p50_us=%.1f p99_us=%.1f max_us=%.1f\n", churners, requests,
	       (double)lat[requests / 2] / 1e3, (double)lat[requests * 99 / 100] / 1e3,
	       (double)lat[requests - 1] / 1e3);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 6 && strcmp(argv[3], "churn") == 0)
		return churn(argv[1], (unsigned)atoi(argv[4]), (unsigned)atoi(argv[5]));
	if (argc != 5) {
		fprintf(stderr, "usage: broker-load SOCKET ESCORTD_PID SESSIONS REQUESTS\n");
		return 2;
	}
	int pid = atoi(argv[2]);
	unsigned n = (unsigned)atoi(argv[3]), per = (unsigned)atoi(argv[4]), finished = 0;
	struct host *hosts = calloc(n, sizeof(*hosts));
	struct pollfd *pfd = calloc(n, sizeof(*pfd));
	uint64_t *lat = calloc((size_t)n * per, sizeof(*lat));
	size_t nlat = 0;
	struct error err;
	long before = rss_kib(pid);

	for (unsigned i = 0; i < n; i++)
		if (hello(&hosts[i], argv[1], &err) < 0) {
			fprintf(stderr, "broker-load: session %u: %s\n", i, err.msg);
			return 1;
		}
	long after = rss_kib(pid);
	uint64_t start = load_now_ns();
	for (unsigned i = 0; i < n; i++)
		ask(&hosts[i], 1);
	while (finished < n) {
		for (unsigned i = 0; i < n; i++)
			pfd[i] = (struct pollfd){hosts[i].fd, POLLIN, 0};
		if (poll(pfd, n, 10000) <= 0) {
			fprintf(stderr, "broker-load: escortd stopped answering\n");
			return 1;
		}
		for (unsigned i = 0; i < n; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			Frame *f;
			/* Every frame read: a heartbeat may come in the same read. */
			while (frame_read_fd(hosts[i].fd, &hosts[i].in, &f, 0, &err) == 0) {
				if (f->body_case == ESCORT__FRAME__BODY_DECISION) {
					if (f->decision->action != ESCORT__ACTION__ACTION_ALLOW) {
						fprintf(stderr, "broker-load: not allowed: %s\n",
							f->decision->reason);
						return 1;
					}
					lat[nlat++] = load_now_ns() - hosts[i].sent_ns;
					if (++hosts[i].done == per)
						finished++;
					else
						ask(&hosts[i], hosts[i].done + 1);
				}
				frame_free(f);
			}
		}
	}
	double seconds = (double)(load_now_ns() - start) / 1e9;
	long loaded = rss_kib(pid);
	qsort(lat, nlat, sizeof(*lat), load_cmp_u64);
	printf("sessions=%u decisions=%zu seconds=%.2f per_second=%.0f p50_us=%.1f p99_us=%.1f "
	       "max_us=%.1f rss_before_kib=%ld rss_sessions_kib=%ld rss_loaded_kib=%ld "
	       "kib_per_session=%.1f\n",
	       n, nlat, seconds, (double)nlat / seconds, (double)lat[nlat / 2] / 1e3,
	       (double)lat[nlat * 99 / 100] / 1e3, (double)lat[nlat - 1] / 1e3, before, after,
	       loaded, (double)(loaded - before) / n);
	return 0;
}
