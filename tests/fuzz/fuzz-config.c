/* escortd's configuration parser on arbitrary bytes: refused with a line
 * and a reason, or accepted and queried, never a crash. */
#include "broker/config.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct broker_config c;
	struct error err;
	const char *rules[] = {"destruction.shred", "net.download"};

	if (config_parse((const char *)data, size, "fuzz.yaml", &c, &err) < 0)
		return 0;
	for (int level = 0; level < LEVEL_COUNT; level++)
		(void)config_action(&c, "alice", "db1", level, rules, 2);
	(void)config_person(&c, "*");
	config_free(&c);
	return 0;
}
