/* The operator's output made safe for libvterm 0.1.4 (Debian 12's), which
 * escortd runs on its event loop for every live screen: parsed here as
 * libvterm's parser reads it (the same states; controls inside a sequence
 * still act; CAN and SUB cancel; ESC starts again) and written out again in
 * one canonical form, so that libvterm reads exactly what this file decided.
 * Never passed on, because libvterm 0.1.4 hangs, writes out of bounds or
 * stalls on them:
 *  - REP (CSI n b) loops forever when the last glyph is zero or minus one
 *    column wide: the caller repeats the character itself (see take);
 *  - a CSI with more than 16 parameters overflows libvterm's array: dropped
 *    whole; each number is capped at 9999, leaders and intermediates at 2;
 *  - U+0080..U+009F in UTF-8 have width -1 there (the cursor goes left of
 *    column 0): dropped; invalid UTF-8 becomes U+FFFD;
 *  - combining marks it also counts two columns wide (U+302A..F, U+3099..A):
 *    the glyph outgrows the screen and libvterm writes through a null
 *    pointer: dropped;
 *  - more than 8 zero-width characters in a row: libvterm scans all of them
 *    again for each one (quadratic): the rest are dropped;
 *  - OSC and DCS strings (nothing on the screen depends on them), NUL, DEL
 *    and the C0 controls libvterm ignores: dropped. */
#ifndef ESCORT_CONSOLE_SCREEN_INPUT_H
#define ESCORT_CONSOLE_SCREEN_INPUT_H

#include "util/buf.h"

#include <stddef.h>
#include <stdint.h>

#define SCREEN_INPUT_MAX_ARGS 16 /* libvterm 0.1.4's CSI_ARGS_MAX */
#define SCREEN_INPUT_MAX_NUMBER 9999
#define SCREEN_INPUT_MAX_MARKS 8 /* zero-width characters in a row */

struct screen_input {
	int state;
	/* The sequence being read. */
	char leader[2], intermed[2], seps[SCREEN_INPUT_MAX_ARGS - 1];
	uint16_t args[SCREEN_INPUT_MAX_ARGS];
	uint32_t missing; /* bit i: args[i] had no digits */
	unsigned n_leader, n_intermed, n_seps;
	int dropped; /* too long: not passed on */
	/* The UTF-8 character being read. */
	uint32_t cp, min;
	unsigned need;
	/* The last character written as text (0: none), zero-width ones since. */
	uint32_t last;
	unsigned marks;
};

/* Appends to out the canonical form of the start of data[0..len) and
 * returns how many bytes it took: all, or up to and including a REP
 * sequence, whose count (1..9999) is then in *repeat (else 0). */
size_t screen_input_take(struct screen_input *in, const uint8_t *data, size_t len, struct buf *out,
			 unsigned *repeat);

/* Appends the last character written as text (nothing if none), in UTF-8. */
void screen_input_put_last(const struct screen_input *in, struct buf *out);

#endif
