/* The words of a rule's explain, why and ask: {placeholders} filled with
 * the command's own values in words (docs/RULES.md, "Placeholders"). */
#ifndef ESCORT_FILL_H
#define ESCORT_FILL_H

#include "analyze.h"

/* tmpl with {command}, {operands}, {things}, {tool}... of c filled in, made
 * visible; {key|words} says words when c has nothing for key. finder: the
 * find whose -exec runs c, or NULL. Returns a new string. */
char *risk_fill(const char *tmpl, const struct real_command *c, const struct real_command *finder);

#endif
