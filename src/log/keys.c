#include "keys.h"

#include "sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ALG_ED25519 0x01
#define AUDITOR_PUBLIC "escort-auditor-public"
#define AUDITOR_SECRET "escort-auditor-secret"

int keys_init(struct error *err)
{
	if (sodium_init() < 0)
		return error_set(err, "cannot initialise libsodium");
	return 0;
}

static int name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > KEY_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (name[i] <= 0x20 || name[i] >= 0x7f || name[i] == '+')
			return 0;
	return 1;
}

/* The signed-note key id: SHA-256(name || "\n" || alg || key), first 4 bytes. */
static uint32_t key_hash(const char *name, const uint8_t pk[32])
{
	uint8_t buf[KEY_NAME_MAX + 2 + 32], h[SHA256_LEN];
	size_t n = strlen(name);

	memcpy(buf, name, n);
	buf[n] = '\n';
	buf[n + 1] = ALG_ED25519;
	memcpy(buf + n + 2, pk, 32);
	sha256(buf, n + 2 + 32, h);
	return (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 | h[3];
}

int signing_key_generate(struct signing_key *k, const char *name, struct error *err)
{
	memset(k, 0, sizeof(*k));
	if (!name_ok(name))
		return error_set(err,
				 "key name '%s' must be 1-%d printable characters without "
				 "spaces or '+'",
				 name, KEY_NAME_MAX);
	snprintf(k->name, sizeof(k->name), "%s", name);
	crypto_sign_keypair(k->pk, k->sk);
	k->hash = key_hash(k->name, k->pk);
	k->has_secret = 1;
	return 0;
}

static void b64(const uint8_t *bin, size_t len, char *out, size_t size)
{
	sodium_bin2base64(out, size, bin, len, sodium_base64_VARIANT_ORIGINAL);
}

void signing_key_vkey(const struct signing_key *k, char *out, size_t size)
{
	uint8_t raw[33] = {ALG_ED25519};
	char enc[64];

	memcpy(raw + 1, k->pk, 32);
	b64(raw, sizeof(raw), enc, sizeof(enc));
	snprintf(out, size, "%s+%08x+%s", k->name, k->hash, enc);
}

void signing_key_skey(const struct signing_key *k, char *out, size_t size)
{
	uint8_t raw[33] = {ALG_ED25519};
	char enc[64];

	crypto_sign_ed25519_sk_to_seed(raw + 1, k->sk);
	b64(raw, sizeof(raw), enc, sizeof(enc));
	snprintf(out, size, "PRIVATE+KEY+%s+%08x+%s", k->name, k->hash, enc);
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(enc, sizeof(enc));
}

/* Splits "name+hash+base64" (text up to the first newline). */
static int parse_parts(const char *text, char *name, uint32_t *hash, uint8_t raw[33],
		       struct error *err)
{
	char line[256], *plus1, *plus2, *end;
	size_t n = strcspn(text, "\r\n"), raw_len = 0;

	if (n >= sizeof(line))
		return error_set(err, "key line is too long");
	memcpy(line, text, n);
	line[n] = '\0';
	plus1 = strchr(line, '+');
	plus2 = plus1 ? strchr(plus1 + 1, '+') : NULL;
	if (plus1 == NULL || plus2 == NULL || plus2 - plus1 != 9)
		return error_set(err, "not a key of the form NAME+HASH+KEY");
	*plus1 = *plus2 = '\0';
	if (!name_ok(line))
		return error_set(err, "bad key name '%s'", line);
	strcpy(name, line);
	errno = 0;
	*hash = (uint32_t)strtoul(plus1 + 1, &end, 16);
	if (*end != '\0' || errno != 0)
		return error_set(err, "bad key hash '%s'", plus1 + 1);
	if (sodium_base642bin(raw, 33, plus2 + 1, strlen(plus2 + 1), NULL, &raw_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    raw_len != 33 || raw[0] != ALG_ED25519)
		return error_set(err, "key is not a base64 Ed25519 key");
	return 0;
}

int signing_key_parse(struct signing_key *k, const char *text, struct error *err)
{
	static const char private_prefix[] = "PRIVATE+KEY+";
	int secret = strncmp(text, private_prefix, strlen(private_prefix)) == 0;
	uint8_t raw[33];

	memset(k, 0, sizeof(*k));
	if (parse_parts(secret ? text + strlen(private_prefix) : text, k->name, &k->hash, raw,
			err) < 0)
		return -1;
	if (secret) {
		crypto_sign_seed_keypair(k->pk, k->sk, raw + 1);
		k->has_secret = 1;
	} else {
		memcpy(k->pk, raw + 1, 32);
	}
	sodium_memzero(raw, sizeof(raw));
	if (key_hash(k->name, k->pk) != k->hash)
		return error_set(err, "key hash does not match the key");
	return 0;
}

static int read_small_file(const char *path, char *out, size_t size, struct error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return error_errno(err, "cannot open key file %s", path);
	n = read(fd, out, size - 1);
	close(fd);
	if (n < 0)
		return error_errno(err, "cannot read key file %s", path);
	out[n] = '\0';
	return 0;
}

/* Reads a small key file and parses it, naming the file in any error. */
static int load_key_file(const char *path, void *key,
			 int (*parse)(void *key, const char *text, struct error *err),
			 struct error *err)
{
	char text[512];
	struct error why;
	int rc = 0;

	if (read_small_file(path, text, sizeof(text), err) < 0)
		return -1;
	if (parse(key, text, &why) < 0)
		rc = error_set(err, "%s: %s", path, why.msg);
	sodium_memzero(text, sizeof(text));
	return rc;
}

static int parse_signing(void *key, const char *text, struct error *err)
{
	return signing_key_parse(key, text, err);
}

static int parse_auditor(void *key, const char *text, struct error *err)
{
	return auditor_key_parse(key, text, err);
}

int signing_key_load(struct signing_key *k, const char *path, struct error *err)
{
	return load_key_file(path, k, parse_signing, err);
}

void auditor_key_generate(struct auditor_key *k)
{
	crypto_box_keypair(k->pk, k->sk);
	k->has_secret = 1;
}

void auditor_key_format(const struct auditor_key *k, int secret, char *out, size_t size)
{
	char enc[64];

	b64(secret ? k->sk : k->pk, 32, enc, sizeof(enc));
	snprintf(out, size, "%s %s", secret ? AUDITOR_SECRET : AUDITOR_PUBLIC, enc);
	sodium_memzero(enc, sizeof(enc));
}

int auditor_key_parse(struct auditor_key *k, const char *text, struct error *err)
{
	size_t plen = strlen(AUDITOR_PUBLIC), slen = strlen(AUDITOR_SECRET), raw_len = 0;
	int secret = strncmp(text, AUDITOR_SECRET " ", slen + 1) == 0;
	const char *enc;
	uint8_t raw[32];

	memset(k, 0, sizeof(*k));
	if (!secret && strncmp(text, AUDITOR_PUBLIC " ", plen + 1) != 0)
		return error_set(err, "not an escort auditor key");
	enc = text + (secret ? slen : plen) + 1;
	if (sodium_base642bin(raw, sizeof(raw), enc, strcspn(enc, "\r\n"), NULL, &raw_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    raw_len != 32)
		return error_set(err, "auditor key is not 32 bytes of base64");
	if (secret) {
		memcpy(k->sk, raw, 32);
		crypto_scalarmult_base(k->pk, k->sk);
		k->has_secret = 1;
	} else {
		memcpy(k->pk, raw, 32);
	}
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

int auditor_key_load(struct auditor_key *k, const char *path, struct error *err)
{
	return load_key_file(path, k, parse_auditor, err);
}

int key_file_write(const char *path, const char *text, int mode, struct error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
	size_t len = strlen(text);

	if (fd < 0)
		return error_errno(err, "cannot create %s", path);
	if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) < 0) {
		error_errno(err, "cannot write %s", path);
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}
