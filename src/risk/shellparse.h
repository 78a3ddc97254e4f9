/* Parsing a shell command line with tree-sitter-bash into the simple
 * commands it would run, wherever they stand: in pipelines, lists, subshells,
 * command and process substitutions, loops and functions. The risk engine
 * rates what this finds. Every byte of the line is hostile. */
#ifndef ESCORT_SHELLPARSE_H
#define ESCORT_SHELLPARSE_H

#include <stddef.h>

/* What the shell would see for a word, as far as it is known before running. */
struct shell_word {
	char *text;    /* the value when static; the source text when not */
	int dynamic;   /* contains an expansion or substitution: value known only at run time */
	int disguised; /* quotes, escapes or $'..' inside a plain name (r\m, 'rm', $'\x72m') */
};

struct shell_redirect {
	char op[4]; /* ">", ">>", "<", "&>", ">|", "<<", "<<<" ... */
	int fd;	    /* the descriptor written before the operator, or -1 */
	struct shell_word target;
	int writes; /* the target is a file that is written */
};

struct shell_command {
	struct shell_word *argv; /* argv[0] is the command name */
	size_t argc;
	struct shell_word *assignments; /* NAME=value before the command */
	size_t nassignments;
	struct shell_redirect *redirects;
	size_t nredirects;
	int piped_to; /* index of the command this one's output is piped into, or -1 */
	int nesting;  /* 0 at top level; +1 in each substitution */
};

struct shell_parse {
	struct shell_command *cmds;
	size_t ncmds;
	int error; /* the line does not parse cleanly (or parsing timed out) */
};

/* Parses line[0..len). Returns 0, or -1 when out of memory. Parsing is
 * bounded in time; a line that does not parse sets out->error. */
int shell_parse(const char *line, size_t len, struct shell_parse *out);
void shell_parse_free(struct shell_parse *p);
/* shell_parse's two ways: a line of plain words separated by blanks is split
 * at once (returns 1; 0 leaves out to the other way), anything else goes to
 * tree-sitter. They agree on every line the first takes. */
int shell_parse_plain(const char *line, size_t len, struct shell_parse *out);
int shell_parse_tree(const char *line, size_t len, struct shell_parse *out);
/* Frees this thread's parser (kept between calls); call before the thread ends. */
void shell_parser_release(void);

#endif
