#include "relay.h"

#include "termmode.h"
#include "typed-line.h"
#include "util/buf.h"
#include "util/exit-status.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <poll.h>
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

struct relay {
	const struct relay_config *cfg;
	struct session_result *result;
	struct event_base *base;
	struct event *in, *master_read, *master_write, *flush, *kill_timer;
	struct event *chld, *winch, *ends[sizeof(end_signals) / sizeof(end_signals[0])];
	struct buf to_master; /* operator input the program has not taken yet */
	int input_closed;     /* no more operator input */
	int eof_pending;      /* send the program end-of-file once to_master drains */
	int line_open;	      /* the last byte sent to the program was not a newline */
	int ending;	      /* the session is being ended from our side */
	int end_status;
	int slave_gone;
};

static uint8_t io_buffer[IO_CHUNK];

static void begin_end(struct relay *r, int status, const char *reason, const char *message);

/* Operator output: the descriptor may be shared with other processes, so it
 * stays blocking and a full pipe simply waits. */
static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};
			poll(&pfd, 1, -1);
			continue;
		}
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
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

static void relay_output(struct relay *r, const uint8_t *data, size_t len)
{
	struct error err;

	if (recorder_output(r->cfg->rec, data, len, &err) < 0 && !r->ending)
		recording_failed(r, &err);
	schedule_flush(r);
	if (write_all(r->cfg->out_fd, data, len) < 0 && !r->ending)
		begin_end(r, exit_status_signal(errno == EPIPE ? SIGPIPE : SIGHUP), "hangup", NULL);
}

/* Reads what the program wrote. Returns 0 when nothing more is there now. */
static int read_master_once(struct relay *r)
{
	ssize_t n = read(r->cfg->master, io_buffer, sizeof(io_buffer));

	if (n > 0) {
		relay_output(r, io_buffer, (size_t)n);
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	/* EIO: every holder of the slave side has closed it. */
	r->slave_gone = 1;
	event_del(r->master_read);
	return 0;
}

static void on_master_read(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	read_master_once(arg);
}

static void send_eof(struct relay *r)
{
	struct termios t;
	uint8_t eof = 4;

	if (tcgetattr(r->cfg->master, &t) == 0 && t.c_cc[VEOF] != _POSIX_VDISABLE)
		eof = t.c_cc[VEOF];
	/* A partial line needs one EOF to be delivered and a second to end input. */
	if (r->line_open)
		buf_putc(&r->to_master, eof);
	buf_putc(&r->to_master, eof);
	r->line_open = 0;
	r->eof_pending = 0;
}

static void write_to_master(struct relay *r)
{
	while (r->to_master.len > 0) {
		ssize_t n = write(r->cfg->master, r->to_master.data, r->to_master.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			buf_reset(&r->to_master); /* the program is gone */
			break;
		}
		buf_consume(&r->to_master, (size_t)n);
		if (r->to_master.len == 0 && r->eof_pending)
			send_eof(r);
	}
	if (r->to_master.len > 0) {
		event_del(r->in);
		event_add(r->master_write, NULL);
		return;
	}
	event_del(r->master_write);
	if (!r->input_closed && !r->ending)
		event_add(r->in, NULL);
}

static void on_master_write(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	write_to_master(arg);
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
	if (r->to_master.len == 0)
		send_eof(r);
	write_to_master(r);
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
	if (r->cfg->in_is_tty && r->cfg->typed)
		typed_line_feed(r->cfg->typed, io_buffer, (size_t)n);
	buf_append(&r->to_master, io_buffer, (size_t)n);
	r->line_open = io_buffer[n - 1] != '\n';
	write_to_master(r);
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

	if (!r->cfg->in_is_tty || ioctl(r->cfg->in_fd, TIOCGWINSZ, &ws) < 0)
		return;
	ioctl(r->cfg->master, TIOCSWINSZ, &ws);
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
	pid_t fg = tcgetpgrp(r->cfg->master);

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

static void begin_end(struct relay *r, int status, const char *reason, const char *message)
{
	struct timeval tv = {KILL_DELAY_S, 0};

	if (r->ending)
		return;
	r->ending = 1;
	r->end_status = status;
	r->result->reason = reason;
	if (message != NULL) {
		/* The result outlives the relay: the message must too. */
		static char message_kept[512];
		snprintf(message_kept, sizeof(message_kept), "%s", message);
		r->result->error = message_kept;
		termmode_restore();
		dprintf(STDERR_FILENO, "\r\nescort: %s\r\n", message);
	}
	event_del(r->in);
	if (r->cfg->ending)
		r->cfg->ending(r->cfg->ending_ctx, reason);
	signal_session(r, SIGHUP);
	signal_session(r, SIGCONT);
	evtimer_add(r->kill_timer, &tv);
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

static void drain_output(struct relay *r)
{
	while (!r->slave_gone && read_master_once(r))
		;
}

void relay_pass_output(struct relay *r)
{
	if (r && !r->ending)
		drain_output(r);
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
	event_base_loopbreak(r->base);
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

static int setup_events(struct relay *r)
{
	const struct relay_config *c = r->cfg;

	r->base = c->base;
	r->in = event_new(r->base, c->in_fd, EV_READ | EV_PERSIST, on_input, r);
	r->master_read = event_new(r->base, c->master, EV_READ | EV_PERSIST, on_master_read, r);
	r->master_write = event_new(r->base, c->master, EV_WRITE | EV_PERSIST, on_master_write, r);
	r->flush = evtimer_new(r->base, on_flush, r);
	r->kill_timer = evtimer_new(r->base, on_kill_timer, r);
	r->chld = evsignal_new(r->base, SIGCHLD, on_child, r);
	r->winch = evsignal_new(r->base, SIGWINCH, on_winch, r);
	for (size_t i = 0; i < sizeof(end_signals) / sizeof(end_signals[0]); i++) {
		r->ends[i] = evsignal_new(r->base, end_signals[i], on_end_signal, r);
		if (r->ends[i] == NULL || event_add(r->ends[i], NULL) < 0)
			return -1;
	}
	if (!r->in || !r->master_read || !r->master_write || !r->flush || !r->kill_timer ||
	    !r->chld || !r->winch)
		return -1;
	if (event_add(r->chld, NULL) < 0 || event_add(r->winch, NULL) < 0 ||
	    event_add(r->master_read, NULL) < 0 || event_add(r->in, NULL) < 0)
		return -1;
	return 0;
}

static void free_events(struct relay *r)
{
	struct event *all[] = {r->in,	      r->master_read, r->master_write, r->flush,
			       r->kill_timer, r->chld,	      r->winch};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i])
			event_free(all[i]);
	for (size_t i = 0; i < sizeof(end_signals) / sizeof(end_signals[0]); i++)
		if (r->ends[i])
			event_free(r->ends[i]);
	buf_free(&r->to_master);
}

int relay_run(const struct relay_config *cfg, struct session_result *result)
{
	struct relay r = {.cfg = cfg, .result = result};
	int rc = 0;

	fcntl(cfg->master, F_SETFL, fcntl(cfg->master, F_GETFL) | O_NONBLOCK);
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
	}
	if (cfg->running)
		*cfg->running = NULL;
	free_events(&r);
	return rc;
}
