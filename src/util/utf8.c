#include "utf8.h"

static int expected_length(uint8_t lead)
{
	if (lead < 0x80)
		return 1;
	if (lead >= 0xc2 && lead <= 0xdf)
		return 2;
	if (lead >= 0xe0 && lead <= 0xef)
		return 3;
	if (lead >= 0xf0 && lead <= 0xf4)
		return 4;
	return 0;
}

/* The allowed range of the second byte depends on the lead (RFC 3629). */
static int second_byte_ok(uint8_t lead, uint8_t b)
{
	uint8_t lo = 0x80, hi = 0xbf;

	if (lead == 0xe0)
		lo = 0xa0;
	else if (lead == 0xed)
		hi = 0x9f;
	else if (lead == 0xf0)
		lo = 0x90;
	else if (lead == 0xf4)
		hi = 0x8f;
	return b >= lo && b <= hi;
}

int utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	int n = expected_length(s[0]);
	uint32_t value;

	if (n == 0)
		return UTF8_INVALID;
	if (n == 1) {
		*cp = s[0];
		return 1;
	}
	value = s[0] & (0xff >> (n + 1));
	for (int i = 1; i < n; i++) {
		if ((size_t)i >= len)
			return UTF8_INCOMPLETE;
		if (i == 1 ? !second_byte_ok(s[0], s[1]) : (s[i] & 0xc0) != 0x80)
			return UTF8_INVALID;
		value = (value << 6) | (s[i] & 0x3f);
	}
	*cp = value;
	return n;
}
