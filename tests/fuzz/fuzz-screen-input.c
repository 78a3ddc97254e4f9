/* libFuzzer target: console/screen-input.c's canonical form is what libvterm
 * reads, so it must read back as itself. Whatever the operator's bytes (cut
 * into pieces where the first byte says), what the filter writes, filtered
 * again in one piece, comes out byte for byte the same, holds no REP, and
 * leaves the parser between sequences: libvterm's parser then never holds
 * a sequence of the operator's across writes, and never sees one the
 * filter did not decide. */
#include "console/screen-input.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct screen_input first = {0}, second = {0};
	struct buf out = {0}, again = {0};
	size_t piece, off = 1;
	unsigned repeat;

	if (size < 1)
		return 0;
	piece = 1 + data[0] % 16;
	while (off < size) {
		size_t n = size - off < piece ? size - off : piece;
		off += screen_input_take(&first, data + off, n, &out, &repeat);
	}
	if (screen_input_take(&second, out.data, out.len, &again, &repeat) != out.len || repeat)
		abort();
	if (again.len != out.len || (out.len && memcmp(again.data, out.data, out.len) != 0))
		abort();
	if (second.state != 0 || second.need != 0)
		abort();
	buf_free(&out);
	buf_free(&again);
	return 0;
}
