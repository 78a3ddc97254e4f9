/* What is written into files that run later: the text echo or printf puts
 * into a cron table, a systemd unit, an rc or login file (or pipes into
 * crontab) is itself commands, and is analysed as such ("* * * * * bash -i
 * >& /dev/tcp/..." into /etc/cron.d is a reverse shell, not a write). */
#ifndef ESCORT_CONTENT_H
#define ESCORT_CONTENT_H

#include "analyze.h"

/* The command lines written into a file that runs later, one per item
 * (cron schedules, a crontab's user column and systemd's "ExecStart=" taken
 * off): the text is source's (echo or printf), the files are writer's (the
 * same command, or the tee it pipes into); none when no such file is
 * written. *where is set to the file or "crontab". */
void content_commands(const struct real_command *source, const struct real_command *writer,
		      struct strlist *out, struct strlist *when, const char **where);

/* When a content line of target runs, in words ("every 5 minutes", "at every
 * start of the machine"), from the line as written (content-when.c). */
void content_when(const char *target, const char *line, char *out, size_t size);

/* The explanation of a finding about a command written into a file that
 * runs later, said as such: "Written into the account's scheduled jobs
 * (crontab), to run every minute from then on, not now: downloads ...".
 * via is the command's; NULL when it was not written into such a file.
 * The caller frees the result. */
char *content_planted(const char *via, const char *explain);

/* What target is, in words ("the account's scheduled jobs (crontab)"). */
void content_place(const char *target, char *out, size_t size);

#endif
