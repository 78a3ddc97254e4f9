/* Another account's files in the folders rated as scratch (/tmp, /var/tmp,
 * /dev/shm, /run/lock, the home): a privileged process of the session can
 * change them although their owner never shared them. */
#ifndef ESCORT_GATE_OTHERS_FILES_H
#define ESCORT_GATE_OTHERS_FILES_H

#include "caller-creds.h"
#include "change.h"
#include "risk/risk.h"

/* Adds a medium finding to r when who passes over the permissions (root,
 * CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER or
 * CAP_SYS_ADMIN) to change w (one of c's names) and what w is (or, for a new name, the folder it
 * goes into, unless that folder is shared with everyone like /tmp) belongs to neither who nor
 * account, the session's own account. */
void others_files_rate(const struct change *c, const struct walked *w, const struct creds *who,
		       uid_t account, struct risk_report *r);

/* Whether who passes over the permissions to reach sock, a socket file of
 * another account than who's and account in a folder (dir) its owner keeps
 * private (not open to others): an ssh-agent's in /tmp/ssh-*, a session
 * bus in /run/user/UID. Using it acts as that account. */
int others_private_socket(const struct stat *sock, const struct stat *dir, const struct creds *who,
			  uid_t account);

#endif
