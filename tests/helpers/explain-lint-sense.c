#include "explain-lint-sense.h"

#include <stdio.h>
#include <string.h>

/* One command, no pipes, lists or substitutions. */
static int lone_command(const char *line)
{
	return strpbrk(line, "|;&`") == NULL && strstr(line, "$(") == NULL;
}

static int loopback_word(const char *w)
{
	static const char *const own[] = {"localhost", "127.0.0.1", "[::1]", NULL};

	for (size_t i = 0; own[i]; i++)
		if (strstr(w, own[i]))
			return 1;
	return 0;
}

/* Every host-like word of the line (a URL, user@host, an address) is this
 * machine's own, and there is one. */
static int only_loopback(const char *line)
{
	int own = 0;
	char copy[4096], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		int hostish =
		    strstr(w, "://") != NULL || strchr(w, '@') != NULL ||
		    (strspn(w, "0123456789.:[]") == strlen(w) && strchr(w, '.') && strlen(w) >= 7);
		if (loopback_word(w))
			own = 1;
		else if (hostish)
			return 0;
	}
	return own;
}

const char *sense_loopback(const char *line, const char *text)
{
	if (only_loopback(line) && strstr(text, "another computer") &&
	    !strstr(text, "nothing goes to another computer"))
		return "this machine's own address called another computer";
	return NULL;
}

/* The last word of a lone scp/rsync is HOST:PATH and the first operand not. */
static int sends_out(const char *line)
{
	const char *last = strrchr(line, ' ');
	const char *colon;

	if (!lone_command(line) || (strncmp(line, "scp ", 4) != 0 && strncmp(line, "rsync ", 6)))
		return 0;
	if (last == NULL || (colon = strchr(last + 1, ':')) == NULL || strstr(last, "://"))
		return 0;
	/* every earlier word is local: no HOST:PATH before the target */
	for (const char *p = strchr(line, ' '); p && p < last; p = strchr(p + 1, ' ')) {
		const char *end = strchr(p + 1, ' ');
		const char *c = strchr(p + 1, ':');
		if (p[1] != '-' && c && end && c < end)
			return 0;
	}
	return colon != last + 1;
}

/* A lone cloud copy (aws s3, gsutil) whose last word is a bucket. */
static int sends_to_bucket(const char *line)
{
	const char *last = strrchr(line, ' ');

	if (!lone_command(line) || last == NULL ||
	    (strncmp(line, "aws s3 ", 7) != 0 && strncmp(line, "gsutil ", 7) != 0))
		return 0;
	return strncmp(last + 1, "s3://", 5) == 0 || strncmp(last + 1, "gs://", 5) == 0;
}

const char *sense_direction(const char *line, const char *text)
{
	if ((sends_out(line) && strstr(text, "to this one")) ||
	    (sends_to_bucket(line) && strstr(text, "to this machine")))
		return "an upload explained as a download";
	return NULL;
}

/* A > or >> outside quotes. */
static int redirects_out(const char *line)
{
	char q = 0;

	for (const char *p = line; *p; p++) {
		if (q) {
			q = *p == q ? 0 : q;
		} else if (*p == '\'' || *p == '"') {
			q = *p;
		} else if (*p == '>' && (p == line || p[-1] != '2') && p[1] != '&') {
			return 1;
		}
	}
	return 0;
}

const char *sense_writes(const char *line, const char *text)
{
	if (lone_command(line) && redirects_out(line) &&
	    (strstr(text, "changes nothing") || strstr(text, "nothing is changed")))
		return "a command that writes a file said to change nothing";
	return NULL;
}

/* The program names of the line: its first word and those after a wrapper
 * or a pipe. */
static int is_program(const char *line, const char *w, size_t n)
{
	static const char *const before[] = {"", "sudo ", "| ", "&& ", "; ", "|| ", "xargs ", NULL};

	for (size_t i = 0; before[i]; i++) {
		size_t b = strlen(before[i]);
		for (const char *at = strstr(line, before[i]); at; at = strstr(at + 1, before[i])) {
			if (b == 0 && at != line)
				break;
			if (strncmp(at + b, w, n) == 0 && (at[b + n] == ' ' || at[b + n] == '\0'))
				return 1;
			if (b == 0)
				break;
		}
	}
	return 0;
}

/* Words from the start of at's sentence to at, or a large number when one
 * of them names a thing (a path, a file, quoted text). */
static size_t words_before(const char *text, const char *at)
{
	size_t n = 0;
	const char *p = at;

	for (; p > text && !(p[-1] == '.' && p[0] == ' ') && p[-1] != ';'; p--)
		n += *p == ' ';
	for (; p < at; p++)
		if (*p == '/' || (*p == '.' && p[1] != ' '))
			return 99;
	return n;
}

/* "Asks PROG to ...", or "VERB [or VERB] data with PROG": the program is all
 * the sentence names. */
const char *sense_name_drop(const char *line, const char *plain)
{
	static const char *const roles[] = {"Asks ", " with ", NULL};

	for (size_t i = 0; roles[i]; i++)
		for (const char *at = strstr(plain, roles[i]); at; at = strstr(at + 1, roles[i])) {
			const char *p = at + strlen(roles[i]);
			size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-_.");
			while (n > 0 && p[n - 1] == '.')
				n--;
			if (n > 1 && (i == 0 || words_before(plain, at) <= 4) &&
			    is_program(line, p, n))
				return "the program's name used as the thing it acts on";
		}
	return NULL;
}

const char *sense_contradiction(const char *line, const struct risk_report *r,
				const struct finding *f)
{
	if (!lone_command(line) || strncmp(f->ask, "Nothing to ask", 14) != 0)
		return NULL;
	for (size_t i = 0; i < r->n; i++)
		if (r->findings[i].level >= LEVEL_HIGH)
			return "says there is nothing to ask beside a finding at high";
	return NULL;
}
