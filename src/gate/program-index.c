#include "program-index.h"

#include "util/unreadable.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ESCORT_INDEX_PATH
#define ESCORT_INDEX_PATH "/var/lib/escort/programs.index"
#endif

const char *program_index_default_path(void)
{
	const char *env = getenv("ESCORT_INDEX");

	return env && env[0] ? env : ESCORT_INDEX_PATH;
}

struct identity_index *program_index_open(const char *path, char *notice, size_t notice_size,
					  struct error *err)
{
	struct identity_index *idx;
	char reason[200];
	const char *why;

	if (path == NULL)
		path = program_index_default_path();
	why = unreadable_why(path, reason, sizeof(reason));
	if (why == NULL && identity_file_trusted(path))
		return identity_index_load(path, err);
	if (why == NULL)
		why = "can be changed by someone other than root";
	idx = identity_index_build(identity_system_dirs);
	if (notice)
		snprintf(notice, notice_size,
			 "the program index %s %s: this session built its own (run 'escort "
			 "index' as root to keep one)",
			 path, why);
	return idx;
}
