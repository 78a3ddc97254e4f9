/* The lines of a session for the auditor's full-text search: what the
 * operator typed (keys, with backspace and line kill applied) and what the
 * programs printed as the screen showed them: escape sequences and control
 * characters taken out, a carriage return starting the line again, a
 * backspace overstruck, a cursor jump a space.
 * A heuristic over hostile bytes, for finding a session, never for showing
 * it: the replay shows what happened. No escortd state here, so the fuzzer
 * (tests/fuzz/fuzz-audit-lines.c) drives it alone. */
#ifndef ESCORT_WEB_AUDIT_LINES_H
#define ESCORT_WEB_AUDIT_LINES_H

#include <stddef.h>
#include <stdint.h>

#define AUDIT_LINE_MAX 1024 /* longer lines are cut into pieces this long */

typedef void (*audit_line_fn)(void *arg, const char *line, size_t len);

struct audit_lines {
	char line[AUDIT_LINE_MAX];
	size_t len;
	int state; /* escape-sequence scanner: text, ESC, CSI, string */
	int typed; /* keys: backspace removes, ^U and ^C clear */
	audit_line_fn emit;
	void *arg;
};

void audit_lines_init(struct audit_lines *l, int typed, audit_line_fn emit, void *arg);
/* Every line ended in data goes to emit (never an empty or all-blank one). */
void audit_lines_feed(struct audit_lines *l, const uint8_t *data, size_t len);
/* The line not yet ended, if any. */
void audit_lines_end(struct audit_lines *l);

#endif
