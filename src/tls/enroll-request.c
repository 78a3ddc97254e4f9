#include "enroll-request.h"

#include "csr.h"

#include <string.h>

int enroll_request_check(const Escort__EnrollRequest *r, char hash[TOKEN_HASH_LEN], EVP_PKEY **pub,
			 struct error *err)
{
	const char *token = r->token ? r->token : "";

	*pub = NULL;
	if (token_hash(token, strnlen(token, TOKEN_LEN), hash, err) < 0)
		return -1;
	*pub = csr_check(r->csr.data, r->csr.len, err);
	return *pub ? 0 : -1;
}
