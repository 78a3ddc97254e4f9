/* libFuzzer target: what a browser sends the web console (form bodies and
 * Cookie headers) is decoded within its bounds, every decoded string is
 * NUL-free and no longer than its input, and nothing is given twice. */
#include "web/form.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void check_form(const char *text, size_t size)
{
	struct form f;
	const char *why = NULL;

	if (form_parse(&f, text, size, &why) < 0) {
		if (why == NULL)
			abort();
		return;
	}
	if (f.n > FORM_MAX_FIELDS)
		abort();
	for (size_t i = 0; i < f.n; i++) {
		if (strlen(f.fields[i].name) + strlen(f.fields[i].value) > size)
			abort();
		for (size_t k = 0; k < i; k++)
			if (strcmp(f.fields[i].name, f.fields[k].name) == 0)
				abort();
	}
	form_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	char value[64];

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_form(text, size);
	if (cookie_get(text, "__Host-escort", value, sizeof(value)) == 0 &&
	    strlen(value) >= sizeof(value))
		abort();
	free(text);
	return 0;
}
