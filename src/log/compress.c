#include "compress.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <zstd.h>

/* Level 1 keeps up with bulk output on the writer thread; interactive
 * output is small and compresses well at any level. */
#define LEVEL 1

struct compressor {
	ZSTD_CCtx *cctx;
};

struct compressor *compressor_new(void)
{
	struct compressor *c = xcalloc(1, sizeof(*c));

	c->cctx = ZSTD_createCCtx();
	if (c->cctx == NULL) {
		free(c);
		return NULL;
	}
	ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_compressionLevel, LEVEL);
	ZSTD_CCtx_setParameter(c->cctx, ZSTD_c_checksumFlag, 0);
	return c;
}

void compressor_free(struct compressor *c)
{
	if (c == NULL)
		return;
	ZSTD_freeCCtx(c->cctx);
	free(c);
}

int compressor_run(struct compressor *c, const void *data, size_t len, struct buf *out)
{
	size_t bound = ZSTD_compressBound(len), n;

	buf_reset(out);
	buf_reserve(out, bound);
	n = ZSTD_compress2(c->cctx, out->data, bound, data, len);
	if (ZSTD_isError(n) || n >= len)
		return 0;
	out->len = n;
	return 1;
}

int decompress_payload(const void *data, size_t len, size_t max, struct buf *out, struct error *err)
{
	unsigned long long declared = ZSTD_getFrameContentSize(data, len);
	size_t n;

	if (declared == ZSTD_CONTENTSIZE_ERROR)
		return error_set(err, "compressed payload is not a zstd frame");
	if (declared == ZSTD_CONTENTSIZE_UNKNOWN || declared > max)
		return error_set(err, "compressed payload declares %s size",
				 declared == ZSTD_CONTENTSIZE_UNKNOWN ? "no" : "a too large");
	buf_reset(out);
	buf_reserve(out, (size_t)declared);
	n = ZSTD_decompress(out->data, (size_t)declared, data, len);
	if (ZSTD_isError(n) || n != declared)
		return error_set(err, "compressed payload is damaged (%s)",
				 ZSTD_isError(n) ? ZSTD_getErrorName(n) : "size mismatch");
	out->len = n;
	return 0;
}
