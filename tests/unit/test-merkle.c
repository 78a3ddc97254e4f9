/* The Merkle tree against the RFC 6962 test vectors of Certificate
 * Transparency, and checkpoints: sign, verify, and every kind of forgery. */
#include "check.h"
#include "log/checkpoint.h"
#include "log/merkle.h"

static const char *leaves[] = {"",
			       "\x00",
			       "\x10",
			       "\x20\x21",
			       "\x30\x31",
			       "\x40\x41\x42\x43",
			       "\x50\x51\x52\x53\x54\x55\x56\x57",
			       "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
static const size_t leaf_len[] = {0, 1, 1, 2, 2, 4, 8, 16};
static const char *roots[] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

static void test_vectors(void)
{
	struct merkle m;
	uint8_t root[32];
	char hex[65];

	merkle_init(&m);
	merkle_root(&m, root);
	sodium_bin2hex(hex, sizeof(hex), root, 32);
	CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	for (int i = 0; i < 8; i++) {
		uint8_t leaf[32];
		merkle_leaf_hash(leaves[i], leaf_len[i], leaf);
		merkle_append(&m, leaf);
		merkle_root(&m, root);
		sodium_bin2hex(hex, sizeof(hex), root, 32);
		CHECK_STR(hex, roots[i]);
	}
}

static void test_checkpoints(void)
{
	struct signing_key k, other, parsed;
	struct checkpoint cp = {.origin = "escort/test/0011", .size = 8}, got;
	struct buf note = {0};
	struct error err;
	char vkey[256], skey[256];

	CHECK(keys_init(&err) == 0);
	CHECK(signing_key_generate(&k, "escort-test", &err) == 0);
	CHECK(signing_key_generate(&other, "escort-test", &err) == 0);
	CHECK(signing_key_generate(&k, "bad name", &err) < 0);
	CHECK(signing_key_generate(&k, "escort-test", &err) == 0);
	memset(cp.root, 0xab, sizeof(cp.root));
	checkpoint_sign(&cp, &k, &note);
	CHECK(strstr(buf_cstr(&note), "escort/test/0011\n8\n") == (const char *)note.data);
	CHECK(strstr(buf_cstr(&note), "\n\n\xe2\x80\x94 escort-test ") != NULL);
	CHECK(checkpoint_verify(note.data, note.len, &k, &got, &err) == 0);
	CHECK(got.size == 8 && memcmp(got.root, cp.root, 32) == 0);
	CHECK_STR(got.origin, "escort/test/0011");

	/* The verifier key alone (as in signing.pub) verifies too. */
	signing_key_vkey(&k, vkey, sizeof(vkey));
	CHECK(signing_key_parse(&parsed, vkey, &err) == 0 && !parsed.has_secret);
	CHECK(checkpoint_verify(note.data, note.len, &parsed, &got, &err) == 0);
	signing_key_skey(&k, skey, sizeof(skey));
	CHECK(signing_key_parse(&parsed, skey, &err) == 0 && parsed.has_secret);
	CHECK(memcmp(parsed.pk, k.pk, 32) == 0);
	vkey[strlen(vkey) - 3] ^= 1;
	CHECK(signing_key_parse(&parsed, vkey, &err) < 0);

	CHECK(checkpoint_verify(note.data, note.len, &other, &got, &err) < 0);
	CHECK(strstr(err.msg, "another key") != NULL || strstr(err.msg, "invalid") != NULL);
	note.data[17] = '9'; /* the tree size */
	CHECK(checkpoint_verify(note.data, note.len, &k, &got, &err) < 0);
	CHECK(strstr(err.msg, "invalid") != NULL);
	note.data[17] = '8';
	CHECK(checkpoint_verify(note.data, note.len - 1, &k, &got, &err) < 0);
	CHECK(checkpoint_verify(note.data, 10, &k, &got, &err) < 0);
	/* An empty note (a protobuf's empty bytes field: NULL, 0) is refused. */
	CHECK(checkpoint_verify(NULL, 0, &k, &got, &err) < 0);
	CHECK(checkpoint_parse(NULL, 0, &got, &err) < 0);
	buf_free(&note);
}

int main(void)
{
	test_vectors();
	test_checkpoints();
	CHECK_DONE();
}
