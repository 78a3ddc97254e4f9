#include "check.h"
#include "log/crc32c.h"

#include <stdint.h>

/* Long buffers take the three-stream path; the result must not change. */
static void test_long_buffers(void)
{
	static uint8_t big[50000];
	uint32_t parts = 0;

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 131 + (i >> 7));
	for (size_t i = 0; i < sizeof(big); i++)
		parts = crc32c(parts, big + i, 1);
	CHECK(crc32c(0, big, sizeof(big)) == parts);
	CHECK(crc32c(0, big, 3 * 4096) == crc32c(crc32c(0, big, 4096), big + 4096, 2 * 4096));
}

int main(void)
{
	uint8_t data[1000];
	uint32_t whole, parts = 0;

	/* The check value from the CRC catalogue for CRC-32C. */
	CHECK(crc32c(0, "123456789", 9) == 0xe3069283u);
	CHECK(crc32c(0, "", 0) == 0);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 31 + 7);
	whole = crc32c(0, data, sizeof(data));
	for (size_t at = 0; at < sizeof(data); at += 13) {
		size_t n = sizeof(data) - at < 13 ? sizeof(data) - at : 13;
		parts = crc32c(parts, data + at, n);
	}
	CHECK(whole == parts);
	test_long_buffers();
	CHECK_DONE();
}
