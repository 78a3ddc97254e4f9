#include "report-tidy.h"

#include "util/xmalloc.h"

#include <stdlib.h>
#include <string.h>

void report_finding_free(struct finding *f)
{
	strlist_free(&f->attack);
	free(f->rule);
	free(f->explain);
	free(f->why);
	free(f->ask);
	free(f->undo);
}

/* The same finding, or the same rule asking the same question of another
 * command of the line (history -c && unset HISTFILE). */
static int same(const struct finding *a, const struct finding *b)
{
	return a->level == b->level && strcmp(a->rule, b->rule) == 0 &&
	       (strcmp(a->explain, b->explain) == 0 ||
		(strcmp(a->ask, b->ask) == 0 && strcmp(a->why, b->why) == 0));
}

/* The kept finding (of the first kept) that f repeats, or NULL. */
static struct finding *repeated(struct risk_report *r, size_t kept, const struct finding *f)
{
	for (size_t k = 0; k < kept; k++)
		if (same(&r->findings[k], f))
			return &r->findings[k];
	return NULL;
}

/* The same rule said of another command of the line with other words
 * (systemctl stop x && systemctl disable x): "It also turns off ...". */
static void say_also(struct finding *kept, const struct finding *f)
{
	size_t n = strlen(kept->explain), m = strlen(f->explain);
	char *s;

	if (m == 0 || strcmp(kept->explain, f->explain) == 0 ||
	    strstr(kept->explain, f->explain + 1))
		return;
	s = xmalloc(n + m + 16);
	memcpy(s, kept->explain, n);
	memcpy(s + n, " It also ", 9);
	s[n + 9] = (char)(f->explain[0] >= 'A' && f->explain[0] <= 'Z' ? f->explain[0] - 'A' + 'a'
								       : f->explain[0]);
	memcpy(s + n + 10, f->explain + 1, m);
	free(kept->explain);
	kept->explain = s;
}

static int top_level(const struct risk_report *r)
{
	int top = LEVEL_INFO;

	for (size_t i = 0; i < r->n; i++)
		top = r->findings[i].level > top ? r->findings[i].level : top;
	return top;
}

/* Everyday work or nothing to ask: noise beside a finding at high. */
static int everyday(const struct finding *f)
{
	return f->level <= LEVEL_LOW && (strncmp(f->rule, "everyday.", 9) == 0 ||
					 strncmp(f->ask, "Nothing to ask", 14) == 0);
}

/* A general finding about a file written (changes.*, system.write-etc),
 * said again by the rules about that file. */
static int general(const struct finding *f)
{
	return strncmp(f->rule, "changes.", 8) == 0 || strcmp(f->rule, "system.write-etc") == 0;
}

/* The first path f's explanation names ("/etc/sudoers"), into out. */
static int first_path(const struct finding *f, char *out, size_t size)
{
	const char *p = f->explain;

	while (*p && !(p[0] == '/' && (p == f->explain || p[-1] == ' ')))
		p++;
	size_t n = strcspn(p, " ,;:()");
	while (n > 0 && p[n - 1] == '.')
		n--; /* the sentence's full stop */
	if (*p == '\0' || n < 2 || n >= size)
		return 0;
	memcpy(out, p, n);
	out[n] = '\0';
	return 1;
}

static int names_path(const struct finding *f, const char *path)
{
	size_t n = strlen(path);

	for (const char *at = strstr(f->explain, path); at; at = strstr(at + 1, path))
		if (strchr(" ,;:().", at[n]) != NULL)
			return 1;
	return 0;
}

/* A general finding about a file that another finding kept, at its level or
 * above, already names. */
static int said_already(const struct risk_report *r, size_t kept, const struct finding *f)
{
	char path[512];

	if (!general(f) || !first_path(f, path, sizeof(path)))
		return 0;
	for (size_t k = 0; k < kept; k++)
		if (r->findings[k].level >= f->level && names_path(&r->findings[k], path))
			return 1;
	return 0;
}

/* Drops repeated findings, and everyday ones on a line with one at high. */
static void drop_noise(struct risk_report *r)
{
	int quiet_low = top_level(r) >= LEVEL_HIGH;
	size_t kept = 0;

	for (size_t i = 0; i < r->n; i++) {
		struct finding *twin = repeated(r, kept, &r->findings[i]);
		if (twin)
			say_also(twin, &r->findings[i]);
		if (twin || (quiet_low && everyday(&r->findings[i])) ||
		    said_already(r, kept, &r->findings[i]))
			report_finding_free(&r->findings[i]);
		else
			r->findings[kept++] = r->findings[i];
	}
	r->n = kept;
}

/* How hopeful an undo answer is: 0 "no", 1 "only ...", "often not", 2
 * "partly", 3 "yes ..." and other ways back; -1 for no answer ("unknown",
 * "nothing to undo"). */
static int hope(const char *undo)
{
	if (strncmp(undo, "no", 2) == 0 && strncmp(undo, "nothing", 7) != 0)
		return 0;
	if (strncmp(undo, "only", 4) == 0 || strncmp(undo, "often not", 9) == 0)
		return 1;
	if (strncmp(undo, "partly", 6) == 0)
		return 2;
	if (strcmp(undo, "unknown") == 0 || strncmp(undo, "nothing", 7) == 0)
		return -1;
	return 3;
}

/* Every answer becomes the most pessimistic one. */
static void one_undo(struct risk_report *r)
{
	const char *worst = NULL;

	for (size_t i = 0; i < r->n; i++) {
		int h = hope(r->findings[i].undo);
		if (h >= 0 && (worst == NULL || h < hope(worst)))
			worst = r->findings[i].undo;
	}
	if (worst == NULL)
		return;
	worst = xstrdup(worst);
	for (size_t i = 0; i < r->n; i++) {
		if (hope(r->findings[i].undo) < 0 || strcmp(r->findings[i].undo, worst) == 0)
			continue;
		free(r->findings[i].undo);
		r->findings[i].undo = xstrdup(worst);
	}
	free((char *)worst);
}

void report_tidy(struct risk_report *r)
{
	drop_noise(r);
	one_undo(r);
}
