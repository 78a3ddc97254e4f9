#include "transfer-command.h"

#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_WORDS 128

/* Splits s into words with sh's quoting ('...', "...", \x); anything else
 * the shell would interpret makes it not a plain command (returns 0). */
static size_t split_words(const char *s, char *words[], size_t max)
{
	size_t n = 0, len = strlen(s);
	char *cur = NULL, *out = NULL;

	for (size_t i = 0; i <= len; i++) {
		char ch = s[i];
		if (ch == '\0' || ch == ' ' || ch == '\t') {
			if (cur != NULL) {
				*out = '\0';
				words[n++] = cur;
				cur = NULL;
			}
			continue;
		}
		if (strchr(";&|<>`$(){}*?[]~#\n!", ch) != NULL || n + 1 >= max)
			goto not_plain;
		if (cur == NULL)
			cur = out = xcalloc(len + 1, 1);
		if (ch == '\'' || ch == '"') {
			const char *end = strchr(s + i + 1, ch);
			if (end == NULL ||
			    (ch == '"' && memchr(s + i + 1, '\\', (size_t)(end - s - i - 1))))
				goto not_plain;
			memcpy(out, s + i + 1, (size_t)(end - s - i - 1));
			out += end - s - i - 1;
			i = (size_t)(end - s);
		} else if (ch == '\\' && s[i + 1] != '\0') {
			*out++ = s[++i];
		} else {
			*out++ = ch;
		}
	}
	return n;
not_plain:
	free(cur);
	while (n > 0)
		free(words[--n]);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int has_word(char *const words[], size_t n, const char *w)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(words[i], w) == 0)
			return 1;
	return 0;
}

static void add_path(struct transfer_command *t, const char *p)
{
	if (t->n_paths < TRANSFER_MAX_PATHS)
		t->paths[t->n_paths++] = xstrdup(p);
}

/* scp's server: options, then the paths (-f: what it sends). */
static enum transfer_way scp_way(char *const w[], size_t n, struct transfer_command *t)
{
	int from = 0, to = 0;
	size_t i = 1;

	for (; i < n && w[i][0] == '-' && strcmp(w[i], "--") != 0; i++) {
		from |= strchr(w[i], 'f') != NULL;
		to |= strchr(w[i], 't') != NULL;
	}
	if (i < n && strcmp(w[i], "--") == 0)
		i++;
	if (from == to)
		return TRANSFER_NONE; /* the client side, or nonsense */
	for (; from && i < n; i++)
		add_path(t, w[i]);
	return from ? TRANSFER_DOWNLOAD : TRANSFER_UPLOAD;
}

/* rsync --server [--sender] OPTIONS . PATHS */
static enum transfer_way rsync_way(char *const w[], size_t n, struct transfer_command *t)
{
	size_t i = 1;

	if (!has_word(w, n, "--server"))
		return TRANSFER_NONE;
	if (!has_word(w, n, "--sender"))
		return TRANSFER_UPLOAD;
	while (i < n && strcmp(w[i], ".") != 0)
		i++;
	for (i++; i < n; i++)
		add_path(t, w[i]);
	return TRANSFER_DOWNLOAD;
}

/* sftp-server [-d START] ...: the folder relative names are taken from. */
static enum transfer_way sftp_way(char *const w[], size_t n, struct transfer_command *t)
{
	for (size_t i = 1; i + 1 < n; i++)
		if (strcmp(w[i], "-d") == 0)
			add_path(t, w[i + 1]);
	return TRANSFER_BOTH;
}

static enum transfer_way git_way(const char *program, char *const w[], size_t n,
				 struct transfer_command *t)
{
	size_t first = 1;

	if (strcmp(program, "git") == 0 && n > 1) {
		program = w[1];
		first = 2;
	}
	if (strcmp(program, "git-upload-pack") != 0 && strcmp(program, "upload-pack") != 0 &&
	    strcmp(program, "git-receive-pack") != 0 && strcmp(program, "receive-pack") != 0)
		return TRANSFER_NONE;
	t->repository = 1;
	if (first < n)
		add_path(t, w[n - 1]);
	return strstr(program, "upload") ? TRANSFER_DOWNLOAD : TRANSFER_UPLOAD;
}

static enum transfer_way classify(char *const w[], size_t n, struct transfer_command *t)
{
	const char *program;
	size_t len;

	if (w[0] == NULL)
		return TRANSFER_NONE;
	program = base_name(w[0]);
	len = strnlen(program, sizeof(t->program) - 1);
	memcpy(t->program, program, len);
	t->program[len] = '\0';
	if (strcmp(program, "scp") == 0)
		return scp_way(w, n, t);
	if (strcmp(program, "sftp-server") == 0)
		return sftp_way(w, n, t);
	if (strcmp(program, "rsync") == 0)
		return rsync_way(w, n, t);
	return git_way(program, w, n, t);
}

enum transfer_way transfer_command_parse(const struct command *cmd, struct transfer_command *t)
{
	char *words[MAX_WORDS];
	size_t n = 0;
	int split = strcmp(cmd->origin, "command") != 0;

	memset(t, 0, sizeof(*t));
	if (split && cmd->argv[0] && cmd->argv[1] && cmd->argv[2] &&
	    strcmp(cmd->argv[1], "-c") == 0)
		n = split_words(cmd->argv[2], words, MAX_WORDS);
	else if (!split)
		for (; cmd->argv[n] && n < MAX_WORDS; n++)
			words[n] = cmd->argv[n];
	if (n > 0)
		t->way = classify(words, n, t);
	for (size_t i = 0; split && i < n; i++)
		free(words[i]);
	if (t->way == TRANSFER_NONE)
		transfer_command_free(t);
	return t->way;
}

void transfer_command_free(struct transfer_command *t)
{
	for (size_t i = 0; i < t->n_paths; i++)
		free(t->paths[i]);
	t->n_paths = 0;
}
