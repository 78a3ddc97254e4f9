/* What every YAML reader here needs from a libyaml document node: its text
 * when it is a scalar, and an error naming the file and the node's line. */
#ifndef ESCORT_YAML_NODE_H
#define ESCORT_YAML_NODE_H

#include "error.h"

#include <yaml.h>

const char *yaml_node_text(const yaml_node_t *n);
/* fmt has one %s, for what. Returns -1. */
int yaml_node_fail(struct error *err, const char *file, const yaml_node_t *n, const char *fmt,
		   const char *what);

#endif
