#include "frame.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

static const uint8_t magic[2] = {'E', 'S'};

void frame_encode(const Frame *f, struct buf *out)
{
	size_t len = escort__frame__get_packed_size(f);
	uint8_t head[FRAME_HEADER] = {magic[0],
				      magic[1],
				      0,
				      FRAME_VERSION,
				      (uint8_t)(len >> 24),
				      (uint8_t)(len >> 16),
				      (uint8_t)(len >> 8),
				      (uint8_t)len};

	buf_reserve(out, FRAME_HEADER + len);
	buf_append(out, head, sizeof(head));
	escort__frame__pack(f, out->data + out->len);
	out->len += len;
}

int frame_parse(const uint8_t *data, size_t len, size_t *consumed, Frame **out, struct error *err)
{
	uint32_t size;
	unsigned version;

	*out = NULL;
	if (len >= 1 && data[0] != magic[0])
		return error_set(err, "not an escort frame (first byte 0x%02x)", data[0]);
	if (len >= 2 && data[1] != magic[1])
		return error_set(err, "not an escort frame (second byte 0x%02x)", data[1]);
	if (len < FRAME_HEADER)
		return 0;
	version = (unsigned)data[2] << 8 | data[3];
	if (version != FRAME_VERSION)
		return error_set(err, "protocol version %u is not spoken here (this is %u)",
				 version, FRAME_VERSION);
	size = (uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 | (uint32_t)data[6] << 8 | data[7];
	if (size > FRAME_MAX)
		return error_set(err, "a frame of %u bytes is over the limit of %u", size,
				 FRAME_MAX);
	if (len - FRAME_HEADER < size)
		return 0;
	*out = escort__frame__unpack(NULL, size, data + FRAME_HEADER);
	if (*out == NULL)
		return error_set(err, "a frame of %u bytes does not decode", size);
	if ((*out)->body_case == ESCORT__FRAME__BODY__NOT_SET) {
		frame_free(*out);
		*out = NULL;
		return error_set(err, "a frame carries no message");
	}
	*consumed = FRAME_HEADER + size;
	return 1;
}

void frame_free(Frame *f)
{
	if (f)
		escort__frame__free_unpacked(f, NULL);
}

int frame_write_fd(int fd, const Frame *f, struct error *err)
{
	struct buf b = {0};
	size_t off = 0;

	frame_encode(f, &b);
	while (off < b.len) {
		ssize_t n = write(fd, b.data + off, b.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			buf_free(&b);
			return error_errno(err, "cannot write to escortd");
		}
		off += (size_t)n;
	}
	buf_free(&b);
	return 0;
}

int frame_read_fd(int fd, struct buf *in, Frame **out, int timeout_ms, struct error *err)
{
	for (;;) {
		size_t used;
		int rc = frame_parse(in->data, in->len, &used, out, err);
		if (rc != 0) {
			if (rc > 0)
				buf_consume(in, used);
			return rc > 0 ? 0 : -1;
		}
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int ready = poll(&pfd, 1, timeout_ms);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0)
			return error_set_code(err, ERR_TIMEOUT, "escortd did not answer in time");
		buf_reserve(in, 65536);
		ssize_t n = read(fd, in->data + in->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error_errno(err, "cannot read from escortd");
		if (n == 0)
			return error_set(err, "escortd closed the connection");
		in->len += (size_t)n;
	}
}
