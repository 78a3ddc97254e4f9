/* The exit statuses of the escort program (README.md, "Use"), named once. */
#ifndef ESCORT_EXIT_STATUS_H
#define ESCORT_EXIT_STATUS_H

enum exit_status {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	  /* refused by escortd, or the command failed (verify: damage) */
	EXIT_USAGE = 2,		  /* bad options or operands */
	EXIT_UNREACHABLE = 3,	  /* escortd cannot be reached or did not answer */
	EXIT_ESCORT_FAILED = 125, /* escort could not run or record the session */
	EXIT_CANNOT_EXECUTE = 126,
	EXIT_NOT_FOUND = 127,
	EXIT_SIGNAL_BASE = 128, /* 128 + N: signal N ended the program (or escort) */
};

/* The status of a program that signal sig ended, as a shell reports it. */
static inline int exit_status_signal(int sig)
{
	return EXIT_SIGNAL_BASE + sig;
}

#endif
