/* Frames on the wire between session hosts, consoles and escortd: an 8-byte
 * header ("ES", version, payload length, all big-endian) and one protobuf
 * escort.Frame (docs/PROTOCOL.md). Everything received is hostile: a frame
 * with a bad magic, another version, a length over FRAME_MAX or a payload
 * that does not decode ends the connection with a message naming why. */
#ifndef ESCORT_FRAME_H
#define ESCORT_FRAME_H

#include "escort.pb-c.h"
#include "util/buf.h"
#include "util/error.h"

#include <stddef.h>
#include <stdint.h>

#define FRAME_VERSION 2
#define FRAME_HEADER 8
#define FRAME_MAX (2u << 20)

typedef Escort__Frame Frame;

/* Appends the frame, header first, to out. */
void frame_encode(const Frame *f, struct buf *out);

/* Looks at the start of data: 1 with *out (free with frame_free) and
 * *consumed set when a whole frame is there; 0 when more bytes are needed;
 * -1 with err when the bytes can never become a valid frame. */
int frame_parse(const uint8_t *data, size_t len, size_t *consumed, Frame **out, struct error *err);

void frame_free(Frame *f);

/* Blocking helpers for the command-line clients. */
int frame_write_fd(int fd, const Frame *f, struct error *err);
/* Waits up to timeout_ms (-1: forever) for one frame; buffered bytes stay in in.
 * Nothing in time fails with err->code ERR_TIMEOUT. */
int frame_read_fd(int fd, struct buf *in, Frame **out, int timeout_ms, struct error *err);

#endif
