/* Keystroke echo latency through a terminal: types one byte at a time into a
 * pty and times until the echo comes back. Runs COMMAND on the pty; print
 * percentiles in microseconds.
 *
 *   echo-latency [-n COUNT] [-g GAP_US] -- COMMAND [ARGS...]
 *
 * COMMAND must put its terminal in a mode that echoes each byte at once and
 * keep reading input, e.g. sh -c 'stty raw echo; exec cat >/dev/null'. */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* Sends c and waits for it to come back; returns the round trip or -1. */
static double round_trip(int fd, char c)
{
	double start = now_us();
	char got;

	if (write(fd, &c, 1) != 1)
		return -1;
	for (;;) {
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (poll(&p, 1, 2000) <= 0)
			return -1;
		ssize_t n = read(fd, &got, 1);
		if (n == 1 && got == c)
			return now_us() - start;
		if (n <= 0 && errno != EINTR && errno != EAGAIN)
			return -1;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void drain(int fd)
{
	char buf[4096];
	struct pollfd p = {.fd = fd, .events = POLLIN};

	while (poll(&p, 1, 300) > 0 && read(fd, buf, sizeof(buf)) > 0)
		;
}

/* Hangs up the command; some (script) outlive SIGHUP, so escalate. */
static void stop(pid_t pid, int fd)
{
	kill(pid, SIGHUP);
	close(fd);
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int main(int argc, char **argv)
{
	int count = 2000, gap_us = 1000, opt, fd, ok = 0;
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	double *samples;
	pid_t pid;

	while ((opt = getopt(argc, argv, "+n:g:")) != -1) {
		if (opt == 'n')
			count = atoi(optarg);
		else if (opt == 'g')
			gap_us = atoi(optarg);
		else
			return 2;
	}
	if (optind >= argc || count <= 0) {
		fprintf(stderr,
			"usage: echo-latency [-n COUNT] [-g GAP_US] -- COMMAND [ARGS...]\n");
		return 2;
	}
	pid = forkpty(&fd, NULL, NULL, &ws);
	if (pid < 0) {
		perror("forkpty");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	/* Wait until the command echoes, then discard whatever it printed. */
	for (int i = 0; i < 50 && round_trip(fd, '.') < 0; i++)
		;
	drain(fd);
	samples = calloc((size_t)count, sizeof(double));
	for (int i = 0; i < count; i++) {
		double t = round_trip(fd, (char)('a' + i % 26));
		if (t >= 0)
			samples[ok++] = t;
		usleep((useconds_t)gap_us);
	}
	stop(pid, fd);
	if (ok < count) {
		fprintf(stderr, "echo-latency: only %d of %d keystrokes came back\n", ok, count);
		return 1;
	}
	qsort(samples, (size_t)ok, sizeof(double), cmp_double);
	printf("n=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f\n", ok, samples[ok / 2],
	       samples[ok * 90 / 100], samples[ok * 99 / 100], samples[ok - 1]);
	free(samples);
	return 0;
}
