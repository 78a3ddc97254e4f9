/* The index of the system's programs a session identifies copies against:
 * built once by root (`escort index`) and kept, or built in memory when
 * there is none that can be trusted. */
#ifndef ESCORT_PROGRAM_INDEX_H
#define ESCORT_PROGRAM_INDEX_H

#include "identity.h"

/* path: NULL for ESCORT_INDEX or the installed default. A file that anyone
 * but root could have written is not used. notice (may be NULL) receives a
 * line for the operator when the index had to be built. */
struct identity_index *program_index_open(const char *path, char *notice, size_t notice_size,
					  struct error *err);
const char *program_index_default_path(void);

#endif
