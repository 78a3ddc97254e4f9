/* escort watch's panes keep to their rows and columns: a window on wrapped
 * text never takes more rows than it is given, says where it is when the
 * text does not fit, and a line is cut to the width, never inside a
 * character. */
#include "check.h"
#include "console/pane.h"
#include "console/wrap.h"

#include <stdio.h>

static unsigned count(const struct buf *b, const char *what)
{
	unsigned n = 0;

	for (const char *p = (const char *)b->data; (p = strstr(p, what)); p++)
		n++;
	return n;
}

static void test_window_keeps_to_its_rows(void)
{
	for (unsigned room = 1; room <= 6; room++)
		for (size_t total = 0; total <= 12; total++) {
			struct buf text = {0}, out = {0};
			struct pane p = {.first = 100};
			for (size_t i = 0; i < total; i++)
				buf_printf(&text, "line %zu\n", i);
			unsigned rows = pane_window(&p, &out, total ? buf_cstr(&text) : "", total,
						    room, 80, "lines", "j/k");
			buf_putc(&out, '\0');
			CHECK(rows <= room && rows == count(&out, "\r\n"));
			CHECK((total > room && room > 1) ==
			      (strstr(buf_cstr(&out), "-- lines") != NULL));
			buf_free(&text);
			buf_free(&out);
		}
}

static void test_show_moves_to_the_selection(void)
{
	struct pane p = {.first = 0, .page = 5};

	pane_show(&p, 10, 13);
	CHECK(p.first == 8); /* the entry's last line is the window's last */
	pane_show(&p, 2, 4);
	CHECK(p.first == 2);
	pane_show(&p, 20, 40); /* taller than the window: its beginning */
	CHECK(p.first == 20);
}

static void test_line_cut_by_characters(void)
{
	struct buf out = {0}, wrapped = {0};
	char text[300] = "";

	for (int i = 0; i < 100; i++)
		strcat(text, "\xc3\xa9"); /* é: two bytes, one character */
	pane_line(&out, text, 10);
	CHECK(out.len == 20 + strlen("\x1b[K\r\n"));
	CHECK(wrap_text(text, 79, &wrapped) == 2);
	buf_free(&out);
	buf_free(&wrapped);
}

int main(void)
{
	test_window_keeps_to_its_rows();
	test_show_moves_to_the_selection();
	test_line_cut_by_characters();
	CHECK_DONE();
}
