/* libFuzzer target: a Host, Origin or Referer header the web console is
 * sent is read within its bounds; a Host is allowed only when it names one
 * of the console's names exactly (without case), an Origin or Referer only
 * when it is https:// and that Host, whatever else it holds. */
#include "web/origin.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const names[] = {"localhost", "127.0.0.1", "[::1]", "console.example.org"};
#define N_NAMES (sizeof(names) / sizeof(names[0]))

/* An allowed header begins with one of the names (after "https://"). */
static void check_starts_with_a_name(const char *s)
{
	for (size_t i = 0; i < N_NAMES; i++)
		if (strncasecmp(s, names[i], strlen(names[i])) == 0)
			return;
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (origin_host_allowed(text, names, N_NAMES))
		check_starts_with_a_name(text);
	if (origin_url_same(text, "localhost:8443") &&
	    (strncasecmp(text, "https://localhost:8443", 22) != 0 || !strchr("/?#", text[22])))
		abort();
	(void)origin_name_ok(text);
	free(text);
	return 0;
}
