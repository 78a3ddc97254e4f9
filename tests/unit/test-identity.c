/* A renamed, copied, symlinked or hard-linked program is recognised by its
 * content; a script by its interpreter; the index survives a save and load. */
#include "check.h"
#include "gate/identity.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char dir[] = "/tmp/escort-test-identity-XXXXXX";

static void sh(const char *fmt, const char *a)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), fmt, a, a, a, a, a, a);
	CHECK(system(cmd) == 0);
}

int main(void)
{
	char bin[300], path[400], saved[400];
	const char *dirs[2] = {bin, NULL};
	struct identity_index *idx, *loaded;
	struct identity id;
	struct error err;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(bin, sizeof(bin), "%s/bin", dir);
	sh("mkdir %s/bin && cp /bin/ls %s/bin/ls && cp /bin/true %s/bin/true", dir);
	sh("cp /bin/ls %s/renamed && ln -s %s/bin/ls %s/link && ln %s/bin/ls %s/hard", dir);
	sh("printf '#!/bin/sh -e\\nrm -rf /x\\n' > %s/script.sh", dir);

	idx = identity_index_build(dirs);
	CHECK(idx != NULL && identity_index_size(idx) == 2);
	snprintf(path, sizeof(path), "%s/bin/ls", dir);
	for (int i = 0; i < 3; i++) {
		const char *names[] = {"renamed", "link", "hard"};
		char p[400];
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		CHECK(identity_of(idx, p, &id, &err) == 0);
		CHECK_STR(id.known_as, path);
		CHECK(id.kind == FILE_ELF);
	}
	/* Hashed again: the same answer. */
	CHECK(identity_of(idx, path, &id, &err) == 0);
	CHECK_STR(id.known_as, path);

	snprintf(path, sizeof(path), "%s/script.sh", dir);
	CHECK(identity_of(idx, path, &id, &err) == 0);
	CHECK(id.kind == FILE_SCRIPT && id.known_as[0] == '\0');
	CHECK_STR(id.interpreter, "/bin/sh -e");

	snprintf(path, sizeof(path), "%s/missing", dir);
	CHECK(identity_of(idx, path, &id, &err) < 0 && strstr(err.msg, "missing") != NULL);

	snprintf(saved, sizeof(saved), "%s/index", dir);
	CHECK(identity_index_save(idx, saved, &err) == 0);
	loaded = identity_index_load(saved, &err);
	CHECK(loaded != NULL && identity_index_size(loaded) == 2);
	snprintf(path, sizeof(path), "%s/renamed", dir);
	CHECK(identity_of(loaded, path, &id, &err) == 0 && strstr(id.known_as, "/bin/ls") != NULL);
	sh("echo 'not an index' > %s/index", dir);
	CHECK(identity_index_load(saved, &err) == NULL && strstr(err.msg, ":1:") != NULL);

	identity_index_free(idx);
	identity_index_free(loaded);
	sh("rm -rf %s", dir);
	CHECK_DONE();
}
