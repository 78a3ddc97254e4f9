/* The session hosts' verifier keys escortd knows (host_keys: a directory of
 * their signing.pub files): a host that signs its own log with another key
 * is said, and refused by host_signing: required. */
#include "config.h"

#include "log/keys.h"
#include "util/xmalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HOST_KEYS_MAX 4096

static int is_pub(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 4 && strcmp(name + n - 4, ".pub") == 0;
}

/* One file of the directory: a public signing key, kept as its vkey. */
static int load_one(struct broker_config *c, const char *name, struct error *err)
{
	char path[2 * PATH_MAX], vkey[300];
	struct signing_key k;
	struct stat st;
	struct error why;

	snprintf(path, sizeof(path), "%s/%s", c->host_keys, name);
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0; /* not a file: not a key */
	if (signing_key_load(&k, path, &why) < 0)
		return error_set(err, "%s:%d: host_keys: %s", c->source, c->host_keys_line,
				 why.msg);
	if (k.has_secret) {
		sodium_memzero(&k, sizeof(k));
		return error_set(err,
				 "%s:%d: host_keys: %s is a secret key: give escortd the host's "
				 "signing.pub",
				 c->source, c->host_keys_line, path);
	}
	if (c->n_host_vkeys == HOST_KEYS_MAX)
		return error_set(err, "%s:%d: host_keys: more than %d keys in %s", c->source,
				 c->host_keys_line, HOST_KEYS_MAX, c->host_keys);
	signing_key_vkey(&k, vkey, sizeof(vkey));
	c->host_vkeys = xreallocarray(c->host_vkeys, c->n_host_vkeys + 1, sizeof(char *));
	c->host_vkeys[c->n_host_vkeys++] = xstrdup(vkey);
	return 0;
}

static int load_all(struct broker_config *c, DIR *d, struct error *err)
{
	struct dirent *e;

	while ((e = readdir(d)) != NULL)
		if (is_pub(e->d_name) && load_one(c, e->d_name, err) < 0)
			return -1;
	if (c->n_host_vkeys == 0)
		return error_set(err, "%s:%d: host_keys: %s holds no *.pub key", c->source,
				 c->host_keys_line, c->host_keys);
	return 0;
}

int host_keys_load(struct broker_config *c, struct error *err)
{
	struct error why;
	DIR *d;
	int rc;

	host_keys_free(c);
	if (c->host_keys[0] == '\0')
		return 0;
	if (keys_init(&why) < 0)
		return error_set(err, "%s", why.msg);
	d = opendir(c->host_keys);
	if (d == NULL)
		return error_set(err, "%s:%d: host_keys: cannot read the directory %s: %s",
				 c->source, c->host_keys_line, c->host_keys, strerror(errno));
	rc = load_all(c, d, err);
	closedir(d);
	if (rc < 0)
		host_keys_free(c);
	return rc;
}

void host_keys_free(struct broker_config *c)
{
	for (size_t i = 0; i < c->n_host_vkeys; i++)
		free(c->host_vkeys[i]);
	free(c->host_vkeys);
	c->host_vkeys = NULL;
	c->n_host_vkeys = 0;
}

int host_keys_known(const struct broker_config *c, const char *vkey)
{
	if (c->host_keys[0] == '\0')
		return 1;
	for (size_t i = 0; i < c->n_host_vkeys; i++)
		if (strcmp(c->host_vkeys[i], vkey) == 0)
			return 1;
	return 0;
}
