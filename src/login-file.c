#include "login-file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The folder, made (0700) along the way when make is set. */
static int folder(char *out, size_t size, int make, struct error *err)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char base[PATH_MAX / 2 - 16];

	if ((xdg && strlen(xdg) > 1000) || (home && strlen(home) > 1000))
		return error_set(err, "$XDG_CONFIG_HOME or $HOME is too long");
	if (xdg && xdg[0] == '/')
		snprintf(base, sizeof(base), "%s/escort", xdg);
	else if (home && home[0] == '/')
		snprintf(base, sizeof(base), "%s/.config/escort", home);
	else
		return error_set(err, "neither $XDG_CONFIG_HOME nor $HOME is an absolute path");
	snprintf(out, size, "%s/brokers", base);
	if (!make)
		return 0;
	*strrchr(base, '/') = '\0';
	mkdir(base, 0700); /* ~/.config: may be there already */
	snprintf(base + strlen(base), sizeof(base) - strlen(base), "/escort");
	if ((mkdir(base, 0700) < 0 && errno != EEXIST) || (mkdir(out, 0700) < 0 && errno != EEXIST))
		return error_errno(err, "cannot make %s", out);
	return 0;
}

/* HOST:PORT as a file name: what is not a letter, digit, '.', '-', ':',
 * '[' or ']' becomes '_'. */
static int path_of(const char *broker, char *out, size_t size, int make, struct error *err)
{
	char dir[PATH_MAX / 2 + 16];
	size_t n = strlen(broker);

	if (n == 0 || n > 255)
		return error_set(err, "'%s' is not HOST:PORT", broker);
	if (folder(dir, sizeof(dir), make, err) < 0)
		return -1;
	snprintf(out, size, "%s/%s", dir, broker);
	for (char *p = out + strlen(dir) + 1; *p; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]",
			   *p) == NULL)
			*p = '_';
	return 0;
}

static int field(const char *line, const char *key, char *out, size_t size)
{
	size_t k = strlen(key);
	size_t n;

	if (strncmp(line, key, k) != 0 || line[k] != ' ')
		return 0;
	n = strcspn(line + k + 1, "\n");
	if (n >= size)
		return -1;
	memcpy(out, line + k + 1, n);
	out[n] = '\0';
	return 1;
}

static int parse(FILE *in, struct login_file *f)
{
	char line[512], expires[32] = "";
	int bad = 0;

	while (fgets(line, sizeof(line), in)) {
		bad |= field(line, "broker", f->broker, sizeof(f->broker)) < 0;
		bad |= field(line, "pin", f->pin, sizeof(f->pin)) < 0;
		bad |= field(line, "account", f->account, sizeof(f->account)) < 0;
		bad |= field(line, "credential", f->credential, sizeof(f->credential)) < 0;
		bad |= field(line, "expires", expires, sizeof(expires)) < 0;
	}
	f->expires = strtoll(expires, NULL, 10);
	OPENSSL_cleanse(line, sizeof(line));
	return bad || !f->pin[0] || !f->account[0] || !f->credential[0] ? -1 : 0;
}

int login_file_load(const char *broker, struct login_file *out, struct error *err)
{
	char path[PATH_MAX];
	struct stat st;
	FILE *in;
	int rc;

	memset(out, 0, sizeof(*out));
	if (path_of(broker, path, sizeof(path), 0, err) < 0)
		return -1;
	if ((in = fopen(path, "re")) == NULL)
		return error_set(err, "not logged in to %s: escort login --broker %s", broker,
				 broker);
	if (fstat(fileno(in), &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077)) {
		fclose(in);
		return error_set(err, "%s is not yours alone (owner and mode 0600): not used",
				 path);
	}
	rc = parse(in, out);
	fclose(in);
	if (rc < 0)
		return error_set(err, "%s is not what escort login writes: log in again", path);
	return 0;
}

int login_file_save(const struct login_file *f, struct error *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *out;
	int fd;

	if (path_of(f->broker, path, sizeof(path), 1, err) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0 ||
	    (out = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			close(fd);
		return error_errno(err, "cannot write %s", tmp);
	}
	fprintf(out, "broker %s\npin %s\naccount %s\nexpires %lld\ncredential %s\n", f->broker,
		f->pin, f->account, (long long)f->expires, f->credential);
	if (fclose(out) != 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return error_errno(err, "cannot write %s", path);
	}
	return 0;
}

int login_file_remove(const char *broker, struct error *err)
{
	char path[PATH_MAX];

	if (path_of(broker, path, sizeof(path), 0, err) < 0)
		return -1;
	if (unlink(path) < 0 && errno != ENOENT)
		return error_errno(err, "cannot remove %s", path);
	return 0;
}
