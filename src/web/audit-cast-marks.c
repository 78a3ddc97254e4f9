/* Hiding characters of a recording made seen (audit-cast-marks.h). */
#include "audit-cast-marks.h"

#include "util/utf8.h"
#include "util/visible.h"

#include <stdint.h>

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

size_t audit_cast_marks(struct buf *out, const char *in, size_t len)
{
	const uint8_t *s = (const uint8_t *)in;
	size_t marked = 0, i = 0, from = 0;

	buf_reserve(out, len);
	while (i < len) {
		uint32_t cp;
		int n = s[i] < 0x80 ? 1 : utf8_decode(s + i, len - i, &cp);

		if (n <= 0) {
			i++; /* not UTF-8: copied as it is (the JSON has none) */
			continue;
		}
		if (n > 1 && visible_hidden_code_point(cp)) {
			buf_append(out, in + from, i - from);
			buf_append(out, replacement, 3);
			marked++;
			from = i + (size_t)n;
		}
		i += (size_t)n;
	}
	buf_append(out, in + from, len - from);
	return marked;
}
