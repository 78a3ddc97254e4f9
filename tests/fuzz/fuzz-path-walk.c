/* The path walk (src/gate/path-walk.c) on hostile paths: a small tree of
 * folders and links (loops, absolute and relative, dangling, through /proc)
 * is made once; every input is a path walked from the tree's root and from a
 * folder inside it, following or not. The walk must end, stay inside its
 * root, and report an absolute path or an error. The rules about changes
 * then rate what it resolved. */
#include "gate/path-walk.h"
#include "risk/risk.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int root = -1, inner = -1;
static char base[64];
static struct risk_engine *engine;

static void make_tree(void)
{
	char p[128];
	static const char *const links[][2] = {
	    {"loop", "loop"},
	    {"a/up", ".."},
	    {"abs", "/a/b"},
	    {"dangling", "nowhere/x"},
	    {"a/b/self", "/proc/self"},
	    {"a/b/cycle", "../../a/b/cycle"},
	    {"escape", "../../../../etc"},
	    {"a/fd", "/proc/self/fd/0"},
	};

	snprintf(base, sizeof(base), "/tmp/escort-fuzz-walk-%d", (int)getpid());
	snprintf(p, sizeof(p), "%s/a/b/c", base);
	for (char *s = p + strlen(base) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(base, 0755);
	mkdir(p, 0755);
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", base, links[i][0]);
		(void)!symlink(links[i][1], p);
	}
	snprintf(p, sizeof(p), "%s/a/b/file", base);
	close(open(p, O_CREAT | O_WRONLY, 0644));
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

static void remove_tree(void)
{
	nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char p[128];
	struct error err;

	(void)argc;
	(void)argv;
	make_tree();
	atexit(remove_tree);
	root = open(base, O_PATH | O_DIRECTORY);
	snprintf(p, sizeof(p), "%s/a/b", base);
	inner = open(p, O_PATH | O_DIRECTORY);
	engine = risk_engine_new(FUZZ_RULES_DIR, RISK_NO_WHATIS, &err);
	return root < 0 || inner < 0 || engine == NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[PATH_MAX];
	struct walked w;
	struct risk_report r;

	if (size < 1 || size >= sizeof(path))
		return 0;
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	for (int from = 0; from < 2; from++) {
		int rc = path_walk_from(root, from ? inner : root, from ? "/a/b" : "/", path,
					(enum walk_follow)(data[0] & 1), getpid(), getpid(), &w);
		if (rc == 0) {
			if (w.path[0] != '/' && !w.magic)
				abort(); /* a path outside the tree's view */
			if (risk_rate_change(engine, "write", w.path, NULL, data[0] & 2, &r) == 0)
				risk_report_free(&r);
		}
		walked_close(&w);
	}
	return 0;
}
