/* escort may be installed set-group-id to the group that may read the
 * host's key (docs/CONFIG.md, "The fleet"), so that the operators' accounts
 * need not: a session host reads the host's files into memory with that
 * group, then gives it up for good; every other command gives it up before
 * anything. The process stays non-dumpable: the operator's account cannot
 * attach to it, read its memory or have it dump core. */
#ifndef ESCORT_SETID_H
#define ESCORT_SETID_H

/* First thing in main. 0 when escort may go on (set-id or not), -1 when
 * the group could not be given up (a message was printed). */
int setid_enter(int argc, char **argv);

#endif
