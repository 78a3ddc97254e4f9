#include "console-remote.h"

#include "login-file.h"
#include "tls/contexts.h"
#include "util/xmalloc.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int link_write(void *link, const Frame *f, struct error *err)
{
	return tls_frame_write(link, f, err);
}

static int link_read(void *link, Frame **out, struct error *err)
{
	return tls_frame_read(link, out, err);
}

static void link_close(void *link)
{
	tls_link_close(link);
	free(link);
}

static int link_fd(const void *link)
{
	return ((const struct tls_link *)link)->fd;
}

/* A frame's bytes read, or decrypted and not read yet. */
static int link_buffered(const void *link)
{
	const struct tls_link *l = link;

	return l->in.len > 0 || SSL_pending(l->ssl) > 0;
}

static const struct console_transport tls_transport = {link_write, link_read, link_close, link_fd,
						       link_buffered};

int remote_link_open(const char *broker, const char *pin, struct tls_link *link, struct error *err)
{
	SSL_CTX *ctx = tls_enroll_ctx(err);
	int rc;

	if (ctx == NULL)
		return -1;
	rc = tls_dial(ctx, broker, pin, REMOTE_TIMEOUT_S, link, err);
	SSL_CTX_free(ctx); /* the link's SSL holds its own reference */
	return rc;
}

int console_remote_dial(struct console *c, const char *broker, struct error *err)
{
	struct login_file f;
	struct tls_link *link;
	int rc;

	if (login_file_load(broker, &f, err) < 0)
		return -1;
	if (f.expires <= (int64_t)time(NULL))
		return error_set(err,
				 "the login to %s (as %s) has expired: escort login --broker %s",
				 broker, f.account, broker);
	link = xcalloc(1, sizeof(*link));
	if (remote_link_open(broker, f.pin, link, err) < 0) {
		free(link);
		return -1;
	}
	rc = console_open_on(c, &tls_transport, link, f.credential, err);
	OPENSSL_cleanse(f.credential, sizeof(f.credential));
	return rc;
}
