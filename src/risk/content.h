/* What is written into files that run later: the text echo or printf puts
 * into a cron table, a systemd unit, an rc or login file (or pipes into
 * crontab) is itself commands, and is analysed as such ("* * * * * bash -i
 * >& /dev/tcp/..." into /etc/cron.d is a reverse shell, not a write). */
#ifndef ESCORT_CONTENT_H
#define ESCORT_CONTENT_H

#include "analyze.h"

/* The command lines c writes into a file that runs later, one per item
 * (cron schedules, a crontab's user column and systemd's "ExecStart=" taken
 * off); none when c writes no such file. *where is set to the file or
 * "crontab". */
void content_commands(const struct real_command *c, struct strlist *out, const char **where);

#endif
