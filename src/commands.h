/* The subcommands, one file each (cmd-NAME.c). Each returns escort's exit status. */
#ifndef ESCORT_COMMANDS_H
#define ESCORT_COMMANDS_H

#include "util/exit-status.h"

int cmd_run(int argc, char **argv);
/* escort started as a login shell: "-escort", or "escort -c STRING" from sshd. */
int cmd_login_shell(const char *shell_string);
int cmd_export(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_recover(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_index(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_sessions(int argc, char **argv);
int cmd_pending(int argc, char **argv);
int cmd_approve(int argc, char **argv);
int cmd_deny(int argc, char **argv);
int cmd_terminate(int argc, char **argv);
int cmd_lock(int argc, char **argv);
int cmd_unlock(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_enroll(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_logout(int argc, char **argv);

#endif
