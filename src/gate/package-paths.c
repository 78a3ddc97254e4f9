#include "package-paths.h"

#include "util/grow.h"
#include "util/xmalloc.h"

#include <dirent.h>
#include <limits.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DPKG_INFO "/var/lib/dpkg/info"
#define DPKG_ALTERNATIVES "/var/lib/dpkg/alternatives"

struct package_paths {
	uint64_t *hashes; /* sorted */
	size_t n, cap;
	unsigned char key[crypto_shorthash_KEYBYTES];
	int merged_usr; /* /bin, /sbin, /lib... lead into /usr */
};

static uint64_t path_hash(const struct package_paths *p, const char *path)
{
	uint64_t h;

	crypto_shorthash((unsigned char *)&h, (const unsigned char *)path, strlen(path), p->key);
	return h;
}

static void add(struct package_paths *p, const char *path)
{
	p->hashes = grow_array_cap(p->hashes, &p->cap, p->n, sizeof(*p->hashes));
	p->hashes[p->n++] = path_hash(p, path);
}

/* "/bin/sh" in a list is "/usr/bin/sh" once /bin leads to /usr/bin. */
static void add_path(struct package_paths *p, const char *path)
{
	static const char *const merged[] = {"/bin/",	"/sbin/",   "/lib/", "/lib32/",
					     "/lib64/", "/libx32/", NULL};
	char usr[PATH_MAX];

	if (path[0] != '/')
		return;
	add(p, path);
	if (!p->merged_usr)
		return;
	for (size_t i = 0; merged[i]; i++)
		if (strncmp(path, merged[i], strlen(merged[i])) == 0 &&
		    snprintf(usr, sizeof(usr), "/usr%s", path) < (int)sizeof(usr))
			add(p, usr);
}

/* Every line of a .list file; of an alternatives file, the link paths
 * (those before the first empty line). */
static void read_paths(struct package_paths *p, const char *file, int stop_at_blank)
{
	char line[PATH_MAX + 2];
	FILE *f = fopen(file, "re");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (stop_at_blank && line[0] == '\0')
			break;
		add_path(p, line);
	}
	fclose(f);
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void read_dir(struct package_paths *p, const char *dir, const char *suffix,
		     int stop_at_blank)
{
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char file[PATH_MAX];
		if (de->d_name[0] == '.' || (suffix && !ends_with(de->d_name, suffix)))
			continue;
		if (snprintf(file, sizeof(file), "%s/%s", dir, de->d_name) < (int)sizeof(file))
			read_paths(p, file, stop_at_blank);
	}
	closedir(d);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static int is_merged_usr(void)
{
	char real[PATH_MAX];

	return realpath("/bin", real) != NULL && strcmp(real, "/usr/bin") == 0;
}

struct package_paths *package_paths_load(const char *infodir, const char *altdir)
{
	struct package_paths *p = xcalloc(1, sizeof(*p));

	if (sodium_init() < 0) /* idempotent; the key below needs randomness */
		return p;      /* an empty set: nothing trusted by path */
	crypto_shorthash_keygen(p->key);
	p->merged_usr = is_merged_usr();
	read_dir(p, infodir ? infodir : DPKG_INFO, ".list", 0);
	read_dir(p, altdir ? altdir : DPKG_ALTERNATIVES, NULL, 1);
	if (p->n > 0)
		qsort(p->hashes, p->n, sizeof(*p->hashes), cmp_u64);
	return p;
}

void package_paths_free(struct package_paths *p)
{
	if (p == NULL)
		return;
	free(p->hashes);
	free(p);
}

size_t package_paths_size(const struct package_paths *p)
{
	return p->n;
}

int package_paths_owns(const struct package_paths *p, const char *path)
{
	uint64_t h;

	if (p->n == 0 || path[0] != '/')
		return 0;
	h = path_hash(p, path);
	return bsearch(&h, p->hashes, p->n, sizeof(h), cmp_u64) != NULL;
}
