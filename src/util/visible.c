#include "visible.h"

#include "utf8.h"

#include <stdint.h>

/* Characters that change how text is displayed without being seen. */
int visible_hidden_code_point(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || /* C1 controls */
	       cp == 0x00ad || cp == 0x034f || cp == 0x061c || cp == 0x115f || cp == 0x1160 ||
	       cp == 0x17b4 || cp == 0x17b5 || cp == 0x180e ||
	       (cp >= 0x200b && cp <= 0x200f) || /* zero width, LRM, RLM */
	       (cp >= 0x202a && cp <= 0x202e) || /* embeddings, overrides */
	       (cp >= 0x2060 && cp <= 0x206f) || /* word joiner, isolates */
	       cp == 0x3164 || cp == 0xfeff || cp == 0xffa0 || (cp >= 0xfff9 && cp <= 0xfffb) ||
	       (cp >= 0xe0000 && cp <= 0xe007f); /* tags */
}

size_t visible_append(struct buf *out, const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t shown = 0;

	buf_reserve(out, len);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		int n;

		if (p[i] >= 0x20 && p[i] < 0x7f) {
			size_t run = i;
			while (run < len && p[run] >= 0x20 && p[run] < 0x7f)
				run++;
			buf_append(out, p + i, run - i);
			i = run;
			continue;
		}
		if (p[i] < 0x80) {
			/* Tabs and line breaks are written out but hide nothing. */
			if (p[i] == '\t') {
				buf_append_str(out, "\\t");
			} else if (p[i] == '\n') {
				buf_append_str(out, "\\n");
			} else {
				buf_printf(out, "\\x%02x", p[i]);
				shown++;
			}
			i++;
			continue;
		}
		n = utf8_decode(p + i, len - i, &cp);
		if (n <= 0) {
			buf_printf(out, "\\x%02x", p[i++]);
			shown++;
		} else if (visible_hidden_code_point(cp)) {
			buf_printf(out, "<U+%04X>", (unsigned)cp);
			i += (size_t)n;
			shown++;
		} else {
			buf_append(out, p + i, (size_t)n);
			i += (size_t)n;
		}
	}
	return shown;
}
