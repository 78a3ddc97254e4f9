/* escort watch [--socket PATH | --broker HOST:PORT]: the escort's terminal console. Live
 * sessions, the screen of the one selected (through a terminal emulator,
 * see console/screen.h), and every pending approval with its explanation.
 * Keys: n/p select a session, TAB the next approval, a approve (this exec
 * once), T approve the tree it starts, S approve it for the session, P approve
 * a change to files and what its program changes under the same folder, d deny,
 * t terminate the selected session, l lock its operator, q quit; j/k or the
 * arrows scroll the approval shown a line, SPACE/b or PgDn/PgUp a page, J/K
 * the sessions list a line. Long lines are wrapped, never cut, in every pane
 * and the status line, and no pane takes more than its rows (console/pane.h):
 * the layout holds at 80x24 whatever the operator's strings are. A critical approval asks for the
 * program's name only once escortd has said it would take this escort's approval. */
#include "commands.h"
#include "console/client.h"
#include "console/pane.h"
#include "console/screen.h"
#include "console/show.h"
#include "console/wrap.h"
#include "proto/host-log.h"
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
#define STATUS_ROWS 4 /* the most the status line, wrapped, takes */

struct watch {
	struct console c;
	Frame *sessions, *pending; /* the latest lists */
	struct expect {
		uint64_t request_id;
		Escort__Verb verb;
		int check; /* an approval checked: the name is asked for when it may be given */
		uint64_t check_id;
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
	struct pane approval;	      /* the selected approval's text */
	uint64_t scrolled_id;	      /* the approval it was scrolled for */
	struct pane list;	      /* the sessions list */
	unsigned list_selected;	      /* the session the list was last moved to show */
	int key_escape;		      /* 1: after ESC, 2: after ESC [ (arrows, PgUp/PgDn) */
	char key_param;		      /* the digit of ESC [ 5 ~ and ESC [ 6 ~ */
	Escort__Scope checking_scope; /* of the approval being checked */
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
	w->expect[w->n_expect++] = (struct expect){id, q->verb, q->check_only, q->id};
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

static void start_prompt(struct watch *w, Escort__Verb verb, uint64_t id, const char *prompt);

static const Escort__PendingInfo *pending_by_id(const struct watch *w, uint64_t id)
{
	for (size_t i = 0; w->pending && i < w->pending->reply->n_pending; i++)
		if (w->pending->reply->pending[i]->id == id)
			return w->pending->reply->pending[i];
	return NULL;
}

/* escortd's word on a critical approval: the name is asked for only if it
 * would take it. */
static void take_check(struct watch *w, const Escort__ConsoleReply *r, uint64_t id)
{
	const Escort__PendingInfo *p = pending_by_id(w, id);
	char text[200];

	if (!r->ok || p == NULL) {
		snprintf(w->status, sizeof(w->status), "approve: %s",
			 r->ok ? "the approval is no longer pending" : r->error);
		return;
	}
	snprintf(text, sizeof(text),
		 "CRITICAL: type the program's name (%s) to approve %llu:", p->program,
		 (unsigned long long)id);
	w->scope = w->checking_scope;
	start_prompt(w, ESCORT__VERB__VERB_APPROVE, id, text);
}

static void take_reply(struct watch *w, Frame *f)
{
	Escort__Verb verb = ESCORT__VERB__VERB_UNSPECIFIED;

	for (unsigned i = 0; i < w->n_expect; i++)
		if (w->expect[i].request_id == f->reply->request_id) {
			verb = w->expect[i].verb;
			if (w->expect[i].check) {
				uint64_t id = w->expect[i].check_id;
				memmove(w->expect + i, w->expect + i + 1,
					(--w->n_expect - i) * sizeof(w->expect[0]));
				take_check(w, f->reply, id);
				frame_free(f);
				return;
			}
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

/* A session whose host has no signing key (or does not seal) says so under
 * its line. */
static void host_log_line(struct buf *b, const Escort__SessionInfo *s)
{
	char text[800];
	const char *warning = host_log_warning_text(s->host_log, text, sizeof(text));

	if (warning == NULL)
		return;
	buf_append_str(b, "    WARNING: ");
	show_visible(b, warning);
	buf_putc(b, '\n');
}

/* One session of the list, operator-controlled strings shown visibly. */
static void session_text(struct buf *b, const Escort__SessionInfo *s, int selected)
{
	buf_printf(b, "%s %s  ", selected ? ">" : " ", s->id);
	show_visible(b, s->operator_);
	buf_printf(b, "  %s  pending %llu  ", s->live ? "live" : "away",
		   (unsigned long long)s->pending);
	for (size_t k = 0; k < s->n_argv; k++) {
		if (k)
			buf_putc(b, ' ');
		show_visible(b, s->argv[k]);
	}
	buf_putc(b, '\n');
	host_log_line(b, s);
}

/* Every session, wrapped, in a quarter of the terminal: the list scrolls
 * (J/K) and moves to show the session selected. */
static void draw_sessions(struct watch *w, struct buf *out, unsigned *used)
{
	struct buf b = {0}, wrapped = {0};
	size_t n = w->sessions ? w->sessions->reply->n_sessions : 0, total = 0, from = 0, to = 0;
	unsigned room = w->rows / 4 > 2 ? w->rows / 4 : 2;

	pane_heading(out, "\x1b[1m", "SESSIONS  (n/p: select, J/K: scroll)", w->cols);
	(*used)++;
	for (size_t i = 0; i < n; i++) {
		buf_reset(&b);
		session_text(&b, w->sessions->reply->sessions[i], i == w->selected % n);
		from = i == w->selected % n ? total : from;
		total += wrap_text(buf_cstr(&b), w->cols - 1, &wrapped);
		to = i == w->selected % n ? total : to;
	}
	if (n > 0 && w->list_selected != w->selected % n) {
		pane_show(&w->list, from, to);
		w->list_selected = (unsigned)(w->selected % n);
	}
	if (n == 0)
		buf_append_str(&wrapped, "  (none)\n");
	*used += pane_window(&w->list, out, buf_cstr(&wrapped), n ? total : 1, room, w->cols,
			     "sessions, lines", "J/K scroll");
	buf_free(&b);
	buf_free(&wrapped);
}

/* Rows [0, upto) of the followed screen, each wrapped to width (blank
 * ends dropped); *cursor_end: the wrapped lines up to the cursor's row. */
static size_t screen_lines(const struct screen *sc, unsigned upto, unsigned cursor, unsigned width,
			   struct buf *wrapped, size_t *cursor_end)
{
	struct buf row = {0};
	size_t total = 0;

	*cursor_end = 0;
	for (unsigned r = 0; r < upto; r++) {
		buf_reset(&row);
		screen_row_text(sc, r, screen_cols(sc), &row);
		while (row.len > 0 && row.data[row.len - 1] == ' ')
			row.len--;
		buf_putc(&row, '\n');
		total += wrap_text(buf_cstr(&row), width, wrapped);
		if (r < cursor)
			*cursor_end = total;
	}
	buf_free(&row);
	return total;
}

/* The followed session's screen, its long rows wrapped: the first budget
 * lines, or the budget lines that end at the cursor's row when it is
 * further down. */
static void draw_screen(struct watch *w, struct buf *out, unsigned *used, unsigned budget)
{
	struct buf wrapped = {0}, l = {0};
	char title[160];
	unsigned rows = w->screen ? screen_rows(w->screen) : 0;
	unsigned cursor = w->screen ? screen_cursor_row(w->screen) + 1 : 0;
	size_t cursor_end = 0, total = 0, last, n = 0;

	snprintf(title, sizeof(title), "SCREEN of %s",
		 w->following[0] ? w->following : "(no session)");
	pane_heading(out, "\x1b[1m", title, w->cols);
	(*used)++;
	if (w->screen)
		total = screen_lines(w->screen, rows, cursor, w->cols > 4 ? w->cols - 3 : 1,
				     &wrapped, &cursor_end);
	last = cursor_end > budget ? cursor_end : (budget < total ? budget : total);
	for (const char *p = buf_cstr(&wrapped), *nl; (nl = strchr(p, '\n')); p = nl + 1, n++) {
		if (n + budget < last || n >= last)
			continue;
		buf_reset(&l);
		buf_append_str(&l, "| ");
		buf_append(&l, p, (size_t)(nl - p));
		pane_line(out, buf_cstr(&l), w->cols);
		(*used)++;
	}
	buf_free(&wrapped);
	buf_free(&l);
}

/* The selected approval, wrapped, in room rows; it scrolls. */
static void draw_pending_text(struct watch *w, struct buf *out, unsigned *used, unsigned room)
{
	const Escort__PendingInfo *p = selected_pending(w);
	struct buf text = {0}, wrapped = {0};
	size_t total;

	show_pending_text(&text, p, "\n");
	total = wrap_text(buf_cstr(&text), w->cols - 1, &wrapped);
	if (p->id != w->scrolled_id)
		w->approval.first = 0;
	w->scrolled_id = p->id;
	*used += pane_window(&w->approval, out, buf_cstr(&wrapped), total, room, w->cols, "lines",
			     "j/k or arrows scroll, SPACE/b a page");
	buf_free(&text);
	buf_free(&wrapped);
}

static void draw_pending(struct watch *w, struct buf *out, unsigned *used, unsigned bottom)
{
	size_t n = w->pending ? w->pending->reply->n_pending : 0;
	unsigned more = w->pending ? w->pending->reply->omitted : 0;
	char head[200];

	snprintf(head, sizeof(head),
		 "PENDING %zu%s  (TAB next, a once, T tree, S session, P folder, d deny)", n + more,
		 more ? " (the newest not listed yet)" : "");
	pane_heading(out, "\x1b[1m", head, w->cols);
	(*used)++;
	if (n == 0) {
		pane_line(out, "  nothing waits for approval", w->cols);
		(*used)++;
		return;
	}
	draw_pending_text(w, out, used, w->rows > *used + bottom ? w->rows - *used - bottom : 1);
}

/* The status line, or the line being typed, wrapped: at most STATUS_ROWS
 * rows (of a long line being typed, its end). Returns the rows. */
static unsigned status_rows(const struct watch *w, struct buf *wrapped)
{
	struct buf text = {0};
	size_t n, skip;
	const char *l;

	if (w->prompting)
		buf_printf(&text, "%s %s", w->prompt, w->input);
	else
		buf_append_str(&text, w->status);
	n = wrap_text(buf_cstr(&text), w->cols - 1, wrapped);
	buf_free(&text);
	skip = n > STATUS_ROWS && w->prompting ? n - STATUS_ROWS : 0;
	l = buf_cstr(wrapped);
	for (size_t i = 0; i < skip; i++)
		l = strchr(l, '\n') + 1;
	buf_consume(wrapped, (size_t)(l - buf_cstr(wrapped)));
	n -= skip;
	return n == 0 ? 1 : n > STATUS_ROWS ? STATUS_ROWS : (unsigned)n;
}

static void draw_status(const struct watch *w, struct buf *out, const char *wrapped, unsigned rows)
{
	for (unsigned i = 0; i < rows; i++) {
		const char *nl = strchr(wrapped, '\n');
		size_t len = nl ? (size_t)(nl - wrapped) : strlen(wrapped);
		buf_printf(out, "\x1b[%u;1H\x1b[K", w->rows - rows + 1 + i);
		buf_append(out, wrapped, len);
		wrapped += len + (nl != NULL);
	}
}

/* Rows for the session's screen: what is left once the approval has room. */
static unsigned screen_budget(const struct watch *w, unsigned used, unsigned bottom)
{
	unsigned avail = w->rows > used + bottom + 3 ? w->rows - used - bottom - 3 : 0;

	if (avail > 16)
		return avail - 16;
	return avail / 2 < 4 ? avail / 2 : 4;
}

static void draw(struct watch *w)
{
	struct buf out = {0}, status = {0};
	char head[200];
	unsigned used = 1, bottom;

	terminal_size(w);
	bottom = status_rows(w, &status);
	buf_append_str(&out, "\x1b[H");
	snprintf(head, sizeof(head),
		 " escort watch - %s   t: terminate  l: lock operator  q: quit ", w->c.account);
	pane_heading(&out, "\x1b[7m", head, w->cols);
	draw_sessions(w, &out, &used);
	draw_screen(w, &out, &used, screen_budget(w, used, bottom));
	draw_pending(w, &out, &used, bottom);
	buf_append_str(&out, "\x1b[J");
	draw_status(w, &out, buf_cstr(&status), bottom);
	(void)!write(STDOUT_FILENO, out.data, out.len);
	buf_free(&out);
	buf_free(&status);
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

/* Asks escortd whether this escort may approve id (take_check has the answer). */
static void check_approval(struct watch *w, uint64_t id)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;

	q.verb = ESCORT__VERB__VERB_APPROVE;
	q.id = id;
	q.check_only = 1;
	w->checking_scope = w->scope;
	w->scope = ESCORT__SCOPE__SCOPE_ONCE;
	snprintf(w->status, sizeof(w->status), "asking escortd whether you may approve %llu",
		 (unsigned long long)id);
	ask(w, &q);
}

static void scroll_by(struct pane *p, int lines)
{
	if (lines < 0)
		p->first = (unsigned)-lines > p->first ? 0 : p->first - (unsigned)-lines;
	else
		p->first += (unsigned)lines; /* drawing keeps it within the text */
}

/* ESC [ A/B (arrows) and ESC [ 5~/6~ (PgUp/PgDn). 1: k was part of one. */
static int escape_key(struct watch *w, unsigned char k)
{
	int page = w->approval.page > 1 ? (int)w->approval.page - 1 : 1;

	if (w->key_escape == 0 && k == 27) {
		w->key_escape = 1;
		return 1;
	}
	if (w->key_escape == 0)
		return 0;
	if (w->key_escape == 1) {
		w->key_escape = k == '[' ? 2 : 0;
		return 1;
	}
	if (k == '5' || k == '6') {
		w->key_param = (char)k;
		return 1;
	}
	if (k == 'A' || k == 'B')
		scroll_by(&w->approval, k == 'A' ? -1 : 1);
	else if (k == '~' && w->key_param)
		scroll_by(&w->approval, w->key_param == '5' ? -page : page);
	w->key_escape = 0;
	w->key_param = 0;
	return 1;
}

static int scroll_key(struct watch *w, unsigned char k)
{
	int page = w->approval.page > 1 ? (int)w->approval.page - 1 : 1;

	if (k == 'j' || k == 'k')
		scroll_by(&w->approval, k == 'k' ? -1 : 1);
	else if (k == ' ' || k == 'b')
		scroll_by(&w->approval, k == 'b' ? -page : page);
	else if (k == 'J' || k == 'K')
		scroll_by(&w->list, k == 'K' ? -1 : 1);
	else
		return 0;
	return 1;
}

static void key(struct watch *w, unsigned char k)
{
	const Escort__PendingInfo *p = selected_pending(w);
	const Escort__SessionInfo *s = selected_session(w);
	char text[200];

	if (w->prompting)
		return prompt_key(w, k);
	if (escape_key(w, k) || scroll_key(w, k))
		return;
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
			check_approval(w, p->id);
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

	if (console_read_ready(&w->c, &f, &err) < 0) {
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
		struct pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0},
					{console_poll_fd(&w->c), POLLIN, 0}};
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
				if (!console_buffered(&w->c))
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
	static const struct option options[] = {{"socket", required_argument, NULL, 'S'},
						{"broker", required_argument, NULL, 'B'},
						{"help", no_argument, NULL, 'h'},
						{0}};
	static struct watch w;
	struct console_where where = {0};
	struct termios raw;
	struct error err;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 'S')
			where.socket = optarg;
		else if (opt == 'B')
			where.broker = optarg;
		else {
			fputs("usage: escort watch [--socket PATH | --broker HOST:PORT]\n",
			      opt == 'h' ? stdout : stderr);
			return opt == 'h' ? EXIT_OK : EXIT_USAGE;
		}
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("escort watch: needs a terminal (use escort sessions/pending for scripts)\n",
		      stderr);
		return EXIT_USAGE;
	}
	if (console_connect(&w.c, &where, &err) < 0) {
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
