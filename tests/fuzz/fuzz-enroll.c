/* Feeds hostile bytes to what escortd runs on an enrolment connection
 * before any token is looked up: the frame decoder, then the checks on an
 * EnrollRequest (the token's shape, the DER certificate request, its key
 * and signature). */
#include "proto/frame.h"
#include "tls/enroll-request.h"

#include <stddef.h>
#include <stdint.h>

static void check(const Escort__EnrollRequest *r)
{
	char hash[TOKEN_HASH_LEN];
	struct error err;
	EVP_PKEY *pub = NULL;

	if (enroll_request_check(r, hash, &pub, &err) == 0)
		EVP_PKEY_free(pub);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err;
	size_t used = 0;
	Frame *f;

	if (frame_parse(data, size, &used, &f, &err) != 1)
		return 0;
	if (f->body_case == ESCORT__FRAME__BODY_ENROLL_REQUEST)
		check(f->enroll_request);
	frame_free(f);
	return 0;
}
