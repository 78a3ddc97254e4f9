/* {prune}: what docker's and podman's prune commands delete, by what is
 * pruned and their options: "system prune -a --volumes" deletes every
 * stopped container, every image no container uses and every volume (stored
 * data) no container uses, with its data. Text only. */
#include "describe-prune.h"

#include <string.h>

static int has(const struct real_command *c, const char *opt)
{
	for (size_t i = 0; i < c->opts.n; i++)
		if (strcmp(c->opts.items[i], opt) == 0)
			return 1;
	return 0;
}

static const char *kind_before_prune(const struct real_command *c)
{
	for (size_t i = 1; i < c->operands.n; i++)
		if (strcmp(c->operands.items[i], "prune") == 0)
			return c->operands.items[i - 1];
	return NULL;
}

static void images(struct buf *b, int all)
{
	buf_append_str(b, all ? "every image (installed application) no container uses"
			      : "the unnamed, left-over images");
}

int describe_prune(struct buf *b, const struct real_command *c)
{
	const char *kind = kind_before_prune(c);
	int all = has(c, "a") || has(c, "all"), volumes = has(c, "volumes");

	if (kind == NULL)
		return 0;
	if (strcmp(kind, "system") == 0) {
		buf_append_str(b, "Deletes every stopped container, every unused network, ");
		images(b, all);
		buf_append_str(b, volumes
				      ? " and every volume (stored data) no container uses, with "
					"its data"
				      : " and the build cache; stored data (volumes) is kept");
	} else if (strcmp(kind, "container") == 0) {
		buf_append_str(b, "Deletes every stopped container");
	} else if (strcmp(kind, "image") == 0) {
		buf_append_str(b, "Deletes ");
		images(b, all);
	} else if (strcmp(kind, "volume") == 0) {
		buf_append_str(b,
			       "Deletes every volume (stored data) no running container uses, with "
			       "its data");
	} else if (strcmp(kind, "network") == 0) {
		buf_append_str(b, "Deletes every network no container uses");
	} else if (strcmp(kind, "builder") == 0 || strcmp(kind, "buildx") == 0) {
		buf_append_str(b, "Deletes the build cache");
	} else {
		return 0;
	}
	return 1;
}
