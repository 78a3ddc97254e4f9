/* The rights of the threads that change files, kept between their calls:
 * reading /proc/TID/status for every change was a third of the gate's time
 * on a tar or rm of thousands of files. A thread's rights change only
 * through its own system calls (the setuid family, setgroups, capset, exec,
 * a new user namespace) and its process's umask through umask(2): the filter
 * traps each of those (creds-calls), and any trapped call other than a
 * change to files forgets everything kept. A thread that ended is noticed
 * through a pidfd, so a reused thread ID never inherits another's rights. */
#ifndef ESCORT_CREDS_CACHE_H
#define ESCORT_CREDS_CACHE_H

#include "caller-creds.h"

struct creds_cache;

struct creds_cache *creds_cache_new(void);
void creds_cache_free(struct creds_cache *cc);
/* tid's rights, kept or read now; -1 when the thread is gone. */
int creds_cache_get(struct creds_cache *cc, pid_t tid, struct creds *out);
/* Something may have changed some thread's rights: read them again. */
void creds_cache_forget(struct creds_cache *cc);
/* The system calls that change a thread's rights or its process's umask,
 * trapped only so that the cache forgets (answered at once). */
extern const char *const creds_calls[];
extern const size_t creds_calls_count;
int creds_call_is(int nr);

#endif
