/* From parsed shell commands to the commands that really run: wrappers
 * (sudo, env, nohup, timeout, nice, xargs, find -exec, sh -c, eval, ssh ...)
 * are looked through, short options are split (-rf is -r -f), and the paths a
 * command writes or reads are collected, redirections included. */
#ifndef ESCORT_ANALYZE_H
#define ESCORT_ANALYZE_H

#include "shellparse.h"
#include "util/buf.h"

#include <stddef.h>

struct strlist {
	char **items;
	size_t n;
};

struct real_command {
	char *name;		 /* basename of the program that runs */
	char *path;		 /* as written (may contain a directory) */
	struct strlist args;	 /* everything after the name */
	struct strlist opts;	 /* options: "r", "f" from -rf; "force" from --force */
	struct strlist operands; /* arguments that are not options */
	struct strlist values;	 /* values of options that take one (profile.c) */
	struct strlist
	    writes; /* files written: redirections, tee, dd of=, sed -i, cp/mv targets ... */
	struct strlist reads; /* files read: < redirections and file operands */
	struct strlist env;   /* NAME=value set for it */
	char *piped_from;     /* the program whose output it reads, or NULL */
	char *source;	      /* the address that program downloads, or NULL */
	char *piped_to;	      /* the program that reads its output, or NULL */
	char *via;	      /* the wrappers it was found through, e.g. "sudo, sh -c" */
	char *remote_host;    /* runs on another host (ssh HOST CMD) */
	char *script;	      /* a script file it runs, when read */
	int verb;	      /* enum verb_kind (verbs.h): what its subcommand asks for */
	char *verb_word;      /* the word or query that decided verb, or NULL */
	int as_root;
	int name_dynamic;   /* its name is computed when the line runs */
	int name_disguised; /* its name was written with quotes or escapes */
	int nesting;
};

struct analysis {
	struct real_command *cmds;
	size_t n;
	int parse_error;
	int too_deep;
};

/* What the caller lets the analysis know about the script files a line or
 * an argv names (a file given to sh/bash, a program run by its path). The
 * analysis opens no file itself: a script it gets no text for is not looked
 * into. A NULL struct risk_input knows no script at all. */
struct risk_input {
	/* The text of the script the exec itself runs, as the caller read it:
	 * used for the first script named by the argv (not by a script's own
	 * text). NULL: not known. */
	const char *script;
	size_t script_len;
	/* Reads the script path names, at most max bytes, into out; returns 0,
	 * or -1 when it is not to be read. NULL: no other script is read. */
	int (*read_script)(void *ctx, const char *path, struct buf *out, size_t max);
	void *ctx;
	/* The exec's file is one of the system's installed programs (the
	 * gate's identity): without a rule it is rated low, since what it
	 * changes, where it connects and what it signals is held on its own. */
	int system_program;
};

/* Analyses a command line; the scripts in gives text for (at most 64 KiB
 * each) are analysed as well. */
int analyze_line(const char *line, size_t len, const struct risk_input *in, struct analysis *out);

/* Analyses one exec: argv as the kernel would run it. */
int analyze_argv(char *const *argv, const struct risk_input *in, struct analysis *out);

void analysis_free(struct analysis *a);

void strlist_add(struct strlist *l, const char *s);
void strlist_free(struct strlist *l);

#endif
