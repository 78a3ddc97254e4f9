/* libFuzzer target: key files, signed checkpoints and files of kept
 * checkpoints (escortd's STATE/checkpoints/SESSION.notes) from hostile bytes. */
#include "log/checkpoint-file.h"
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
	struct kept_notes kept;
	struct error err;
	char *text;

	if (!ready) {
		keys_init(&err);
		signing_key_generate(&key, "escort", &err);
		ready = 1;
	}
	checkpoint_verify(data, size, &key, &cp, &err);
	checkpoint_parse(data, size, &cp, &err);
	if (kept_notes_parse(&kept, data, size, &err) == 0) {
		for (size_t i = 0; i < kept.count; i++)
			checkpoint_verify(kept.notes[i].text, kept.notes[i].len, &key, &cp, &err);
		kept_notes_free(&kept);
	}
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	signing_key_parse(&parsed, text, &err);
	auditor_key_parse(&auditor, text, &err);
	free(text);
	return 0;
}
