/* The package manager's paths: every line of dpkg's .list files, the links
 * of update-alternatives (not the alternatives they choose between), the
 * merged-/usr names; and the identity cache hashes a file again once its
 * ctime moves, whatever its mtime says. */
#include "check.h"
#include "gate/identity-cache.h"
#include "gate/package-paths.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/escort-test-pkgpaths-XXXXXX";

static void sh(const char *fmt)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), fmt, dir, dir, dir, dir, dir, dir);
	CHECK(system(cmd) == 0);
}

static void check_paths(void)
{
	char info[300], alt[300], real[PATH_MAX];
	struct package_paths *p;
	int merged = realpath("/bin", real) && strcmp(real, "/usr/bin") == 0;

	sh("mkdir %s/info %s/alt && printf '/.\\n/bin\\n/bin/tool\\n/usr/lib/x/helper\\n' > "
	   "%s/info/pkg.list && echo /usr/bin/nope > %s/info/pkg.md5sums && "
	   "printf 'auto\\n/usr/bin/pick\\npick.1.gz\\n/usr/share/man/man1/pick.1.gz\\n\\n"
	   "/usr/bin/pick.one\\n10\\n' > %s/alt/pick");
	snprintf(info, sizeof(info), "%s/info", dir);
	snprintf(alt, sizeof(alt), "%s/alt", dir);
	p = package_paths_load(info, alt);
	CHECK(package_paths_owns(p, "/bin/tool"));
	CHECK(package_paths_owns(p, "/usr/lib/x/helper"));
	CHECK(package_paths_owns(p, "/usr/bin/pick"));
	CHECK(package_paths_owns(p, "/usr/share/man/man1/pick.1.gz"));
	CHECK(!package_paths_owns(p, "/usr/bin/pick.one")); /* a choice, not the link */
	CHECK(!package_paths_owns(p, "/usr/bin/nope"));	    /* not a .list file */
	CHECK(!package_paths_owns(p, "/srv/x/tool"));
	CHECK(package_paths_owns(p, "/usr/bin/tool") == merged);
	package_paths_free(p);
}

static void check_cache(void)
{
	struct identity_cache *c = identity_cache_new();
	struct identity_index *idx;
	struct identity a, b;
	struct error err;
	char path[300];
	const char *none[] = {NULL};
	unsigned long hashed, hits;

	idx = identity_index_build(none);
	snprintf(path, sizeof(path), "%s/prog", dir);
	sh("printf 'AAAA' > %s/prog && touch -d @1000000000 %s/prog");
	sleep(2); /* only a settled ctime is kept */
	CHECK(identity_cache_get(c, idx, path, &a, NULL, &err) == 0);
	CHECK(identity_cache_get(c, idx, path, &a, NULL, &err) == 0);
	identity_cache_counts(c, &hashed, &hits);
	CHECK(hashed == 1 && hits == 1);
	/* Same size, same mtime, other content: the ctime moved. */
	sh("printf 'BBBB' | dd of=%s/prog conv=notrunc status=none && touch -d @1000000000 "
	   "%s/prog");
	CHECK(identity_cache_get(c, idx, path, &b, NULL, &err) == 0);
	CHECK(a.mtime.tv_sec == b.mtime.tv_sec && a.size == b.size);
	CHECK(memcmp(a.sha256, b.sha256, sizeof(a.sha256)) != 0);
	identity_cache_counts(c, &hashed, &hits);
	CHECK(hashed == 2);
	identity_cache_free(c);
	identity_index_free(idx);
}

int main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	check_paths();
	check_cache();
	sh("rm -rf %s");
	CHECK_DONE();
}
