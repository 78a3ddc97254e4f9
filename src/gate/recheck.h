/* Before a held exec is let go (minutes after it was read): is it still the
 * one the escort approved? Another thread of the process can rewrite argv,
 * the path or the environment in memory, and the file or the script can be
 * replaced on disk meanwhile. */
#ifndef ESCORT_RECHECK_H
#define ESCORT_RECHECK_H

#include "program.h"
#include "request.h"

/* What differs between the exec that was held and the same exec read again
 * ("its arguments", "the script's text", ...), or NULL when nothing does. */
const char *exec_changed(const struct exec_request *was, const struct program *was_prog,
			 const struct exec_request *now, const struct program *now_prog);

#endif
