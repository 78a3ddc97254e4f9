/* escort watch [--socket PATH]: the escort's terminal console. Live
 * sessions, the screen of the one selected (through a terminal emulator,
 * see console/screen.h), and every pending approval with its explanation.
 * Keys: n/p select a session, TAB the next approval, a approve (this exec
 * once), T approve the tree it starts, S approve it for the session, P approve
 * a change to files and what its program changes under the same folder, d deny,
 * t terminate the selected session, l lock its operator, q quit. */
#include "commands.h"
#include "console/client.h"
#include "console/screen.h"
#include "console/show.h"
#include "proto/names.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define REFRESH_MS 500
#define EXPECT_MAX 64

struct watch {
	struct console c;
	Frame *sessions, *pending; /* the latest lists */
	struct expect {
		uint64_t request_id;
		Escort__Verb verb;
	} expect[EXPECT_MAX]; /* requests whose replies are on the way */
	unsigned n_expect;
	unsigned selected, selected_pending;
	char following[40];
	struct screen *screen;
	char status[600];
	char prompt[200], input[256]; /* a line being typed, for prompt */
	int prompting;
	Escort__Verb pending_verb;
	uint64_t pending_id;
	Escort__Scope scope; /* of the approval being given */
	unsigned cols, rows;
	struct termios saved;
	int quit;
};

static void terminal_size(struct watch *w)
{
	struct winsize ws;

	w->cols = 100;
	w->rows = 40;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 && ws.ws_row > 10) {
		w->cols = ws.ws_col;
		w->rows = ws.ws_row;
	}
}

static int ask(struct watch *w, Escort__ConsoleRequest *q)
{
	struct error err;
	uint64_t id;

	if (w->n_expect == EXPECT_MAX)
		return 0; /* escortd is slow: skip this refresh */
	if ((id = console_send(&w->c, q, &err)) == 0) {
		snprintf(w->status, sizeof(w->status), "%s", err.msg);
		return -1;
	}
	w->expect[w->n_expect++] = (struct expect){id, q->verb};
	return 0;
}

static int request(struct watch *w, Escort__Verb verb, uint64_t id, const char *target,
		   const char *note, const char *confirm)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;

	q.scope = w->scope;
	q.verb = verb;
	q.id = id;
	q.target = (char *)(target ? target : "");
	q.note = (char *)(note ? note : "");
	q.confirm = (char *)(confirm ? confirm : "");
	return ask(w, &q);
}

static const Escort__SessionInfo *selected_session(const struct watch *w)
{
	if (w->sessions == NULL || w->sessions->reply->n_sessions == 0)
		return NULL;
	return w->sessions->reply->sessions[w->selected % w->sessions->reply->n_sessions];
}

static const Escort__PendingInfo *selected_pending(const struct watch *w)
{
	if (w->pending == NULL || w->pending->reply->n_pending == 0)
		return NULL;
	return w->pending->reply->pending[w->selected_pending % w->pending->reply->n_pending];
}

static void follow_selected(struct watch *w)
{
	const Escort__SessionInfo *s = selected_session(w);

	if (s == NULL || strcmp(s->id, w->following) == 0)
		return;
	snprintf(w->following, sizeof(w->following), "%s", s->id);
	screen_free(w->screen);
	w->screen = screen_new(80, 24);
	request(w, ESCORT__VERB__VERB_FOLLOW, 0, s->id, NULL, NULL);
}

static void take_reply(struct watch *w, Frame *f)
{
	Escort__Verb verb = ESCORT__VERB__VERB_UNSPECIFIED;

	for (unsigned i = 0; i < w->n_expect; i++)
		if (w->expect[i].request_id == f->reply->request_id) {
			verb = w->expect[i].verb;
			memmove(w->expect + i, w->expect + i + 1,
				(--w->n_expect - i) * sizeof(w->expect[0]));
			break;
		}
	if (verb == ESCORT__VERB__VERB_SESSIONS && f->reply->ok) {
		frame_free(w->sessions);
		w->sessions = f;
		follow_selected(w);
		return;
	}
	if (verb == ESCORT__VERB__VERB_PENDING && f->reply->ok) {
		frame_free(w->pending);
		w->pending = f;
		return;
	}
	if (verb != ESCORT__VERB__VERB_FOLLOW || !f->reply->ok)
		snprintf(w->status, sizeof(w->status), "%s: %s", verb_name(verb),
			 f->reply->ok ? f->reply->message : f->reply->error);
	frame_free(f);
}

static void take_screen(struct watch *w, const Escort__Screen *s)
{
	if (w->screen == NULL || strcmp(s->session, w->following) != 0)
		return;
	screen_resize(w->screen, s->cols, s->rows);
	screen_feed(w->screen, s->output.data, s->output.len);
	if (s->ended)
		snprintf(w->status, sizeof(w->status), "session %s ended", s->session);
}

static void line(struct buf *out, const char *text, unsigned cols)
{
	size_t n = strlen(text);

	buf_append(out, text, n < cols ? n : cols);
	buf_append_str(out, "\x1b[K\r\n");
}

/* A heading: the style wraps exactly the visible, truncated text. */
static void heading(struct buf *out, const char *style, const char *text, unsigned cols)
{
	size_t n = strlen(text);

	buf_append_str(out, style);
	buf_append(out, text, n < cols ? n : cols);
	buf_append_str(out, "\x1b[0m\x1b[K\r\n");
}

static void draw_sessions(struct watch *w, struct buf *out, unsigned *used)
{
	struct buf b = {0};
	size_t n = w->sessions ? w->sessions->reply->n_sessions : 0;

	heading(out, "\x1b[1m", "SESSIONS  (n/p: select)", w->cols);
	(*used)++;
	for (size_t i = 0; i < n && i < 8; i++) {
		const Escort__SessionInfo *s = w->sessions->reply->sessions[i];
		buf_reset(&b);
		buf_printf(&b, "%s %s  %-12s %-5s pending %llu  ", i == w->selected % n ? ">" : " ",
			   s->id, s->operator_, s->live ? "live" : "away",
			   (unsigned long long)s->pending);
		for (size_t k = 0; k < s->n_argv; k++) {
			if (k)
				buf_putc(&b, ' ');
			show_visible(&b, s->argv[k]);
		}
		line(out, buf_cstr(&b), w->cols);
		(*used)++;
	}
	if (n == 0) {
		line(out, "  (none)", w->cols);
		(*used)++;
	}
	buf_free(&b);
}

static void draw_screen(struct watch *w, struct buf *out, unsigned *used, unsigned budget)
{
	struct buf b = {0};
	char title[160];
	unsigned rows = w->screen ? screen_rows(w->screen) : 0;
	unsigned cursor = w->screen ? screen_cursor_row(w->screen) + 1 : 0;
	/* A screen taller than the room: the part that ends at the cursor. */
	unsigned last = cursor > budget ? cursor : (budget < rows ? budget : rows);
	unsigned first = last > budget ? last - budget : 0;

	snprintf(title, sizeof(title), "SCREEN of %s",
		 w->following[0] ? w->following : "(no session)");
	heading(out, "\x1b[1m", title, w->cols);
	(*used)++;
	for (unsigned r = first; r < last; r++) {
		buf_reset(&b);
		buf_append_str(&b, "| ");
		screen_row_text(w->screen, r, w->cols - 2, &b);
		line(out, buf_cstr(&b), w->cols * 4);
		(*used)++;
	}
	buf_free(&b);
}

static void draw_pending(struct watch *w, struct buf *out, unsigned *used)
{
	size_t n = w->pending ? w->pending->reply->n_pending : 0;
	unsigned more = w->pending ? w->pending->reply->omitted : 0;
	struct buf b = {0};
	char head[160];

	snprintf(head, sizeof(head),
		 "PENDING %zu%s  (TAB: next, a: approve once, T: its tree, S: session, "
		 "P: its folder, d: deny)",
		 n + more, more ? " (the newest not listed yet)" : "");
	heading(out, "\x1b[1m", head, w->cols);
	(*used)++;
	if (n == 0) {
		line(out, "  nothing waits for approval", w->cols);
		(*used)++;
		return;
	}
	show_pending_text(&b, selected_pending(w), "\n");
	for (char *l = (char *)buf_cstr(&b), *nl; *l && *used + 2 < w->rows; l = nl + 1) {
		nl = strchr(l, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		line(out, l, w->cols);
		(*used)++;
	}
	buf_free(&b);
}

static void draw(struct watch *w)
{
	struct buf out = {0};
	char head[200];
	unsigned used = 1;

	terminal_size(w);
	buf_append_str(&out, "\x1b[H");
	snprintf(head, sizeof(head),
		 " escort watch - %s   t: terminate  l: lock operator  q: quit ", w->c.account);
	heading(&out, "\x1b[7m", head, w->cols);
	draw_sessions(w, &out, &used);
	unsigned screen_budget = w->rows > used + 18 ? w->rows - used - 18 : 4;
	draw_screen(w, &out, &used, screen_budget);
	draw_pending(w, &out, &used);
	buf_append_str(&out, "\x1b[J");
	buf_printf(&out, "\x1b[%u;1H\x1b[K", w->rows);
	if (w->prompting)
		buf_printf(&out, "%s %s", w->prompt, w->input);
	else
		buf_append(&out, w->status,
			   strlen(w->status) < w->cols ? strlen(w->status) : w->cols);
	(void)!write(STDOUT_FILENO, out.data, out.len);
	buf_free(&out);
}

static void start_prompt(struct watch *w, Escort__Verb verb, uint64_t id, const char *prompt)
{
	w->prompting = 1;
	w->input[0] = '\0';
	w->pending_id = id;
	w->pending_verb = verb;
	snprintf(w->prompt, sizeof(w->prompt), "%s", prompt);
}

static void finish_prompt(struct watch *w)
{
	const Escort__SessionInfo *s = selected_session(w);

	w->prompting = 0;
	if (w->pending_verb == ESCORT__VERB__VERB_APPROVE)
		request(w, w->pending_verb, w->pending_id, NULL, NULL, w->input);
	else if (w->pending_verb == ESCORT__VERB__VERB_DENY)
		request(w, w->pending_verb, w->pending_id, NULL, w->input, NULL);
	else if (w->pending_verb == ESCORT__VERB__VERB_LOCK && s)
		request(w, w->pending_verb, 0, s->operator_, w->input, NULL);
	else if (w->pending_verb == ESCORT__VERB__VERB_TERMINATE && s)
		request(w, w->pending_verb, 0, s->id, w->input, NULL);
	w->scope = ESCORT__SCOPE__SCOPE_ONCE;
	request(w, ESCORT__VERB__VERB_PENDING, 0, NULL, NULL, NULL);
	request(w, ESCORT__VERB__VERB_SESSIONS, 0, NULL, NULL, NULL);
}

static void prompt_key(struct watch *w, unsigned char k)
{
	size_t n = strlen(w->input);

	if (k == '\r' || k == '\n')
		finish_prompt(w);
	else if (k == 27) {
		w->prompting = 0;
		w->scope = ESCORT__SCOPE__SCOPE_ONCE;
	} else if ((k == 127 || k == 8) && n > 0)
		w->input[n - 1] = '\0';
	else if (k >= 0x20 && k < 0x7f && n + 1 < sizeof(w->input)) {
		w->input[n] = (char)k;
		w->input[n + 1] = '\0';
	}
}

static void key(struct watch *w, unsigned char k)
{
	const Escort__PendingInfo *p = selected_pending(w);
	const Escort__SessionInfo *s = selected_session(w);
	char text[200];

	if (w->prompting)
		return prompt_key(w, k);
	if (k == 'q')
		w->quit = 1;
	else if (k == 'n' || k == 'p') {
		w->selected +=
		    k == 'n' ? 1 : (w->sessions ? w->sessions->reply->n_sessions - 1 : 0);
		follow_selected(w);
	} else if (k == '\t')
		w->selected_pending++;
	else if ((k == 'a' || k == 'T' || k == 'S' || (k == 'P' && p && p->change)) && p) {
		w->scope = k == 'T'   ? ESCORT__SCOPE__SCOPE_TREE
			   : k == 'S' ? ESCORT__SCOPE__SCOPE_SESSION
			   : k == 'P' ? ESCORT__SCOPE__SCOPE_PATH /* the change's folder */
				      : ESCORT__SCOPE__SCOPE_ONCE;
		if (p->level >= ESCORT__LEVEL__LEVEL_CRITICAL) {
			snprintf(text, sizeof(text),
				 "CRITICAL: type the program's name (%s) to approve %llu:",
				 p->program, (unsigned long long)p->id);
			start_prompt(w, ESCORT__VERB__VERB_APPROVE, p->id, text);
		} else {
			request(w, ESCORT__VERB__VERB_APPROVE, p->id, NULL, NULL, NULL);
			w->scope = ESCORT__SCOPE__SCOPE_ONCE;
			request(w, ESCORT__VERB__VERB_PENDING, 0, NULL, NULL, NULL);
		}
	} else if (k == 'd' && p) {
		snprintf(text, sizeof(text), "deny %llu, note (Enter to send, Esc to cancel):",
			 (unsigned long long)p->id);
		start_prompt(w, ESCORT__VERB__VERB_DENY, p->id, text);
	} else if (k == 't' && s)
		start_prompt(w, ESCORT__VERB__VERB_TERMINATE, 0,
			     "terminate this session, note (Esc to cancel):");
	else if (k == 'l' && s) {
		snprintf(text, sizeof(text), "lock %s, reason (Esc to cancel):", s->operator_);
		start_prompt(w, ESCORT__VERB__VERB_LOCK, 0, text);
	}
}

static void restore(struct watch *w)
{
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &w->saved);
	(void)!write(STDOUT_FILENO, "\x1b[?1049l\x1b[?25h", 14);
}

static int read_from_broker(struct watch *w)
{
	struct error err;
	Frame *f;

	if (frame_read_fd(w->c.fd, &w->c.in, &f, 0, &err) < 0) {
		if (err.code == ERR_TIMEOUT)
			return 0;
		snprintf(w->status, sizeof(w->status), "%s", err.msg);
		return -1;
	}
	if (f->body_case == ESCORT__FRAME__BODY_REPLY)
		take_reply(w, f);
	else {
		if (f->body_case == ESCORT__FRAME__BODY_SCREEN)
			take_screen(w, f->screen);
		frame_free(f);
	}
	return 1;
}

static int loop(struct watch *w)
{
	struct timespec last = {0};

	while (!w->quit) {
		struct pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {w->c.fd, POLLIN, 0}};
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - last.tv_sec) * 1000 + (now.tv_nsec - last.tv_nsec) / 1000000 >=
		    REFRESH_MS) {
			last = now;
			if (request(w, ESCORT__VERB__VERB_SESSIONS, 0, NULL, NULL, NULL) < 0 ||
			    request(w, ESCORT__VERB__VERB_PENDING, 0, NULL, NULL, NULL) < 0)
				return -1;
			draw(w);
		}
		if (poll(fds, 2, 100) < 0 && errno != EINTR)
			return -1;
		if (fds[0].revents & (POLLIN | POLLHUP)) {
			unsigned char k[64];
			ssize_t n = read(STDIN_FILENO, k, sizeof(k));
			if (n <= 0)
				return 0;
			for (ssize_t i = 0; i < n; i++)
				key(w, k[i]);
			draw(w);
		}
		if (fds[1].revents & (POLLIN | POLLHUP)) {
			int rc;
			while ((rc = read_from_broker(w)) > 0)
				if (w->c.in.len == 0)
					break;
			if (rc < 0)
				return -1;
			draw(w);
		}
	}
	return 0;
}

int cmd_watch(int argc, char **argv)
{
	static const struct option options[] = {
	    {"socket", required_argument, NULL, 'S'}, {"help", no_argument, NULL, 'h'}, {0}};
	static struct watch w;
	const char *socket = NULL;
	struct termios raw;
	struct error err;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'S')
			socket = optarg;
		else {
			fputs("usage: escort watch [--socket PATH]\n",
			      opt == 'h' ? stdout : stderr);
			return opt == 'h' ? EXIT_OK : EXIT_USAGE;
		}
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("escort watch: needs a terminal (use escort sessions/pending for scripts)\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (console_open(&w.c, socket, &err) < 0) {
		fprintf(stderr, "escort watch: %s\n", err.msg);
		return EXIT_UNREACHABLE;
	}
	tcgetattr(STDIN_FILENO, &w.saved);
	raw = w.saved;
	cfmakeraw(&raw);
	tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
	(void)!write(STDOUT_FILENO, "\x1b[?1049h\x1b[?25l\x1b[2J", 18);
	rc = loop(&w);
	restore(&w);
	if (rc < 0)
		fprintf(stderr, "escort watch: %s\n", w.status);
	console_close(&w.c);
	screen_free(w.screen);
	frame_free(w.sessions);
	frame_free(w.pending);
	return rc < 0 ? EXIT_UNREACHABLE : EXIT_OK;
}
