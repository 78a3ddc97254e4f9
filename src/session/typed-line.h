/* The last line the operator entered (keystrokes up to Enter, editing keys
 * included), shown to the escort beside an exec as "last line typed". The
 * session owns one; the relay feeds it, the gate's broker policy reads it
 * through the broker_port the session gives it.
 *
 * Keys a full-screen program (vi, less, top) received are not part of the
 * next line typed to the shell: a line starts again whenever another
 * process group holds the terminal than held it for the previous key (the
 * shell runs each job in its own group: less -X and top, which keep the
 * normal screen, are caught so), and whenever the program's output switches
 * the alternate screen on or off (ESC[?1049h/l, ?1047, ?47), for programs
 * run without job control. A line typed ahead while a program runs is
 * still the shell's once the program ends. */
#ifndef ESCORT_TYPED_LINE_H
#define ESCORT_TYPED_LINE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TYPED_LINE_MAX 1024

struct typed_line {
	char current[TYPED_LINE_MAX + 1], last[TYPED_LINE_MAX + 1];
	size_t current_len;
	int scan;	/* where the output scanner is in an escape sequence */
	unsigned param; /* the number being read */
	int alt_screen; /* a parameter seen names the alternate screen */
	pid_t holder;	/* the process group the terminal's last keys went to */
};

/* The operator's keys; holder: the terminal's foreground process group now
 * (tcgetpgrp on the pty; -1 when unknown). */
void typed_line_feed(struct typed_line *t, pid_t holder, const uint8_t *data, size_t len);
/* What the session's programs wrote to the terminal. */
void typed_line_output(struct typed_line *t, const uint8_t *data, size_t len);
/* NUL-terminated; "" before the first Enter. Bytes are raw: show them visibly. */
const char *typed_line_last(const struct typed_line *t);

#endif
