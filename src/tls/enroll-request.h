/* The checks on an EnrollRequest from the network (hostile bytes, fuzzed
 * by tests/fuzz/fuzz-enroll.c): a token of the right shape and a
 * certificate request signed by its own Ed25519 key. */
#ifndef ESCORT_TLS_ENROLL_REQUEST_H
#define ESCORT_TLS_ENROLL_REQUEST_H

#include "proto/frame.h"
#include "token.h"

#include <openssl/evp.h>

/* The token's hash in hash and the request's key in *pub (free with
 * EVP_PKEY_free), or -1 with err and *pub NULL. */
int enroll_request_check(const Escort__EnrollRequest *r, char hash[TOKEN_HASH_LEN], EVP_PKEY **pub,
			 struct error *err);

#endif
