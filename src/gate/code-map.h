/* Code loaded into a running process: a file mapped with PROT_EXEC (how
 * dlopen, bash's `enable -f` and ctypes load a library) and memory made
 * executable afterwards with mprotect. The system's own files are allowed
 * (installed by the package manager where only root can change them, or with
 * the content of an indexed system program), and so is anonymous memory (what
 * a JIT makes executable); any other file is refused. The verdict is kept in
 * the gate's identity cache, per file: the libraries ld.so maps at every exec
 * cost a readlink and a stat. */
#ifndef ESCORT_CODE_MAP_H
#define ESCORT_CODE_MAP_H

#include "effect.h"
#include "identity-cache.h"

/* mmap (the descriptor in args[4]) or mprotect/pkey_mprotect (the range in
 * args[0] and args[1]); e->file names the file refused. */
enum effect_outcome code_map_judge(struct identity_cache *ids, struct identity_index *idx,
				   const struct seccomp_notif *n, struct effect *e);

#endif
