#include "yaml-node.h"

#include <stdio.h>

const char *yaml_node_text(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int yaml_node_fail(struct error *err, const char *file, const yaml_node_t *n, const char *fmt,
		   const char *what)
{
	char msg[300];

	snprintf(msg, sizeof(msg), fmt, what);
	return error_set(err, "%s:%lu: %s", file, n ? (unsigned long)n->start_mark.line + 1 : 0ul,
			 msg);
}
