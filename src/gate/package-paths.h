/* The paths the package manager installed: every file and link dpkg lists
 * (the .list files in /var/lib/dpkg/info) and the links update-alternatives manages
 * (the files in /var/lib/dpkg/alternatives). Read once, then kept as keyed 64-bit
 * hashes in a sorted array: a lookup reads no file. On a merged-/usr system
 * "/bin/sh" in a list also names "/usr/bin/sh". */
#ifndef ESCORT_PACKAGE_PATHS_H
#define ESCORT_PACKAGE_PATHS_H

#include <stddef.h>

struct package_paths;

/* infodir, altdir: NULL for dpkg's own. Missing directories give an empty set. */
struct package_paths *package_paths_load(const char *infodir, const char *altdir);
void package_paths_free(struct package_paths *p);
size_t package_paths_size(const struct package_paths *p);

/* Whether path (absolute, as resolved) is one the package manager installed. */
int package_paths_owns(const struct package_paths *p, const char *path);

#endif
