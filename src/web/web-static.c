/* The front end's files (web/ in the source tree, copied by the build with
 * the npm packages it uses), read once when escortd starts: serving them
 * never touches the disk, and only names found then can be asked for. */
#include "web.h"

#include "util/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ESCORT_WEBDIR
#define ESCORT_WEBDIR "/usr/share/escort/web"
#endif
#define MAX_FILES 64
#define MAX_FILE_BYTES (4u << 20)
/* Where index.html takes its response's style nonce (a <meta> app.js reads). */
#define NONCE_MARK "ESCORT-STYLE-NONCE"

static const struct {
	const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
    {".wasm", "application/wasm"},	   {".mjs", "text/javascript; charset=utf-8"},
};

static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');

	for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

static int read_all(int dirfd, const char *name, struct buf *out, struct error *err)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    (size_t)st.st_size > MAX_FILE_BYTES) {
		if (fd >= 0)
			close(fd);
		return error_set(err, "the web console's file %s cannot be read", name);
	}
	buf_reserve(out, (size_t)st.st_size + 1);
	while ((n = read(fd, out->data + out->len, (size_t)st.st_size - out->len)) > 0)
		out->len += (size_t)n;
	close(fd);
	return n < 0 ? error_errno(err, "cannot read %s", name) : 0;
}

static int take(struct web *w, int dirfd, const char *name, struct error *err)
{
	struct web_file *f;

	if (type_of(name) == NULL || strlen(name) >= sizeof(f->name))
		return 0;
	if (w->n_files == MAX_FILES)
		return error_set(err, "the web console has more than %d files", MAX_FILES);
	f = &w->files[w->n_files];
	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->type = type_of(name);
	if (read_all(dirfd, name, &f->body, err) < 0)
		return -1;
	w->n_files++;
	return 0;
}

int web_static_load(struct web *w, struct error *err)
{
	const char *env = getenv("ESCORT_WEB");
	const char *dir = env && env[0] ? env : ESCORT_WEBDIR;
	DIR *d = opendir(dir);
	struct dirent *e;
	int rc = 0;

	if (d == NULL)
		return error_errno(err, "cannot open the web console's files in %s", dir);
	w->files = xcalloc(MAX_FILES, sizeof(*w->files));
	while (rc == 0 && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			rc = take(w, dirfd(d), e->d_name, err);
	closedir(d);
	return rc;
}

void web_static_free(struct web *w)
{
	for (size_t i = 0; i < w->n_files; i++)
		buf_free(&w->files[i].body);
	free(w->files);
	w->files = NULL;
	w->n_files = 0;
}

/* index.html with a nonce of its own in its body and in its CSP. */
static void serve_nonced(struct evhttp_request *req, const struct web_file *f)
{
	uint8_t raw[18];
	char nonce[32], csp[WEB_CSP_MAX];
	const char *mark = memmem(f->body.data, f->body.len, NONCE_MARK, strlen(NONCE_MARK));
	struct buf body = {0};

	if (mark == NULL)
		return web_send(req, 200, f->type, &f->body);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(nonce, sizeof(nonce), raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	web_csp_nonced(csp, sizeof(csp), nonce);
	buf_append(&body, f->body.data, (size_t)(mark - (const char *)f->body.data));
	buf_append_str(&body, nonce);
	mark += strlen(NONCE_MARK);
	buf_append(&body, mark, f->body.len - (size_t)(mark - (const char *)f->body.data));
	web_send_csp(req, 200, f->type, &body, csp);
	buf_free(&body);
}

void web_static_serve(struct web *w, struct evhttp_request *req, const char *name)
{
	for (size_t i = 0; i < w->n_files; i++) {
		if (strcmp(w->files[i].name, name) != 0)
			continue;
		if (strcmp(name, "index.html") == 0)
			return serve_nonced(req, &w->files[i]);
		return web_send_csp(req, 200, w->files[i].type, &w->files[i].body,
				    strcmp(name, "audit.html") == 0 ? web_csp_audit : NULL);
	}
	web_error(req, 404, "no such page");
}
