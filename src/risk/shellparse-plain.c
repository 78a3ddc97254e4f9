/* The fast way through shell_parse for the commonest lines: plain words
 * separated by blanks ("ls -la /var/log", "systemctl status nginx"). Such a
 * line is one simple command whatever the shell; anything else (quotes,
 * expansions, operators, assignments, globs, comments, keywords) goes to
 * tree-sitter. tests/unit/test-shellparse.c checks both ways agree. */
#include "shellparse.h"

#include "util/grow.h"
#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

/* Bytes that mean nothing to the shell inside a word. */
static int plain_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("./_:,@%+-", c) != NULL;
}

/* Words the shell reads as part of its grammar when they come first. */
static int keyword(const char *w, size_t n)
{
	static const char *const words[] = {
	    "if",     "then",	"else",	   "elif",  "fi",	"case",	    "esac",  "for",
	    "select", "while",	"until",   "do",    "done",	"function", "time",  "coproc",
	    "in",     "export", "declare", "local", "readonly", "typeset",  "unset", NULL};

	for (size_t i = 0; words[i]; i++)
		if (strlen(words[i]) == n && memcmp(words[i], w, n) == 0)
			return 1;
	return 0;
}

/* A command name tree-sitter takes as one plain word: no keyword, no leading
 * dash, and none of % @ + : , (which its grammar reads otherwise at the start
 * of a command). */
static int plain_name(const char *w, size_t n)
{
	if (w[0] == '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (strchr("%@+:,", w[i]) != NULL)
			return 0;
	return !keyword(w, n);
}

int shell_parse_plain(const char *line, size_t len, struct shell_parse *out)
{
	struct shell_command c = {.piped_to = -1};
	size_t i = 0;

	for (size_t k = 0; k < len; k++)
		if (!plain_byte((unsigned char)line[k]) && line[k] != ' ' && line[k] != '\t')
			return 0;
	memset(out, 0, sizeof(*out));
	while (i < len) {
		size_t start;
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && line[i] != ' ' && line[i] != '\t')
			i++;
		if (c.argc == 0 && !plain_name(line + start, i - start))
			break;
		c.argv = grow_array(c.argv, c.argc, sizeof(*c.argv));
		c.argv[c.argc].text = xstrndup(line + start, i - start);
		c.argv[c.argc].dynamic = c.argv[c.argc].disguised = 0;
		c.argc++;
	}
	if (c.argc == 0 || i < len) { /* nothing, or not a plain name: the grammar decides */
		for (size_t k = 0; k < c.argc; k++)
			free(c.argv[k].text);
		free(c.argv);
		return 0;
	}
	out->cmds = xmalloc(sizeof(*out->cmds));
	out->cmds[0] = c;
	out->ncmds = 1;
	return 1;
}
