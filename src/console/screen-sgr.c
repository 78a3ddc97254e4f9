#include "screen-sgr.h"

/* 0..255 to the 6 levels of the 256-colour cube (0, 95, 135, 175, 215, 255). */
static unsigned cube_level(uint8_t v)
{
	if (v < 48)
		return 0;
	if (v < 115)
		return 1;
	return (unsigned)(v - 35) / 40;
}

static unsigned palette_index(const VTermColor *c)
{
	if (VTERM_COLOR_IS_INDEXED(c))
		return c->indexed.idx;
	return 16 + 36 * cube_level(c->rgb.red) + 6 * cube_level(c->rgb.green) +
	       cube_level(c->rgb.blue);
}

static int same_rgb(const VTermScreen *screen, VTermColor fg, VTermColor bg)
{
	vterm_screen_convert_color_to_rgb(screen, &fg);
	vterm_screen_convert_color_to_rgb(screen, &bg);
	return fg.rgb.red == bg.rgb.red && fg.rgb.green == bg.rgb.green &&
	       fg.rgb.blue == bg.rgb.blue;
}

static void attrs(const VTermScreenCellAttrs *a, struct buf *out)
{
	if (a->bold)
		buf_append_str(out, ";1");
	if (a->italic)
		buf_append_str(out, ";3");
	if (a->underline)
		buf_append_str(out, ";4");
	if (a->blink)
		buf_append_str(out, ";5");
	if (a->reverse)
		buf_append_str(out, ";7");
	if (a->strike)
		buf_append_str(out, ";9");
}

void screen_sgr(const VTermScreen *screen, const VTermScreenCell *cell, struct buf *out)
{
	int hidden = same_rgb(screen, cell->fg, cell->bg);

	buf_append_str(out, "\x1b[0");
	attrs(&cell->attrs, out);
	if (!hidden && !VTERM_COLOR_IS_DEFAULT_FG(&cell->fg))
		buf_printf(out, ";38;5;%u", palette_index(&cell->fg));
	if (!hidden && !VTERM_COLOR_IS_DEFAULT_BG(&cell->bg))
		buf_printf(out, ";48;5;%u", palette_index(&cell->bg));
	buf_putc(out, 'm');
}
