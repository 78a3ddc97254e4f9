/* A QR code as SVG (libqrencode): one path of unit squares, no script,
 * no text from anywhere but the code's own modules. */
#include "web.h"

#include <qrencode.h>

#define QUIET 4 /* modules of white border */

int web_qr_svg(const char *text, struct buf *out)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int size;

	if (qr == NULL)
		return -1;
	size = qr->width + 2 * QUIET;
	buf_printf(out,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		   "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">"
		   "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		   size, size, size * 6, size * 6, size, size);
	for (int y = 0; y < qr->width; y++)
		for (int x = 0; x < qr->width; x++)
			if (qr->data[y * qr->width + x] & 1)
				buf_printf(out, "M%d %dh1v1h-1z", x + QUIET, y + QUIET);
	buf_append_str(out, "\"/></svg>\n");
	QRcode_free(qr);
	return 0;
}
