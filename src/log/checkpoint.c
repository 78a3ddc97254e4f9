#include "checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char dash[] = "\xe2\x80\x94 "; /* U+2014 and a space */

static void body(const struct checkpoint *cp, struct buf *out)
{
	char root[64];

	sodium_bin2base64(root, sizeof(root), cp->root, SHA256_LEN, sodium_base64_VARIANT_ORIGINAL);
	buf_printf(out, "%s\n%llu\n%s\n", cp->origin, (unsigned long long)cp->size, root);
	if (cp->has_record)
		buf_printf(out, "escort-record %u %u %llu %llu\n", cp->flags, cp->epoch,
			   (unsigned long long)cp->mono_ns, (unsigned long long)cp->wall_ns);
	if (cp->has_segments) {
		sodium_bin2base64(root, sizeof(root), cp->headers, SHA256_LEN,
				  sodium_base64_VARIANT_ORIGINAL);
		buf_printf(out, "escort-segments %llu %s\n", (unsigned long long)cp->segments,
			   root);
	}
}

void checkpoint_sign(const struct checkpoint *cp, const struct signing_key *key, struct buf *out)
{
	size_t start = out->len;
	uint8_t blob[4 + crypto_sign_BYTES];
	char enc[128];

	body(cp, out);
	blob[0] = (uint8_t)(key->hash >> 24);
	blob[1] = (uint8_t)(key->hash >> 16);
	blob[2] = (uint8_t)(key->hash >> 8);
	blob[3] = (uint8_t)key->hash;
	crypto_sign_detached(blob + 4, NULL, out->data + start, out->len - start, key->sk);
	sodium_bin2base64(enc, sizeof(enc), blob, sizeof(blob), sodium_base64_VARIANT_ORIGINAL);
	buf_printf(out, "\n%s%s %s\n", dash, key->name, enc);
}

/* Reads one "\n"-terminated line starting at *pos into out. */
static int take_line(const uint8_t *p, size_t len, size_t *pos, char *out, size_t size)
{
	const uint8_t *nl;
	size_t n;

	if (p == NULL || *pos >= len) /* an empty note has no line (and may be NULL) */
		return -1;
	nl = memchr(p + *pos, '\n', len - *pos);
	if (nl == NULL)
		return -1;
	n = (size_t)(nl - (p + *pos));
	if (n >= size || memchr(p + *pos, '\0', n) != NULL)
		return -1;
	memcpy(out, p + *pos, n);
	out[n] = '\0';
	*pos += n + 1;
	return 0;
}

/* A decimal number without sign, leading zeros or overflow, then a space or
 * the end; returns where it stopped, or NULL. */
static const char *take_number(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (max - (uint64_t)(*p - '0')) / 10)
			return NULL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (*p != ' ' && *p != '\0')
		return NULL;
	*out = v;
	return *p == ' ' ? p + 1 : p;
}

static int parse_record_line(const char *s, struct checkpoint *cp)
{
	uint64_t flags, epoch;

	if (cp->has_record || (s = take_number(s, UINT16_MAX, &flags)) == NULL ||
	    (s = take_number(s, UINT32_MAX, &epoch)) == NULL ||
	    (s = take_number(s, UINT64_MAX, &cp->mono_ns)) == NULL ||
	    (s = take_number(s, UINT64_MAX, &cp->wall_ns)) == NULL || *s != '\0')
		return -1;
	cp->flags = (uint16_t)flags;
	cp->epoch = (uint32_t)epoch;
	cp->has_record = 1;
	return 0;
}

static int parse_segments_line(const char *s, struct checkpoint *cp)
{
	size_t got = 0;

	if (cp->has_segments || (s = take_number(s, UINT32_MAX, &cp->segments)) == NULL ||
	    sodium_base642bin(cp->headers, SHA256_LEN, s, strlen(s), NULL, &got, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    got != SHA256_LEN)
		return -1;
	cp->has_segments = 1;
	return 0;
}

/* escort's extension lines; others are kept out of the way (C2SP allows them). */
static int parse_extension(const char *line, struct checkpoint *cp)
{
	if (strncmp(line, "escort-record ", 14) == 0)
		return parse_record_line(line + 14, cp);
	if (strncmp(line, "escort-segments ", 16) == 0)
		return parse_segments_line(line + 16, cp);
	return 0;
}

static int parse_body(const uint8_t *p, size_t len, size_t *pos, struct checkpoint *cp,
		      struct error *err)
{
	char size[32], root[64], *end;
	size_t root_len = 0;

	memset(cp, 0, sizeof(*cp));
	if (take_line(p, len, pos, cp->origin, sizeof(cp->origin)) < 0 || cp->origin[0] == '\0')
		return error_set(err, "checkpoint has no origin line");
	if (take_line(p, len, pos, size, sizeof(size)) < 0 || size[0] < '0' || size[0] > '9' ||
	    (size[0] == '0' && size[1] != '\0'))
		return error_set(err, "checkpoint tree size is not a decimal number");
	cp->size = strtoull(size, &end, 10);
	if (*end != '\0')
		return error_set(err, "checkpoint tree size is not a decimal number");
	if (take_line(p, len, pos, root, sizeof(root)) < 0 ||
	    sodium_base642bin(cp->root, SHA256_LEN, root, strlen(root), NULL, &root_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    root_len != SHA256_LEN)
		return error_set(err, "checkpoint root hash is not 32 bytes of base64");
	/* Extension lines may follow; the body ends at the blank line. */
	while (*pos < len && p[*pos] != '\n') {
		char ext[256];
		if (take_line(p, len, pos, ext, sizeof(ext)) < 0 || parse_extension(ext, cp) < 0)
			return error_set(err, "checkpoint has a malformed extension line");
	}
	if (*pos >= len)
		return error_set(err, "checkpoint has no signature block");
	return 0;
}

/* Checks one signature line against key: 1 good, 0 another key's, -1 bad. */
static int check_signature_line(const char *line, const uint8_t *text, size_t text_len,
				const struct signing_key *key)
{
	size_t dlen = strlen(dash), nlen = strlen(key->name), raw_len = 0;
	uint8_t blob[4 + crypto_sign_BYTES];
	uint32_t id;

	if (strncmp(line, dash, dlen) != 0)
		return -1;
	line += dlen;
	if (strncmp(line, key->name, nlen) != 0 || line[nlen] != ' ')
		return 0;
	if (sodium_base642bin(blob, sizeof(blob), line + nlen + 1, strlen(line + nlen + 1), NULL,
			      &raw_len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    raw_len != sizeof(blob))
		return -1;
	id = (uint32_t)blob[0] << 24 | (uint32_t)blob[1] << 16 | (uint32_t)blob[2] << 8 | blob[3];
	if (id != key->hash)
		return 0;
	return crypto_sign_verify_detached(blob + 4, text, text_len, key->pk) == 0 ? 1 : -1;
}

int checkpoint_parse(const uint8_t *note, size_t len, struct checkpoint *cp, struct error *err)
{
	size_t pos = 0, dlen = strlen(dash);
	int lines = 0;

	if (parse_body(note, len, &pos, cp, err) < 0)
		return -1;
	pos++; /* the blank line */
	while (pos < len) {
		char line[512];
		if (take_line(note, len, &pos, line, sizeof(line)) < 0 ||
		    strncmp(line, dash, dlen) != 0 || strchr(line + dlen, ' ') == NULL)
			return error_set(err, "checkpoint signature block is malformed");
		lines++;
	}
	if (lines == 0)
		return error_set(err, "checkpoint has no signature");
	return 0;
}

int checkpoint_verify(const uint8_t *note, size_t len, const struct signing_key *key,
		      struct checkpoint *cp, struct error *err)
{
	size_t pos = 0, text_len;
	int found_other = 0;

	if (parse_body(note, len, &pos, cp, err) < 0)
		return -1;
	text_len = pos;
	pos++; /* the blank line */
	while (pos < len) {
		char line[512];
		int r;
		if (take_line(note, len, &pos, line, sizeof(line)) < 0)
			return error_set(err, "checkpoint signature block is malformed");
		r = check_signature_line(line, note, text_len, key);
		if (r == 1)
			return 0;
		if (r < 0 && strncmp(line + strlen(dash), key->name, strlen(key->name)) == 0)
			return error_set(err,
					 "checkpoint signature by %s is invalid (forged or "
					 "altered)",
					 key->name);
		found_other = 1;
	}
	if (found_other)
		return error_set(err, "checkpoint is signed by another key, not by %s", key->name);
	return error_set(err, "checkpoint has no signature");
}
