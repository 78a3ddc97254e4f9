/* The second factor: TOTP (RFC 6238, 30-second steps, six digits) with
 * liboath. Each person's secret is in STATE/web/totp/ACCOUNT (0600, base32),
 * written only once their first code proves their authenticator has it. */
#include "web.h"

#include <errno.h>
#include <fcntl.h>
#include <liboath/oath.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STEP_S 30
#define WINDOW 1 /* a code of the step before or after is accepted too */

static int secret_path(const struct web *w, const char *user, char *out, size_t size)
{
	if (user[0] == '\0' || user[0] == '.' ||
	    strspn(user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
		strlen(user))
		return -1;
	snprintf(out, size, "%s/totp/%s", w->dir, user);
	return 0;
}

int web_totp_enrolled(const struct web *w, const char *user, uint8_t secret[20])
{
	char path[PATH_MAX], text[64] = "";
	char *raw = NULL;
	size_t len = 0;
	FILE *f;

	if (secret_path(w, user, path, sizeof(path)) < 0 || (f = fopen(path, "re")) == NULL)
		return 0;
	if (fgets(text, sizeof(text), f) == NULL)
		text[0] = '\0';
	fclose(f);
	text[strcspn(text, "\n")] = '\0';
	if (oath_base32_decode(text, strlen(text), &raw, &len) != OATH_OK || len != 20) {
		free(raw);
		return 0;
	}
	memcpy(secret, raw, 20);
	sodium_memzero(raw, len);
	free(raw);
	return 1;
}

int web_totp_save(const struct web *w, const char *user, const uint8_t secret[20],
		  struct error *err)
{
	char path[PATH_MAX], *b32 = NULL;
	size_t len = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/totp", w->dir);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return error_errno(err, "cannot create %s", path);
	if (secret_path(w, user, path, sizeof(path)) < 0)
		return error_set(err, "%s cannot be a file name", user);
	if (oath_base32_encode((const char *)secret, 20, &b32, &len) != OATH_OK)
		return error_set(err, "cannot encode a TOTP secret");
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	int ok = fd >= 0 && write(fd, b32, len) == (ssize_t)len && write(fd, "\n", 1) == 1;
	ok = (fd < 0 || close(fd) == 0) && ok;
	free(b32);
	return ok ? 0 : error_errno(err, "cannot write %s", path);
}

void web_totp_new_secret(uint8_t secret[20])
{
	randombytes_buf(secret, 20);
}

/* The last time step each account's code was accepted for: a code (or an
 * older one) is never accepted twice, so one seen over a shoulder or in a
 * proxy's log is worth nothing once used. */
struct used_step {
	char user[64];
	long long step;
	struct used_step *next;
};
static struct used_step *used;

static struct used_step *used_of(const char *user)
{
	struct used_step *u;

	for (u = used; u; u = u->next)
		if (strcmp(u->user, user) == 0)
			return u;
	u = calloc(1, sizeof(*u));
	if (u == NULL)
		abort();
	snprintf(u->user, sizeof(u->user), "%s", user);
	u->step = -1;
	u->next = used;
	used = u;
	return u;
}

int web_totp_check(const char *user, const uint8_t secret[20], const char *code)
{
	time_t now = time(NULL);
	struct used_step *u;
	int pos = 0;
	long long step;

	if (strlen(code) != 6 || strspn(code, "0123456789") != 6)
		return 0;
	if (oath_totp_validate2((const char *)secret, 20, now, STEP_S, 0, WINDOW, &pos, code) < 0)
		return 0;
	step = (long long)(now / STEP_S) + pos;
	u = used_of(user);
	if (step <= u->step)
		return 0;
	u->step = step;
	return 1;
}

/* otpauth://totp/escort:ACCOUNT?secret=...&issuer=escort (Key Uri Format). */
void web_totp_uri(const char *user, const uint8_t secret[20], struct buf *out)
{
	char *b32 = NULL;
	size_t len = 0;

	if (oath_base32_encode((const char *)secret, 20, &b32, &len) != OATH_OK)
		return;
	buf_printf(out, "otpauth://totp/escort:%s?secret=%.*s&issuer=escort&digits=6&period=%d",
		   user, (int)len, b32, STEP_S);
	free(b32);
}

int web_totp_init(struct error *err)
{
	return oath_init() == OATH_OK ? 0 : error_set(err, "liboath does not start");
}
