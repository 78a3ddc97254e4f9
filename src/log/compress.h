/* zstd for output payloads. */
#ifndef ESCORT_COMPRESS_H
#define ESCORT_COMPRESS_H

#include "util/buf.h"
#include "util/error.h"

#include <stddef.h>

struct compressor;

struct compressor *compressor_new(void);
void compressor_free(struct compressor *c);
/* Replaces out with the compressed data; returns 1 when that is smaller than
 * the input, 0 when the input should be stored as it is. */
int compressor_run(struct compressor *c, const void *data, size_t len, struct buf *out);

/* Decompresses one frame into out (replacing it), refusing frames that
 * declare or produce more than max bytes. */
int decompress_payload(const void *data, size_t len, size_t max, struct buf *out,
		       struct error *err);

#endif
