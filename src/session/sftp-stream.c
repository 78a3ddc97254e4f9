#include "sftp-stream.h"

#include <string.h>

uint32_t sftp_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

uint64_t sftp_u64(const uint8_t *p)
{
	return (uint64_t)sftp_u32(p) << 32 | sftp_u32(p + 4);
}

uint32_t sftp_field_u32(struct sftp_fields *f)
{
	uint32_t v;

	if (f->len - f->pos < 4) {
		f->bad = 1;
		f->pos = f->len;
		return 0;
	}
	v = sftp_u32(f->p + f->pos);
	f->pos += 4;
	return v;
}

uint64_t sftp_field_u64(struct sftp_fields *f)
{
	uint64_t hi = sftp_field_u32(f);

	return hi << 32 | sftp_field_u32(f);
}

const uint8_t *sftp_field_string(struct sftp_fields *f, size_t *len)
{
	size_t n = sftp_field_u32(f);
	const uint8_t *s = f->p + f->pos;

	if (n > f->len - f->pos) {
		n = f->len - f->pos;
		f->cut = 1;
	}
	f->pos += n;
	*len = n;
	return s;
}

void sftp_stream_init(struct sftp_stream *s, const struct sftp_stream_ops *ops, void *ctx)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->ctx = ctx;
	s->state = SFTP_LENGTH;
}

int sftp_stream_lost(const struct sftp_stream *s)
{
	return s->state == SFTP_LOST;
}

/* The head of a DATA (type, id, data length) or WRITE (type, id, handle,
 * offset, data length) packet, or 0 when the packet is not laid out so. */
static size_t data_head_len(const struct sftp_stream *s, size_t total)
{
	uint8_t type = s->head[0];
	size_t hlen;

	if ((type != SFTP_FXP_DATA && type != SFTP_FXP_WRITE) || total < 9)
		return 0;
	if (type == SFTP_FXP_DATA)
		return 9;
	if (s->head_len < 9)
		return 9; /* the handle's length is not known yet */
	hlen = sftp_u32(s->head + 5);
	return hlen <= SFTP_HANDLE_MAX && 9 + hlen + 12 <= total ? 9 + hlen + 12 : 0;
}

/* How many bytes of the packet its head is, as far as it is known now. */
static size_t head_need(struct sftp_stream *s)
{
	size_t total = s->head_len + s->left, data;

	if (s->head_len == 0)
		return 1;
	data = data_head_len(s, total);
	s->data_head = data > 0;
	if (data > 0)
		return data;
	return total < SFTP_HEAD_MAX ? total : SFTP_HEAD_MAX;
}

static void end_packet(struct sftp_stream *s)
{
	s->state = s->left > 0 ? SFTP_SKIP : SFTP_LENGTH;
}

static void data_ends(struct sftp_stream *s)
{
	s->ops->data_end(s->ctx);
	end_packet(s);
}

/* A data length past the packet's end is a malformed packet: no data. */
static void head_read(struct sftp_stream *s)
{
	uint32_t declared = s->data_head ? sftp_u32(s->head + s->head_len - 4) : 0;

	if (s->data_head && declared <= s->left) {
		s->ops->packet(s->ctx, s->head[0], s->head + 1, s->head_len - 1, 0);
		s->data_left = declared;
		s->state = SFTP_DATA;
		if (declared == 0)
			data_ends(s);
		return;
	}
	s->ops->packet(s->ctx, s->data_head ? 0 : s->head[0], s->head + 1, s->head_len - 1,
		       s->left > 0);
	end_packet(s);
}

static size_t take_length(struct sftp_stream *s, const uint8_t *data, size_t len)
{
	size_t n = 4 - s->len_have;

	n = n < len ? n : len;
	memcpy(s->len_bytes + s->len_have, data, n);
	s->len_have += (unsigned)n;
	if (s->len_have < 4)
		return n;
	s->len_have = 0;
	s->left = sftp_u32(s->len_bytes);
	s->head_len = 0;
	s->data_head = 0;
	s->state = s->left == 0 || s->left > SFTP_PACKET_MAX ? SFTP_LOST : SFTP_HEAD;
	return n;
}

static size_t take_head(struct sftp_stream *s, const uint8_t *data, size_t len)
{
	size_t need = head_need(s), n = need - s->head_len;

	n = n < len ? n : len;
	memcpy(s->head + s->head_len, data, n);
	s->head_len += n;
	s->left -= (uint32_t)n;
	if (s->head_len == head_need(s))
		head_read(s);
	return n;
}

static size_t take_data(struct sftp_stream *s, const uint8_t *data, size_t len)
{
	size_t n = s->data_left < len ? s->data_left : len;

	s->ops->data(s->ctx, data, n);
	s->data_left -= (uint32_t)n;
	s->left -= (uint32_t)n;
	if (s->data_left == 0)
		data_ends(s);
	return n;
}

static size_t skip(struct sftp_stream *s, size_t len)
{
	size_t n = s->left < len ? s->left : len;

	s->left -= (uint32_t)n;
	if (s->left == 0)
		s->state = SFTP_LENGTH;
	return n;
}

void sftp_stream_feed(struct sftp_stream *s, const uint8_t *data, size_t len)
{
	while (len > 0 && s->state != SFTP_LOST) {
		size_t n = 0;
		switch (s->state) {
		case SFTP_LENGTH:
			n = take_length(s, data, len);
			break;
		case SFTP_HEAD:
			n = take_head(s, data, len);
			break;
		case SFTP_DATA:
			n = take_data(s, data, len);
			break;
		case SFTP_SKIP:
			n = skip(s, len);
			break;
		case SFTP_LOST:
			break;
		}
		data += n;
		len -= n;
	}
}
