/* Checkpoints in the C2SP tlog-checkpoint format, signed as a C2SP signed
 * note with Ed25519:
 *
 *   <origin>\n<tree size>\n<base64 root hash>\n\n— <key name> <base64(key id || signature)>\n
 */
#ifndef ESCORT_CHECKPOINT_H
#define ESCORT_CHECKPOINT_H

#include "keys.h"
#include "sha256.h"
#include "util/buf.h"
#include "util/error.h"

#include <stdint.h>

struct checkpoint {
	char origin[256];
	uint64_t size;
	uint8_t root[SHA256_LEN];
};

/* Appends the signed note for cp to out. */
void checkpoint_sign(const struct checkpoint *cp, const struct signing_key *key, struct buf *out);

/* Parses a signed note and verifies its signature by key. Returns 0, or -1
 * with err saying whether the note is malformed, unsigned by key, or forged. */
int checkpoint_verify(const uint8_t *note, size_t len, const struct signing_key *key,
		      struct checkpoint *cp, struct error *err);

#endif
