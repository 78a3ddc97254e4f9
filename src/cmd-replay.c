/* escort replay PATH [--speed N] [--from SECONDS] [--idle-limit SECONDS] */
#include "commands.h"

#include "log/fields.h"
#include "log/reader.h"
#include "util/term-queries.h"
#include "util/visible.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static void replay_usage(FILE *out)
{
	fputs("usage: escort replay PATH [--speed N] [--from SECONDS] [--idle-limit SECONDS]\n"
	      "Plays the screen of a recorded session in this terminal with its timing.\n"
	      "  --speed N             play N times faster (default 1)\n"
	      "  --from SECONDS        show everything before SECONDS at once, then play\n"
	      "  --idle-limit SECONDS  wait at most this long between outputs (default 2,\n"
	      "                        as 'asciinema play -i'): the times are the log's word\n"
	      "What the session asked its terminal (cursor position, attributes, colours,\n"
	      "clipboard...) is not asked of this one: it would type the answers.\n",
	      out);
}

static int parse_number(const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && *out >= 0 && *out < 1e9;
}

/* Ctrl-C or a termination: replay stops, and still discards the input. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void catch_interrupts(void)
{
	struct sigaction sa = {.sa_handler = on_interrupt}; /* no SA_RESTART */

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

static void pause_for(double seconds)
{
	struct timespec ts;

	if (seconds <= 0)
		return;
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !interrupted)
		;
}

static void write_all(const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, p, len);
		if (n < 0 && errno == EINTR && !interrupted)
			continue;
		if (n < 0 && interrupted)
			return;
		if (n <= 0)
			exit(EXIT_FAILED);
		p += n;
		len -= (size_t)n;
	}
}

/* data without the terminal queries in it (term-queries.h). */
static void show(struct term_queries *q, const uint8_t *data, size_t len)
{
	struct buf out = {0};

	term_queries_filter(q, data, len, &out);
	write_all(out.data, out.len);
	buf_free(&out);
}

/* Answers to what the filter let through (or what the terminal sent
 * unasked) must not reach the shell after replay: they are discarded. */
static void discard_terminal_input(void)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return;
	tcdrain(STDOUT_FILENO);
	pause_for(0.1); /* the terminal's answers take a moment */
	tcflush(STDIN_FILENO, TCIFLUSH);
}

static void announce_end(const struct record *rec)
{
	struct field f;
	size_t pos = 0;

	while (fields_next(rec->payload, rec->payload_len, &pos, &f) == 1)
		if (strcmp(f.key, "exit_status") == 0) {
			struct buf v = {0};
			visible_append(&v, f.value, strlen(f.value));
			fprintf(stderr,
				"\r\n[escort replay: the session ended, exit status %.*s]\r\n",
				(int)v.len, (const char *)v.data);
			buf_free(&v);
		}
}

struct replay_options {
	double speed, from, idle_limit;
};

static int play(struct log_reader *r, const struct replay_options *o, struct error *err)
{
	static struct term_queries q;
	enum reader_result res = READ_END;
	struct record rec;
	uint64_t start = 0;
	double shown = 0;
	int started = 0;

	while (!interrupted && (res = log_reader_next(r, &rec, err)) == READ_RECORD) {
		const uint8_t *data;
		size_t len;
		double t;

		if (!started && rec.type == REC_SESSION_START) {
			start = rec.mono_ns;
			started = 1;
		}
		if (rec.type == REC_SESSION_END)
			announce_end(&rec);
		if (rec.type != REC_OUTPUT && rec.type != REC_ERROR_OUTPUT)
			continue;
		if (log_reader_payload(r, &rec, &data, &len, err) < 0)
			return -1;
		t = rec.mono_ns > start ? (double)(rec.mono_ns - start) / 1e9 : 0;
		if (t > o->from) {
			double idle = t - (shown > o->from ? shown : o->from);
			pause_for((idle < o->idle_limit ? idle : o->idle_limit) / o->speed);
			shown = t;
		}
		if (interrupted)
			break;
		show(&q, data, len);
	}
	if (interrupted)
		fputs("\r\n[escort replay: interrupted]\r\n", stderr);
	return res == READ_END || interrupted ? 0 : -1;
}

/* One of --speed, --from, --idle-limit; 0 when it is not usable. */
static int take_option(int opt, const char *arg, struct replay_options *o)
{
	double *to = opt == 's' ? &o->speed : opt == 'f' ? &o->from : &o->idle_limit;

	if (opt != 's' && opt != 'f' && opt != 'i')
		return 0;
	if (!parse_number(arg, to) || (opt == 's' && *to == 0)) {
		fprintf(stderr, "escort replay: '%s' is not a usable number\n", arg);
		return 0;
	}
	return 1;
}

int cmd_replay(int argc, char **argv)
{
	static const struct option options[] = {
	    {"speed", required_argument, NULL, 's'},
	    {"from", required_argument, NULL, 'f'},
	    {"idle-limit", required_argument, NULL, 'i'},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct replay_options o = {.speed = 1, .from = 0, .idle_limit = 2};
	struct log_reader reader;
	struct error err;
	const char *path;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "s:f:i:h", options, NULL)) != -1) {
		if (opt == 'h') {
			replay_usage(stdout);
			return EXIT_OK;
		}
		if (!take_option(opt, optarg, &o)) {
			replay_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		replay_usage(stderr);
		return EXIT_USAGE;
	}
	path = argv[optind];
	if (log_reader_open(&reader, path, &err) < 0) {
		fprintf(stderr, "escort replay: %s\n", err.msg);
		return EXIT_FAILED;
	}
	reader.inflate_limit = 1ull << 30;
	catch_interrupts();
	rc = play(&reader, &o, &err);
	log_reader_close(&reader);
	discard_terminal_input();
	if (rc < 0) {
		fprintf(stderr, "\r\nescort replay: %s: %s\r\n", path, err.msg);
		return EXIT_FAILED;
	}
	return EXIT_OK;
}
