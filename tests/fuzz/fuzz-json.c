/* libFuzzer target: JSON escaping of hostile bytes must always give valid UTF-8
 * without raw control characters. */
#include "util/json.h"
#include "util/utf8.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf out = {0};
	size_t i = 0;

	json_append_string(&out, data, size);
	while (i < out.len) {
		uint32_t cp;
		int n = utf8_decode(out.data + i, out.len - i, &cp);
		if (n <= 0 || cp < 0x20)
			abort();
		i += (size_t)n;
	}
	buf_free(&out);
	return 0;
}
