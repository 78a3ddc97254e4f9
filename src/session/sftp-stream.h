/* Cuts one direction of an SFTP stream (draft-ietf-secsh-filexfer-02:
 * uint32 length, then type and fields) into packets, from bytes that come
 * in pieces of any size and are hostile. Memory is bounded: a packet's
 * fields are kept up to SFTP_HEAD_MAX bytes; the file data of SSH_FXP_DATA
 * and SSH_FXP_WRITE is passed on as it comes, never kept. A length no SFTP
 * peer sends means the stream is not SFTP: nothing more is parsed. */
#ifndef ESCORT_SFTP_STREAM_H
#define ESCORT_SFTP_STREAM_H

#include <stddef.h>
#include <stdint.h>

#define SFTP_FXP_INIT 1
#define SFTP_FXP_OPEN 3
#define SFTP_FXP_CLOSE 4
#define SFTP_FXP_READ 5
#define SFTP_FXP_WRITE 6
#define SFTP_FXP_STATUS 101
#define SFTP_FXP_HANDLE 102
#define SFTP_FXP_DATA 103

#define SFTP_HANDLE_MAX 256		   /* the draft's limit on a handle's length */
#define SFTP_HEAD_MAX (4096 + 64)	   /* a path of 4096 bytes and the fields around it */
#define SFTP_PACKET_MAX (4u * 1024 * 1024) /* OpenSSH's limit is 256 KiB */

struct sftp_stream_ops {
	/* A packet's type and its fields (head: after the type; cut: there was
	 * more than SFTP_HEAD_MAX). For DATA and WRITE, head ends where the file
	 * data begins and data() gets the data, then data_end(). */
	void (*packet)(void *ctx, uint8_t type, const uint8_t *head, size_t head_len, int cut);
	void (*data)(void *ctx, const uint8_t *data, size_t len);
	void (*data_end)(void *ctx);
};

struct sftp_stream {
	const struct sftp_stream_ops *ops;
	void *ctx;
	uint8_t len_bytes[4];
	unsigned len_have;
	uint32_t left;	    /* bytes of the current packet not taken yet */
	uint32_t data_left; /* of those, file data still to pass on */
	int data_head;	    /* the head being read ends where file data begins */
	uint8_t head[SFTP_HEAD_MAX];
	size_t head_len;
	enum { SFTP_LENGTH, SFTP_HEAD, SFTP_DATA, SFTP_SKIP, SFTP_LOST } state;
};

void sftp_stream_init(struct sftp_stream *s, const struct sftp_stream_ops *ops, void *ctx);
void sftp_stream_feed(struct sftp_stream *s, const uint8_t *data, size_t len);
/* The stream is not SFTP (or no more): nothing is parsed. */
int sftp_stream_lost(const struct sftp_stream *s);

uint32_t sftp_u32(const uint8_t *p);
uint64_t sftp_u64(const uint8_t *p);

/* Reads a packet's fields; a field past the end sets bad and reads as 0 or
 * empty. A string cut by the end of the head is returned cut (cut set). */
struct sftp_fields {
	const uint8_t *p;
	size_t len, pos;
	int bad, cut;
};

uint32_t sftp_field_u32(struct sftp_fields *f);
uint64_t sftp_field_u64(struct sftp_fields *f);
const uint8_t *sftp_field_string(struct sftp_fields *f, size_t *len);

#endif
