/* Feeds hostile bytes to the frame decoder the broker runs on every
 * connection: a stream of frames, each decoded and re-encoded. */
#include "proto/frame.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err;

	while (size > 0) {
		Frame *f;
		size_t used = 0;
		if (frame_parse(data, size, &used, &f, &err) != 1)
			break;
		struct buf again = {0};
		frame_encode(f, &again);
		buf_free(&again);
		frame_free(f);
		data += used;
		size -= used;
	}
	return 0;
}
