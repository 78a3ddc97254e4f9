/* libFuzzer target: key files and signed checkpoints from hostile bytes. */
#include "log/checkpoint.h"
#include "log/keys.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct signing_key key;
	static int ready;
	struct signing_key parsed;
	struct auditor_key auditor;
	struct checkpoint cp;
	struct error err;
	char *text;

	if (!ready) {
		keys_init(&err);
		signing_key_generate(&key, "escort", &err);
		ready = 1;
	}
	checkpoint_verify(data, size, &key, &cp, &err);
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	signing_key_parse(&parsed, text, &err);
	auditor_key_parse(&auditor, text, &err);
	free(text);
	return 0;
}
