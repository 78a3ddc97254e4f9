/* escortd's commands on its state directory (the fleet): `escortd token`
 * makes a join token for a host, `escortd revoke-host` revokes a host and
 * tells the running escortd to cut it off. */
#ifndef ESCORT_ESCORTD_ADMIN_H
#define ESCORT_ESCORTD_ADMIN_H

int escortd_token(int argc, char **argv);
int escortd_revoke_host(int argc, char **argv);

#endif
