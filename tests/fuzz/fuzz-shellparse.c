/* libFuzzer target: the shell parser on arbitrary lines (no crash, bounded
 * time), and its fast way for plain words against tree-sitter: on every line
 * the fast way takes, both must find the same command. */
#include "risk/shellparse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void same_or_abort(const struct shell_parse *a, const struct shell_parse *b)
{
	if (a->ncmds != b->ncmds || a->error != b->error)
		abort();
	for (size_t i = 0; i < a->ncmds; i++) {
		const struct shell_command *x = &a->cmds[i], *y = &b->cmds[i];
		if (x->argc != y->argc || y->nassignments || y->nredirects ||
		    x->piped_to != y->piped_to || y->nesting)
			abort();
		for (size_t k = 0; k < x->argc; k++)
			if (strcmp(x->argv[k].text, y->argv[k].text) != 0 || y->argv[k].dynamic ||
			    y->argv[k].disguised)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct shell_parse p, fast;
	char *line = malloc(size + 1);

	memcpy(line, data, size);
	line[size] = '\0';
	if (shell_parse(line, size, &p) == 0)
		shell_parse_free(&p);
	if (shell_parse_plain(line, size, &fast)) {
		if (shell_parse_tree(line, size, &p) == 0) {
			same_or_abort(&fast, &p);
			shell_parse_free(&p);
		}
		shell_parse_free(&fast);
	}
	free(line);
	return 0;
}
