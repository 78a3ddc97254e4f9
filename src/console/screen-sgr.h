/* A libvterm cell's look as the one SGR sequence escortd writes for it:
 * attributes and colours only, every number made here (never a byte of the
 * operator's), colours as 256-colour palette indexes. */
#ifndef ESCORT_CONSOLE_SCREEN_SGR_H
#define ESCORT_CONSOLE_SCREEN_SGR_H

#include "util/buf.h"

#include <vterm.h>

/* Appends ESC [ 0 ; ... m for cell, whose colours screen resolves; a cell
 * whose text would be the colour of its background gets default colours. */
void screen_sgr(const VTermScreen *screen, const VTermScreenCell *cell, struct buf *out);

#endif
