/* CRC-32C (Castagnoli), as used by iSCSI, ext4 and LevelDB. */
#ifndef ESCORT_CRC32C_H
#define ESCORT_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Extends crc (0 to start) over data. */
uint32_t crc32c(uint32_t crc, const void *data, size_t len);

#endif
