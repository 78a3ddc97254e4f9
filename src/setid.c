#include "setid.h"

#include "session/broker-tls.h"
#include "session/keyring.h"

#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <unistd.h>

/* escort run, and escort as a login shell ("-escort", "escort -c STRING"). */
static int starts_a_session(int argc, char **argv)
{
	if (argc > 0 && argv[0][0] == '-' && argc == 1)
		return 1;
	if (argc == 3 && strcmp(argv[1], "-c") == 0)
		return 1;
	return argc >= 2 && strcmp(argv[1], "run") == 0;
}

static int give_up_ids(void)
{
	gid_t g = getgid(), rg, eg, sg;
	uid_t u = getuid(), ru, eu, su;

	if (setresgid(g, g, g) < 0 || setresuid(u, u, u) < 0)
		return -1;
	if (getresgid(&rg, &eg, &sg) < 0 || getresuid(&ru, &eu, &su) < 0)
		return -1;
	return rg == g && eg == g && sg == g && ru == u && eu == u && su == u ? 0 : -1;
}

int setid_enter(int argc, char **argv)
{
	if (!getauxval(AT_SECURE) && getegid() == getgid() && geteuid() == getuid())
		return 0;
	/* The kernel made a set-id process non-dumpable; said again, and kept. */
	if (prctl(PR_SET_DUMPABLE, 0) < 0) {
		perror("escort: cannot make this process non-dumpable");
		return -1;
	}
	if (starts_a_session(argc, argv)) {
		broker_tls_preload(); /* the host's key, into memory only */
		keyring_preload();    /* the key that signs the host's copy of the log */
	}
	if (give_up_ids() < 0 || prctl(PR_SET_DUMPABLE, 0) < 0 || prctl(PR_GET_DUMPABLE) != 0) {
		perror("escort: cannot give up the set-id group");
		return -1;
	}
	return 0;
}
