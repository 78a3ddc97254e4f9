/* Where the host's private key lives in memory: OpenSSL's secure heap
 * (private keys are allocated there once it exists), never dumped into a
 * core and wiped in every forked child (MADV_WIPEONFORK). The session's
 * child becomes dumpable before its exec (spawn.c): without the wipe, the
 * operator could read the key from it in that moment. */
#ifndef ESCORT_TLS_KEY_MEMORY_H
#define ESCORT_TLS_KEY_MEMORY_H

#include "util/error.h"

/* Before the key is loaded; 0, or -1 with err (the key must not be loaded). */
int key_memory_init(struct error *err);

#endif
