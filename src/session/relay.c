#include "relay.h"

#include "outq.h"
#include "termmode.h"
#include "typed-line.h"
#include "util/buf.h"
#include "util/exit-status.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define IO_CHUNK 65536
#define FLUSH_DELAY_MS 100
#define KILL_DELAY_S 3

static const int end_signals[] = {SIGTERM, SIGHUP, SIGINT, SIGQUIT};

static void handled_signals(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(end_signals) / sizeof(end_signals[0]); i++)
		sigaddset(set, end_signals[i]);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGWINCH);
}

void relay_block_signals(void)
{
	sigset_t set;

	handled_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static void unblock_signals(void)
{
	sigset_t set;

	handled_signals(&set);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
}

/* What the program (or the gate) writes: where it is read, what it is
 * recorded as, where it goes. */
enum source_kind { FROM_OUT, FROM_ERR, FROM_GATE, SOURCE_COUNT };

struct source {
	int fd; /* -1 once it has ended */
	struct event *readable;
	struct outq *to; /* the operator's side it goes to */
};

struct relay {
	const struct relay_config *cfg;
	struct session_result *result;
	struct event_base *base;
	struct event *in, *child_write, *flush, *kill_timer;
	struct event *chld, *winch, *ends[sizeof(end_signals) / sizeof(end_signals[0])];
	struct source src[SOURCE_COUNT];
	struct outq out, err; /* the operator's standard output and error */
	int err_shared;	      /* standard error is the same file: one queue keeps the order */
	struct buf to_child;  /* operator input the program has not taken yet */
	int to_child_fd;      /* -1 once the program's input pipe is closed (the relay's) */
	int input_closed;     /* no more operator input */
	int eof_pending;      /* send the program end-of-file once to_child drains */
	int line_open;	      /* the last byte sent to the program was not a newline */
	int ending;	      /* the session is being ended from our side */
	int end_status;
	int child_done; /* the program has ended: what is pending goes, then the loop ends */
	int throttled;	/* the program is not read: the operator has too much pending */
};

static uint8_t io_buffer[IO_CHUNK];

static void begin_end(struct relay *r, int status, const char *reason, const char *message);

static int pipes_mode(const struct relay *r)
{
	return r->cfg->from_child_err >= 0;
}

static void schedule_flush(struct relay *r)
{
	struct timeval tv = {0, FLUSH_DELAY_MS * 1000};

	if (!evtimer_pending(r->flush, NULL))
		evtimer_add(r->flush, &tv);
}

static void recording_failed(struct relay *r, const struct error *err)
{
	char msg[700];

	snprintf(msg, sizeof(msg),
		 "recording failed (%s): ending the session; everything recorded "
		 "until now is kept",
		 err->msg);
	begin_end(r, EXIT_ESCORT_FAILED, "record-failed", msg);
}

static size_t operator_pending(const struct relay *r)
{
	return outq_pending(&r->out) + (r->err_shared ? 0 : outq_pending(&r->err));
}

static void finish_if_done(struct relay *r)
{
	if (r->child_done && (r->ending || operator_pending(r) == 0))
		event_base_loopbreak(r->base);
}

/* The program is read again once the operator has taken half of what
 * stopped it. */
static void read_child(struct relay *r, int on)
{
	for (int k = FROM_OUT; k <= FROM_ERR; k++)
		if (r->src[k].fd >= 0)
			on ? event_add(r->src[k].readable, NULL) : event_del(r->src[k].readable);
	r->throttled = !on;
}

static void operator_gone(struct relay *r)
{
	if (!r->ending)
		begin_end(r, exit_status_signal(r->out.error == EPIPE ? SIGPIPE : SIGHUP), "hangup",
			  NULL);
}

static struct outq *error_queue(struct relay *r)
{
	return r->err_shared ? &r->out : &r->err;
}

/* A standard output that fails ends the session; a standard error that
 * fails loses what goes there (it is recorded). */
static void show(struct relay *r, struct outq *q, const uint8_t *data, size_t len)
{
	if (r->ending && outq_pending(q) > OUTQ_HIGH_WATER)
		return; /* cut off: the recording keeps it, the operator is not waited for */
	if (outq_push(q, data, len) < 0 && q == &r->out) {
		operator_gone(r);
		return;
	}
	if (!r->ending && !r->throttled && operator_pending(r) > OUTQ_HIGH_WATER)
		read_child(r, 0);
}

static void on_operator_writable(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;

	(void)fd;
	(void)what;
	if (outq_flush(&r->out) < 0)
		operator_gone(r);
	if (!r->err_shared)
		outq_flush(&r->err);
	if (r->throttled && !r->ending && operator_pending(r) <= OUTQ_HIGH_WATER / 2)
		read_child(r, 1);
	finish_if_done(r);
}

static int record(struct relay *r, enum source_kind k, const uint8_t *data, size_t len)
{
	struct error err;
	int rc = 0;

	if (k == FROM_OUT && r->cfg->in_is_tty && r->cfg->typed)
		typed_line_output(r->cfg->typed, data, len);
	if (k == FROM_OUT)
		rc = recorder_output(r->cfg->rec, data, len, &err);
	else if (k == FROM_ERR)
		rc = recorder_error_output(r->cfg->rec, data, len, &err);
	if (k == FROM_OUT && pipes_mode(r) && r->cfg->watch)
		r->cfg->watch(r->cfg->watch_ctx, 1, data, len);
	if (rc < 0 && !r->ending)
		recording_failed(r, &err);
	schedule_flush(r);
	return rc;
}

static void source_ended(struct relay *r, enum source_kind k)
{
	struct source *s = &r->src[k];

	event_del(s->readable);
	s->fd = -1; /* the caller closes it */
}

/* Reads one chunk of k. Returns 0 when nothing more is there now. */
static int read_source_once(struct relay *r, enum source_kind k)
{
	struct source *s = &r->src[k];
	ssize_t n;

	if (s->fd < 0)
		return 0;
	n = read(s->fd, io_buffer, sizeof(io_buffer));
	if (n > 0) {
		record(r, k, io_buffer, (size_t)n);
		show(r, s->to, io_buffer, (size_t)n);
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	/* End of file, or EIO: every holder of the pty's slave side closed it. */
	source_ended(r, k);
	return 0;
}

static void on_source(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;

	(void)what;
	for (int k = 0; k < SOURCE_COUNT; k++)
		if (r->src[k].fd == fd) {
			/* The gate's lines were written before the call they are about
			 * was answered: they come before what the program wrote next. */
			while (k != FROM_GATE && read_source_once(r, FROM_GATE))
				;
			read_source_once(r, (enum source_kind)k);
			return;
		}
}

static void send_eof(struct relay *r)
{
	struct termios t;
	uint8_t eof = 4;

	r->eof_pending = 0;
	if (pipes_mode(r)) {
		event_del(r->child_write);
		close(r->to_child_fd); /* end of input is the pipe closing */
		r->to_child_fd = -1;
		return;
	}
	if (tcgetattr(r->to_child_fd, &t) == 0 && t.c_cc[VEOF] != _POSIX_VDISABLE)
		eof = t.c_cc[VEOF];
	/* A partial line needs one EOF to be delivered and a second to end input. */
	if (r->line_open)
		buf_putc(&r->to_child, eof);
	buf_putc(&r->to_child, eof);
	r->line_open = 0;
}

static void write_to_child(struct relay *r)
{
	while (r->to_child.len > 0 && r->to_child_fd >= 0) {
		ssize_t n = write(r->to_child_fd, r->to_child.data, r->to_child.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			buf_reset(&r->to_child); /* the program is gone, or closed its input */
			break;
		}
		buf_consume(&r->to_child, (size_t)n);
		if (r->to_child.len == 0 && r->eof_pending)
			send_eof(r);
	}
	if (r->to_child.len > 0 && r->to_child_fd >= 0) {
		event_del(r->in);
		event_add(r->child_write, NULL);
		return;
	}
	buf_reset(&r->to_child);
	if (r->to_child_fd >= 0)
		event_del(r->child_write);
	if (!r->input_closed && !r->ending)
		event_add(r->in, NULL);
}

static void on_child_writable(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	write_to_child(arg);
}

static void operator_input_ended(struct relay *r)
{
	r->input_closed = 1;
	event_del(r->in);
	if (r->cfg->in_is_tty) {
		/* The operator's terminal hung up: the session goes with it. */
		begin_end(r, exit_status_signal(SIGHUP), "hangup", NULL);
		return;
	}
	r->eof_pending = 1;
	if (r->to_child.len == 0)
		send_eof(r);
	write_to_child(r);
}

static void on_input(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;
	struct error err;
	ssize_t n;

	(void)what;
	n = read(fd, io_buffer, sizeof(io_buffer));
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		operator_input_ended(r);
		return;
	}
	if (recorder_input(r->cfg->rec, io_buffer, (size_t)n, &err) < 0) {
		recording_failed(r, &err);
		return;
	}
	schedule_flush(r);
	if (pipes_mode(r) && r->cfg->watch)
		r->cfg->watch(r->cfg->watch_ctx, 0, io_buffer, (size_t)n);
	if (r->cfg->in_is_tty && r->cfg->typed)
		typed_line_feed(r->cfg->typed, tcgetpgrp(r->cfg->from_child), io_buffer, (size_t)n);
	buf_append(&r->to_child, io_buffer, (size_t)n);
	r->line_open = io_buffer[n - 1] != '\n';
	write_to_child(r);
}

static void on_flush(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;
	struct error err;

	(void)fd;
	(void)what;
	if (recorder_check(r->cfg->rec, &err) < 0 && !r->ending)
		recording_failed(r, &err);
}

static void copy_window_size(struct relay *r)
{
	struct winsize ws;
	struct error err;

	if (!r->cfg->in_is_tty || pipes_mode(r) || ioctl(r->cfg->in_fd, TIOCGWINSZ, &ws) < 0)
		return;
	ioctl(r->cfg->from_child, TIOCSWINSZ, &ws);
	if (recorder_window(r->cfg->rec, ws.ws_col, ws.ws_row, &err) < 0 && !r->ending)
		recording_failed(r, &err);
	schedule_flush(r);
}

static void on_winch(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	copy_window_size(arg);
}

/* Sends sig to the program and to whatever job holds the terminal. */
static void signal_session(struct relay *r, int sig)
{
	pid_t fg = pipes_mode(r) ? -1 : tcgetpgrp(r->cfg->from_child);

	if (r->child_done)
		return;
	kill(-r->cfg->child, sig);
	kill(r->cfg->child, sig);
	if (fg > 0 && fg != r->cfg->child)
		kill(-fg, sig);
}

static void on_kill_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	signal_session(arg, SIGKILL);
}

/* The line escort ends the session with, after what the program wrote. */
static void say_ending(struct relay *r, const char *message)
{
	/* The result outlives the relay: the message must too. */
	static char message_kept[512];
	struct error ignored;
	char line[600];
	size_t len;
	int n;

	snprintf(message_kept, sizeof(message_kept), "%s", message);
	r->result->error = message_kept;
	termmode_restore();
	n = snprintf(line, sizeof(line), "%sescort: %s%s", r->cfg->in_is_tty ? "\r\n" : "", message,
		     r->cfg->in_is_tty ? "\r\n" : "\n");
	if (n <= 0)
		return;
	len = (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	outq_push(error_queue(r), line, len);
	/* Recorded like the gate's lines (nothing when the recording failed). */
	(void)recorder_output(r->cfg->rec, line, len, &ignored);
}

static void begin_end(struct relay *r, int status, const char *reason, const char *message)
{
	struct timeval tv = {KILL_DELAY_S, 0};

	if (r->ending)
		return;
	r->ending = 1;
	r->end_status = status;
	r->result->reason = reason;
	if (message != NULL)
		say_ending(r, message);
	event_del(r->in);
	if (r->throttled)
		read_child(r, 1); /* read to the end and record it: nobody waits for the operator */
	if (r->cfg->ending)
		r->cfg->ending(r->cfg->ending_ctx, reason);
	signal_session(r, SIGHUP);
	signal_session(r, SIGCONT);
	evtimer_add(r->kill_timer, &tv);
	finish_if_done(r);
}

void relay_end_now(struct relay *r, const char *reason, const char *message)
{
	if (r == NULL)
		return;
	begin_end(r, exit_status_signal(SIGKILL), reason, message);
	signal_session(r, SIGKILL);
}

static void on_end_signal(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	begin_end(arg, exit_status_signal((int)sig), "hangup", NULL);
}

/* Everything the program has written until now, whatever is pending. */
static void drain_output(struct relay *r)
{
	for (int k = FROM_OUT; k <= FROM_ERR; k++)
		while (read_source_once(r, (enum source_kind)k))
			;
}

static void drain_messages(struct relay *r)
{
	while (read_source_once(r, FROM_GATE))
		;
}

void relay_pass_output(struct relay *r)
{
	if (r && !r->ending) {
		drain_output(r);
		drain_messages(r); /* the gate's lines, in the order they were written */
	}
}

static void on_child(evutil_socket_t fd, short what, void *arg)
{
	struct relay *r = arg;
	int status = 0, any;
	pid_t pid, first = 0;

	(void)fd;
	(void)what;
	/* Stopped programs are left alone: Ctrl-Z only stops jobs inside a shell, since
	 * the kernel discards it for the session leader's orphaned process group.
	 * Jobs orphaned in the session are the session host's children too
	 * (sweep.h): their ends are collected here. */
	while ((pid = waitpid(-1, &any, WNOHANG)) > 0)
		if (pid == r->cfg->child) {
			first = pid;
			status = any;
		}
	if (first != r->cfg->child)
		return;
	drain_output(r);
	drain_messages(r);
	r->child_done = 1;
	if (WIFSIGNALED(status)) {
		r->result->signal = WTERMSIG(status);
		r->result->exit_status = exit_status_signal(WTERMSIG(status));
	} else {
		r->result->exit_status = WEXITSTATUS(status);
	}
	if (r->ending) {
		r->result->exit_status = r->end_status;
	} else {
		r->result->reason = WIFSIGNALED(status) ? "signal" : "exit";
	}
	/* The operator still gets what is pending (a signal ends the wait). */
	event_del(r->in);
	for (int k = 0; k < SOURCE_COUNT; k++)
		if (r->src[k].fd >= 0)
			event_del(r->src[k].readable);
	finish_if_done(r);
}

/* epoll refuses regular files and /dev/null; poll treats them as always ready. */
struct event_base *relay_new_base(int in_fd)
{
	struct event_config *ec = event_config_new();
	struct event_base *base;
	struct stat st;

	if (ec == NULL)
		return NULL;
	if (fstat(in_fd, &st) == 0 && !S_ISFIFO(st.st_mode) && !S_ISSOCK(st.st_mode) &&
	    !isatty(in_fd))
		event_config_avoid_method(ec, "epoll");
	base = event_base_new_with_config(ec);
	event_config_free(ec);
	return base;
}

static int setup_source(struct relay *r, enum source_kind k, int fd, struct outq *to)
{
	struct source *s = &r->src[k];

	s->fd = fd;
	s->to = to;
	if (fd < 0)
		return 0;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	s->readable = event_new(r->base, fd, EV_READ | EV_PERSIST, on_source, r);
	return s->readable && event_add(s->readable, NULL) == 0 ? 0 : -1;
}

static int setup_operator(struct relay *r)
{
	const struct relay_config *c = r->cfg;

	if (outq_open(&r->out, r->base, c->out_fd, on_operator_writable, r) < 0)
		return -1;
	r->err_shared = outq_same_file(c->out_fd, c->err_fd);
	if (!r->err_shared && outq_open(&r->err, r->base, c->err_fd, on_operator_writable, r) < 0)
		return -1;
	if (setup_source(r, FROM_OUT, c->from_child, &r->out) < 0 ||
	    setup_source(r, FROM_ERR, c->from_child_err, error_queue(r)) < 0 ||
	    setup_source(r, FROM_GATE, c->messages, error_queue(r)) < 0)
		return -1;
	return 0;
}

static int setup_events(struct relay *r)
{
	const struct relay_config *c = r->cfg;

	r->base = c->base;
	r->to_child_fd = c->to_child;
	fcntl(c->to_child, F_SETFL, fcntl(c->to_child, F_GETFL) | O_NONBLOCK);
	r->in = event_new(r->base, c->in_fd, EV_READ | EV_PERSIST, on_input, r);
	r->child_write =
	    event_new(r->base, c->to_child, EV_WRITE | EV_PERSIST, on_child_writable, r);
	r->flush = evtimer_new(r->base, on_flush, r);
	r->kill_timer = evtimer_new(r->base, on_kill_timer, r);
	r->chld = evsignal_new(r->base, SIGCHLD, on_child, r);
	r->winch = evsignal_new(r->base, SIGWINCH, on_winch, r);
	for (size_t i = 0; i < sizeof(end_signals) / sizeof(end_signals[0]); i++) {
		r->ends[i] = evsignal_new(r->base, end_signals[i], on_end_signal, r);
		if (r->ends[i] == NULL || event_add(r->ends[i], NULL) < 0)
			return -1;
	}
	if (!r->in || !r->child_write || !r->flush || !r->kill_timer || !r->chld || !r->winch ||
	    setup_operator(r) < 0)
		return -1;
	if (event_add(r->chld, NULL) < 0 || event_add(r->winch, NULL) < 0 ||
	    event_add(r->in, NULL) < 0)
		return -1;
	return 0;
}

static void free_events(struct relay *r)
{
	struct event *all[] = {r->in, r->child_write, r->flush, r->kill_timer, r->chld, r->winch};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i])
			event_free(all[i]);
	for (size_t i = 0; i < sizeof(end_signals) / sizeof(end_signals[0]); i++)
		if (r->ends[i])
			event_free(r->ends[i]);
	for (int k = 0; k < SOURCE_COUNT; k++)
		if (r->src[k].readable)
			event_free(r->src[k].readable);
	if (pipes_mode(r) && r->to_child_fd >= 0)
		close(r->to_child_fd);
	outq_close(&r->out);
	outq_close(&r->err);
	buf_free(&r->to_child);
}

/* Cut off or gone: one last try, then what is left is dropped. */
static void last_output(struct relay *r)
{
	outq_flush(&r->out);
	if (!r->err_shared)
		outq_flush(&r->err);
}

int relay_run(const struct relay_config *cfg, struct session_result *result)
{
	struct relay r = {.cfg = cfg, .result = result, .out = {.fd = -1}, .err = {.fd = -1}};
	int rc = 0;

	for (int k = 0; k < SOURCE_COUNT; k++)
		r.src[k].fd = -1;
	if (setup_events(&r) < 0) {
		static const char msg[] = "cannot set up the event loop";
		dprintf(STDERR_FILENO, "escort: %s\n", msg);
		signal_session(&r, SIGKILL);
		waitpid(cfg->child, NULL, 0);
		result->exit_status = EXIT_ESCORT_FAILED;
		result->reason = "record-failed";
		result->error = msg;
		rc = -1;
	} else {
		if (cfg->running)
			*cfg->running = &r;
		unblock_signals();
		/* A SIGCHLD may have arrived before the handler existed. */
		on_child(-1, 0, &r);
		if (!event_base_got_break(r.base))
			event_base_dispatch(r.base);
		last_output(&r);
	}
	if (cfg->running)
		*cfg->running = NULL;
	free_events(&r);
	return rc;
}
