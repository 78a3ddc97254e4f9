/* escort's own files: a directory covers everything under it and nothing
 * beside it, a log covers its later segments, a file only itself; paths are
 * made absolute and resolved (links, "..") as far as they exist. */
#include "check.h"
#include "gate/own-files.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void check_kinds(void)
{
	struct own_files o = {0};

	CHECK(own_files_add(&o, "/nonexistent-escort/state", OWN_TREE) == 0);
	CHECK(own_files_add(&o, "/nonexistent-escort/logs/s.eslog", OWN_LOG) == 0);
	CHECK(own_files_add(&o, "/nonexistent-escort/keys/signing.key", OWN_FILE) == 0);
	CHECK(own_files_add(&o, NULL, OWN_FILE) == 0 && own_files_add(&o, "", OWN_FILE) == 0);
	CHECK(own_files_add(&o, "/", OWN_TREE) < 0); /* would be everything */
	CHECK(o.n == 3);
	CHECK(own_files_contains(&o, "/nonexistent-escort/state"));
	CHECK(own_files_contains(&o, "/nonexistent-escort/state/escortd.db"));
	CHECK(own_files_contains(&o, "/nonexistent-escort/state/logs/x/y.log"));
	CHECK(!own_files_contains(&o, "/nonexistent-escort/statement"));
	CHECK(!own_files_contains(&o, "/nonexistent-escort"));
	CHECK(own_files_contains(&o, "/nonexistent-escort/logs/s.eslog"));
	CHECK(own_files_contains(&o, "/nonexistent-escort/logs/s.eslog.1"));
	CHECK(own_files_contains(&o, "/nonexistent-escort/logs/s.eslog.12"));
	CHECK(!own_files_contains(&o, "/nonexistent-escort/logs/s.eslog."));
	CHECK(!own_files_contains(&o, "/nonexistent-escort/logs/s.eslog.bak"));
	CHECK(!own_files_contains(&o, "/nonexistent-escort/logs/other.eslog"));
	CHECK(own_files_contains(&o, "/nonexistent-escort/keys/signing.key"));
	CHECK(!own_files_contains(&o, "/nonexistent-escort/keys/signing.key2"));
	CHECK(!own_files_contains(&o, "/nonexistent-escort/keys/signing.pub"));
	CHECK(own_files_add(&o, "/nonexistent-escort/state", OWN_TREE) == 0 && o.n == 3);
	own_files_free(&o);
	CHECK(o.n == 0 && !own_files_contains(&o, "/nonexistent-escort/state"));
}

static void check_resolution(void)
{
	char dir[] = "/tmp/escort-test-own-XXXXXX", path[PATH_MAX], cwd[PATH_MAX];
	struct own_files o = {0};

	CHECK(mkdtemp(dir) != NULL && getcwd(cwd, sizeof(cwd)) != NULL);
	snprintf(path, sizeof(path), "%s/real", dir);
	CHECK(mkdir(path, 0700) == 0);
	snprintf(path, sizeof(path), "%s/link", dir);
	CHECK(symlink("real", path) == 0);
	/* Through a link, with "..", relative: what the kernel would reach. */
	snprintf(path, sizeof(path), "%s/link/../link/log", dir);
	CHECK(own_files_add(&o, path, OWN_LOG) == 0);
	CHECK(chdir(dir) == 0 && own_files_add(&o, "link/keys", OWN_TREE) == 0);
	snprintf(path, sizeof(path), "%s/real/log.3", dir);
	CHECK(own_files_contains(&o, path));
	snprintf(path, sizeof(path), "%s/real/keys/signing.key", dir);
	CHECK(own_files_contains(&o, path));
	snprintf(path, sizeof(path), "%s/link/log", dir); /* not resolved: not what is asked */
	CHECK(!own_files_contains(&o, path));
	CHECK(chdir(cwd) == 0);
	own_files_free(&o);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	CHECK(system(path) == 0);
}

static void check_defaults(void)
{
	struct own_files o = {0};

	own_files_add_defaults(&o);
	CHECK(own_files_contains(&o, ESCORT_KEYDIR "/signing.key"));
	CHECK(own_files_contains(&o, ESCORT_KEYDIR "/escortd.yaml"));
	CHECK(own_files_contains(&o, "/var/lib/escort/escortd.db"));
	CHECK(own_files_contains(&o, "/run/escort/escortd.sock"));
	CHECK(own_files_contains(&o, ESCORT_LOGDIR "/alice-20260101T000000Z-h-1.eslog"));
	CHECK(own_files_contains(&o, ESCORT_INDEX_PATH));
	CHECK(!own_files_contains(&o, "/etc/passwd"));
	CHECK(!own_files_contains(&o, "/var/lib/escortd"));
	own_files_free(&o);
}

int main(void)
{
	check_kinds();
	check_resolution();
	check_defaults();
	CHECK_DONE();
}
