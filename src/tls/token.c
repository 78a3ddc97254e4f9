#include "token.h"

#include "tls-error.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>

static void hex(const unsigned char *raw, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

int token_new(char out[TOKEN_LEN], struct error *err)
{
	unsigned char raw[32];

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return tls_error(err, "cannot make a token");
	hex(raw, sizeof(raw), out);
	return 0;
}

static int is_token(const char *token, size_t len)
{
	if (len != TOKEN_LEN - 1)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((token[i] >= '0' && token[i] <= '9') || (token[i] >= 'a' && token[i] <= 'f')))
			return 0;
	return 1;
}

int token_hash(const char *token, size_t len, char out[TOKEN_HASH_LEN], struct error *err)
{
	unsigned char md[32];
	unsigned int md_len = 0;

	if (!is_token(token, len))
		return error_set(err, "a token is %d lowercase hex digits", TOKEN_LEN - 1);
	if (EVP_Digest(token, len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len != sizeof(md))
		return tls_error(err, "cannot hash the token");
	hex(md, sizeof(md), out);
	return 0;
}
