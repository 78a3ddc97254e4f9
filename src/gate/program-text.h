/* The text an exec runs besides its program, which the escort is shown and
 * an approval binds: a #! script, the file an interpreter is given
 * (`python3 x.py`, `bash x.sh`, `perl x.pl`, ...) and the Makefile `make`
 * reads (-f FILE, or GNUmakefile, makefile, Makefile in its directory).
 * The first SCRIPT_SHOWN bytes are kept as text; the whole file is hashed. */
#ifndef ESCORT_PROGRAM_TEXT_H
#define ESCORT_PROGRAM_TEXT_H

#include "identity-cache.h"
#include "program.h"
#include "request.h"

/* Fills p's script_* fields from the file at target (a path through
 * /proc/PID/..., or the gate's own descriptor) whose identity is id. */
void program_text_of(struct program *p, const char *target, const char *real,
		     const struct identity *id);

/* When p (already identified) is an interpreter given a file, or make: the
 * file it will read, seen as the process sees it, fills p's script_*
 * fields. Nothing changes when there is no such file. */
void program_text_find(struct identity_cache *ids, struct identity_index *idx,
		       const struct exec_request *req, struct program *p);

#endif
