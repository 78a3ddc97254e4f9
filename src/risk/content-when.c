/* When a line written into a file that runs later will run, in words: a
 * cron schedule ("every 5 minutes"), "@reboot" ("at every start of the
 * machine"), a systemd unit's Exec line ("whenever the service starts"), a
 * login file ("at every login"); and what that file is. */
#include "content.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *word, *when;
} specials[] = {
    {"@reboot", "at every start of the machine"},
    {"@hourly", "every hour"},
    {"@daily", "every day"},
    {"@midnight", "every day"},
    {"@weekly", "every week"},
    {"@monthly", "every month"},
    {"@yearly", "every year"},
    {"@annually", "every year"},
};

static int any(const char *f, size_t n)
{
	return n == 1 && *f == '*';
}

static int number(const char *f, size_t n)
{
	return n > 0 && n < 3 && strspn(f, "0123456789") >= n;
}

/* The five fields of "m h dom mon dow command", in words. */
static void five_fields(const char *line, char *out, size_t size)
{
	const char *f[5], *p = line;
	size_t n[5];
	int days;

	for (int i = 0; i < 5; i++) {
		p += strspn(p, " \t");
		f[i] = p;
		n[i] = strcspn(p, " \t");
		p += n[i];
	}
	days = any(f[2], n[2]) && any(f[3], n[3]) && any(f[4], n[4]);
	if (days && any(f[0], n[0]) && any(f[1], n[1]))
		snprintf(out, size, "every minute");
	else if (days && any(f[1], n[1]) && strncmp(f[0], "*/", 2) == 0)
		snprintf(out, size, "every %.*s minutes", (int)(n[0] - 2), f[0] + 2);
	else if (days && any(f[1], n[1]) && number(f[0], n[0]))
		snprintf(out, size, "every hour");
	else if (days && number(f[0], n[0]) && number(f[1], n[1]))
		snprintf(out, size, "every day at %02ld:%02ld", strtol(f[1], NULL, 10),
			 strtol(f[0], NULL, 10));
	else
		snprintf(out, size, "on the schedule \u201c%.*s\u201d", (int)(p - line), line);
}

void content_when(const char *target, const char *line, char *out, size_t size)
{
	line += strspn(line, " \t");
	if (strstr(target, "cron") != NULL || strcmp(target, "crontab") == 0) {
		for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
			if (strncmp(line, specials[i].word, strlen(specials[i].word)) == 0) {
				snprintf(out, size, "%s", specials[i].when);
				return;
			}
		five_fields(line, out, size);
	} else if (strstr(target, "systemd") != NULL) {
		snprintf(out, size, "whenever the service starts");
	} else if (fnmatch("/etc/rc*", target, 0) == 0 || strncmp(target, "/etc/init", 9) == 0) {
		snprintf(out, size, "at every start of the machine");
	} else {
		snprintf(out, size, "at every login or later");
	}
}

void content_place(const char *target, char *out, size_t size)
{
	if (strcmp(target, "crontab") == 0)
		snprintf(out, size, "the account's scheduled jobs (crontab)");
	else if (strstr(target, "cron") != NULL)
		snprintf(out, size, "the scheduled jobs (%s)", target);
	else if (strstr(target, "systemd") != NULL)
		snprintf(out, size, "a service definition (%s)", target);
	else
		snprintf(out, size, "a file that runs by itself later (%s)", target);
}

char *content_planted(const char *via, const char *explain)
{
	const char *to = strstr(via, "written to "), *run;
	char place[400], target[300], *s;
	size_t tn, len;

	if (to == NULL || (run = strstr(to, ", run ")) == NULL)
		return NULL;
	to += strlen("written to ");
	tn = (size_t)(run - to) < sizeof(target) ? (size_t)(run - to) : sizeof(target) - 1;
	memcpy(target, to, tn);
	target[tn] = '\0';
	content_place(target, place, sizeof(place));
	run += strlen(", run ");
	char when[200];
	size_t wn = strcspn(run, ",");
	snprintf(when, sizeof(when), "%.*s", (int)wn, run);
	run = when;
	len = strlen(place) + strlen(run) + strlen(explain) + 64;
	s = malloc(len);
	if (s == NULL)
		return NULL;
	snprintf(s, len, "Written into %s, to run %s from then on, not now: %c%s", place, run,
		 explain[0] >= 'A' && explain[0] <= 'Z' ? explain[0] - 'A' + 'a' : explain[0],
		 explain[0] ? explain + 1 : "");
	return s;
}
