#include "sftp-watch.h"

#include "sftp-stream.h"
#include "sftp-track.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

#define FXF_WRITE 0x02
#define FXF_APPEND 0x04
#define FX_EOF 1

enum pending_kind { P_OPEN = 1, P_READ, P_WRITE, P_CLOSE };

struct open_file {
	int used;
	unsigned gen; /* a request names the file it was made for, not a later one */
	uint8_t handle[SFTP_HANDLE_MAX];
	size_t hlen;
	char *path;
	int path_cut;
	uint32_t pflags;
	struct sftp_track rd, wr;
};

/* A request the server has not answered yet. */
struct pending {
	uint32_t id;
	enum pending_kind kind;
	unsigned slot, gen;
	uint64_t offset; /* P_READ */
	char *path;	 /* P_OPEN */
	int path_cut;
	uint32_t pflags;
};

/* File data being passed on in one direction. */
struct flow {
	int on;
	unsigned slot, gen;
	int write;
	uint64_t at;
};

struct sftp_watch {
	struct sftp_stream client, server;
	struct flow client_data, server_data;
	char *dir;
	struct open_file files[SFTP_WATCH_FILES];
	struct pending pend[SFTP_WATCH_PENDING];
	size_t n_pend, not_followed;
	int lost;
	sftp_report_fn report;
	void *ctx;
};

static const char not_followed_why[] = "more requests in flight than escort follows";

/* files */

static struct open_file *find_file(struct sftp_watch *w, const uint8_t *h, size_t hlen)
{
	for (size_t i = 0; i < SFTP_WATCH_FILES; i++) {
		struct open_file *f = &w->files[i];
		if (f->used && f->hlen == hlen && memcmp(f->handle, h, hlen) == 0)
			return f;
	}
	return NULL;
}

static struct open_file *file_at(struct sftp_watch *w, unsigned slot, unsigned gen)
{
	struct open_file *f = &w->files[slot];

	return f->used && f->gen == gen ? f : NULL;
}

static void report_track(struct sftp_watch *w, struct open_file *f, int upload, int closed)
{
	struct sftp_file_report r = {.path_cut = f->path_cut, .upload = upload, .closed = closed};
	char *path = f->path[0] == '/' ? NULL : xasprintf("%s/%s", w->dir, f->path);

	r.path = path ? path : f->path;
	sftp_track_finish(upload ? &f->wr : &f->rd, &r);
	w->report(w->ctx, &r);
	free(path);
}

/* One report per direction the file was used in (opened and closed
 * untouched: the direction it was opened for). */
static void close_file(struct sftp_watch *w, struct open_file *f, int closed)
{
	int writing = (f->pflags & FXF_WRITE) != 0;

	if (f->wr.used || (writing && !f->rd.used))
		report_track(w, f, 1, closed);
	if (f->rd.used || !writing)
		report_track(w, f, 0, closed);
	sftp_track_free(&f->rd);
	sftp_track_free(&f->wr);
	free(f->path);
	f->path = NULL;
	f->used = 0;
}

static void add_file(struct sftp_watch *w, struct pending *p, const uint8_t *h, size_t hlen)
{
	struct open_file *f = find_file(w, h, hlen);

	if (f != NULL) { /* a handle given twice: the first file is over */
		sftp_track_break(&f->rd, "the server gave its handle to another file");
		sftp_track_break(&f->wr, "the server gave its handle to another file");
		close_file(w, f, 0);
	}
	for (size_t i = 0; i < SFTP_WATCH_FILES; i++) {
		f = &w->files[i];
		if (f->used)
			continue;
		*f = (struct open_file){.used = 1,
					.gen = f->gen + 1,
					.hlen = hlen,
					.path = p->path,
					.path_cut = p->path_cut,
					.pflags = p->pflags};
		memcpy(f->handle, h, hlen);
		p->path = NULL;
		return;
	}
	w->not_followed++;
}

/* requests in flight */

static void drop_pending(struct sftp_watch *w, struct pending *p, const char *why)
{
	struct open_file *f = p->kind == P_OPEN ? NULL : file_at(w, p->slot, p->gen);

	if (p->kind == P_OPEN)
		w->not_followed++;
	else if (f != NULL && p->kind == P_CLOSE)
		close_file(w, f, 1);
	else if (f != NULL)
		sftp_track_break(p->kind == P_READ ? &f->rd : &f->wr, why);
	free(p->path);
	*p = w->pend[--w->n_pend];
}

static struct pending *find_pending(struct sftp_watch *w, uint32_t id)
{
	for (size_t i = 0; i < w->n_pend; i++)
		if (w->pend[i].id == id)
			return &w->pend[i];
	return NULL;
}

/* Returns 0 when the table is full (p->path is the caller's then). */
static int add_pending(struct sftp_watch *w, const struct pending *p)
{
	struct pending *old = find_pending(w, p->id);

	if (old != NULL) /* an id in flight used again: the answer cannot be told apart */
		drop_pending(w, old, "a request id used twice at once");
	if (w->n_pend == SFTP_WATCH_PENDING)
		return 0;
	w->pend[w->n_pend++] = *p;
	return 1;
}

/* Removes the request id answers; *out is a copy (kind 0: none). */
static void take_pending(struct sftp_watch *w, uint32_t id, struct pending *out)
{
	struct pending *p = find_pending(w, id);

	memset(out, 0, sizeof(*out));
	if (p == NULL)
		return;
	*out = *p;
	*p = w->pend[--w->n_pend];
}

/* what the client asks */

static char *copy_path(const uint8_t *s, size_t len)
{
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (p[i] == '\0')
			p[i] = '?'; /* a NUL cannot be in a name: it would cut it */
	return p;
}

static void client_open(struct sftp_watch *w, struct sftp_fields *f, uint32_t id)
{
	size_t len;
	const uint8_t *name = sftp_field_string(f, &len);
	struct pending p = {.id = id, .kind = P_OPEN, .path_cut = f->cut};

	p.pflags = sftp_field_u32(f);
	if (f->bad && !f->cut)
		return; /* malformed: the server refuses it */
	p.path = copy_path(name, len);
	if (!add_pending(w, &p)) {
		free(p.path);
		w->not_followed++;
	}
}

static struct open_file *named_file(struct sftp_watch *w, struct sftp_fields *f)
{
	size_t hlen;
	const uint8_t *h = sftp_field_string(f, &hlen);

	return f->cut ? NULL : find_file(w, h, hlen);
}

static void client_read(struct sftp_watch *w, struct sftp_fields *f, uint32_t id)
{
	struct open_file *file = named_file(w, f);
	struct pending p = {.id = id, .kind = P_READ};

	p.offset = sftp_field_u64(f);
	if (file == NULL || f->bad)
		return;
	file->rd.used = 1;
	p.slot = (unsigned)(file - w->files);
	p.gen = file->gen;
	if (!add_pending(w, &p))
		sftp_track_break(&file->rd, not_followed_why);
}

static void client_write(struct sftp_watch *w, struct sftp_fields *f, uint32_t id)
{
	struct open_file *file = named_file(w, f);
	struct pending p = {.id = id, .kind = P_WRITE};
	uint64_t offset = sftp_field_u64(f);

	if (file == NULL)
		return;
	p.slot = (unsigned)(file - w->files);
	p.gen = file->gen;
	file->wr.used = 1;
	w->client_data = (struct flow){1, p.slot, p.gen, 1, offset};
	if (file->pflags & FXF_APPEND)
		sftp_track_break(&file->wr,
				 "opened for appending: where the data went is not known");
	if (!add_pending(w, &p))
		sftp_track_break(&file->wr, not_followed_why);
}

static void client_close(struct sftp_watch *w, struct sftp_fields *f, uint32_t id)
{
	struct open_file *file = named_file(w, f);
	struct pending p = {.id = id, .kind = P_CLOSE};

	if (file == NULL)
		return;
	p.slot = (unsigned)(file - w->files);
	p.gen = file->gen;
	if (!add_pending(w, &p))
		close_file(w, file, 1); /* the answer cannot be waited for */
}

static void on_client_packet(void *ctx, uint8_t type, const uint8_t *head, size_t len, int cut)
{
	struct sftp_watch *w = ctx;
	struct sftp_fields f = {.p = head, .len = len};
	uint32_t id = sftp_field_u32(&f);

	(void)cut;
	w->client_data.on = 0;
	if (type == SFTP_FXP_OPEN)
		client_open(w, &f, id);
	else if (type == SFTP_FXP_READ)
		client_read(w, &f, id);
	else if (type == SFTP_FXP_WRITE)
		client_write(w, &f, id);
	else if (type == SFTP_FXP_CLOSE)
		client_close(w, &f, id);
}

/* what the server answers */

static void server_handle(struct sftp_watch *w, struct sftp_fields *f, struct pending *p)
{
	size_t hlen;
	const uint8_t *h = sftp_field_string(f, &hlen);

	if (p->kind != P_OPEN)
		return;
	if (f->bad || hlen > SFTP_HANDLE_MAX)
		w->not_followed++;
	else
		add_file(w, p, h, hlen);
}

static void server_status(struct sftp_watch *w, struct sftp_fields *f, struct pending *p)
{
	uint32_t code = sftp_field_u32(f);
	struct open_file *file = p->kind == P_OPEN ? NULL : file_at(w, p->slot, p->gen);

	if (file == NULL)
		return;
	if (p->kind == P_CLOSE)
		close_file(w, file, 1);
	else if (p->kind == P_READ && code == FX_EOF && p->offset == file->rd.next)
		file->rd.eof = 1;
	else if (p->kind == P_WRITE && code != 0)
		sftp_track_break(&file->wr, "the server refused a write");
}

static void server_data(struct sftp_watch *w, const struct pending *p)
{
	struct open_file *file = p->kind == P_READ ? file_at(w, p->slot, p->gen) : NULL;

	if (file != NULL)
		w->server_data = (struct flow){1, p->slot, p->gen, 0, p->offset};
}

static void on_server_packet(void *ctx, uint8_t type, const uint8_t *head, size_t len, int cut)
{
	struct sftp_watch *w = ctx;
	struct sftp_fields f = {.p = head, .len = len};
	uint32_t id = sftp_field_u32(&f);
	struct pending p;

	(void)cut;
	w->server_data.on = 0;
	if (type != SFTP_FXP_HANDLE && type != SFTP_FXP_STATUS && type != SFTP_FXP_DATA)
		return;
	take_pending(w, id, &p);
	if (type == SFTP_FXP_HANDLE)
		server_handle(w, &f, &p);
	else if (type == SFTP_FXP_STATUS)
		server_status(w, &f, &p);
	else
		server_data(w, &p);
	free(p.path);
}

/* file data */

static void pass_data(struct sftp_watch *w, struct flow *fl, const uint8_t *data, size_t len)
{
	struct open_file *f = fl->on ? file_at(w, fl->slot, fl->gen) : NULL;

	if (f == NULL)
		return;
	sftp_track_add(fl->write ? &f->wr : &f->rd, fl->at, data, len);
	fl->at += len;
}

static void on_client_data(void *ctx, const uint8_t *data, size_t len)
{
	struct sftp_watch *w = ctx;

	pass_data(w, &w->client_data, data, len);
}

static void on_server_data(void *ctx, const uint8_t *data, size_t len)
{
	struct sftp_watch *w = ctx;

	pass_data(w, &w->server_data, data, len);
}

static void on_client_data_end(void *ctx)
{
	((struct sftp_watch *)ctx)->client_data.on = 0;
}

static void on_server_data_end(void *ctx)
{
	((struct sftp_watch *)ctx)->server_data.on = 0;
}

static const struct sftp_stream_ops client_ops = {on_client_packet, on_client_data,
						  on_client_data_end};
static const struct sftp_stream_ops server_ops = {on_server_packet, on_server_data,
						  on_server_data_end};

/* Once either way is not SFTP, no file open can be followed to its end. */
static void check_lost(struct sftp_watch *w)
{
	static const char why[] = "escort lost track of the SFTP stream";

	if (w->lost || (!sftp_stream_lost(&w->client) && !sftp_stream_lost(&w->server)))
		return;
	w->lost = 1;
	for (size_t i = 0; i < SFTP_WATCH_FILES; i++) {
		if (!w->files[i].used)
			continue;
		sftp_track_break(&w->files[i].rd, why);
		sftp_track_break(&w->files[i].wr, why);
	}
	w->not_followed++; /* at least: what came after is not seen */
}

struct sftp_watch *sftp_watch_new(const char *dir, sftp_report_fn report, void *ctx)
{
	struct sftp_watch *w = xcalloc(1, sizeof(*w));

	w->dir = xstrdup(dir);
	w->report = report;
	w->ctx = ctx;
	sftp_stream_init(&w->client, &client_ops, w);
	sftp_stream_init(&w->server, &server_ops, w);
	return w;
}

void sftp_watch_from_client(struct sftp_watch *w, const uint8_t *data, size_t len)
{
	sftp_stream_feed(&w->client, data, len);
	check_lost(w);
}

void sftp_watch_from_server(struct sftp_watch *w, const uint8_t *data, size_t len)
{
	sftp_stream_feed(&w->server, data, len);
	check_lost(w);
}

static void forget_pending(struct sftp_watch *w)
{
	for (size_t i = 0; i < w->n_pend; i++) {
		free(w->pend[i].path);
		w->pend[i].path = NULL;
	}
	w->n_pend = 0;
}

size_t sftp_watch_end(struct sftp_watch *w)
{
	for (size_t i = 0; i < SFTP_WATCH_FILES; i++)
		if (w->files[i].used)
			close_file(w, &w->files[i], 0);
	forget_pending(w);
	return w->not_followed;
}

void sftp_watch_free(struct sftp_watch *w)
{
	if (w == NULL)
		return;
	for (size_t i = 0; i < SFTP_WATCH_FILES; i++) {
		sftp_track_free(&w->files[i].rd);
		sftp_track_free(&w->files[i].wr);
		free(w->files[i].path);
	}
	forget_pending(w);
	free(w->dir);
	free(w);
}
