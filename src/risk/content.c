#include "content.h"

#include "util/buf.h"

#include <ctype.h>
#include <fnmatch.h>
#include <string.h>

/* Files whose content runs later. */
static const char *const run_later[] = {"/etc/cron*",
					"/var/spool/cron/*",
					"/etc/systemd/*",
					"/lib/systemd/*",
					"/usr/lib/systemd/*",
					"*/.config/systemd/*",
					"/etc/rc.local",
					"/etc/rc*.d/*",
					"/etc/init.d/*",
					"/etc/profile",
					"/etc/profile.d/*",
					"/etc/bash.bashrc",
					"*/.bashrc",
					"*/.profile",
					"*/.bash_profile",
					"*/.bash_login",
					"*/.bash_logout",
					"*/.zshrc",
					"*/.zprofile",
					"*/.zshenv",
					"*/.config/autostart/*",
					"/etc/xdg/autostart/*",
					"/etc/update-motd.d/*",
					"/etc/init/*",
					"/etc/anacrontab",
					"/etc/periodic/*",
					"*/.xinitrc",
					"*/.xsession*",
					"/etc/NetworkManager/dispatcher.d/*",
					"/etc/network/if-*",
					"/etc/apt/apt.conf.d/*",
					NULL};

static int runs_later(const char *path)
{
	for (size_t i = 0; run_later[i]; i++)
		if (fnmatch(run_later[i], path, 0) == 0)
			return 1;
	return 0;
}

static int is_schedule_field(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)w[i]) && strchr("*/,-", w[i]) == NULL &&
		    !isalpha((unsigned char)w[i]))
			return 0;
	return n > 0 && n < 20;
}

/* Skips n words of s. */
static const char *skip_words(const char *s, int n)
{
	for (int i = 0; i < n; i++) {
		s += strspn(s, " \t");
		s += strcspn(s, " \t");
	}
	return s + strspn(s, " \t");
}

/* "* * * * * [user] command" and "@reboot [user] command": the command. */
static const char *cron_command(const char *s, int with_user)
{
	const char *p = s + strspn(s, " \t");
	int fields = 0;

	if (*p == '@')
		return skip_words(p, 1 + with_user);
	for (const char *w = p; fields < 5; fields++) {
		size_t n;
		w += strspn(w, " \t");
		n = strcspn(w, " \t");
		if (!is_schedule_field(w, n))
			return s;
		w += n;
	}
	return skip_words(p, 5 + with_user);
}

/* "ExecStart=-/usr/bin/x": the command; other "Key=value" lines: none. */
static const char *unit_command(const char *s)
{
	const char *eq = strchr(s, '=');

	if (strncmp(s, "Exec", 4) != 0 || eq == NULL)
		return NULL;
	eq++;
	return eq + strspn(eq, "-@+!:");
}

static void add_line(struct strlist *out, struct strlist *when, const char *target, const char *s,
		     size_t n, int cron, int with_user)
{
	struct buf b = {0};
	const char *cmd;
	char words[160];

	buf_append(&b, s, n);
	cmd = buf_cstr(&b);
	cmd += strspn(cmd, " \t");
	if (*cmd == '[' || *cmd == '#' || *cmd == '\0') {
		buf_free(&b);
		return;
	}
	if (strncmp(cmd, "Exec", 4) == 0)
		cmd = unit_command(cmd);
	else if (cron)
		cmd = cron_command(cmd, with_user);
	if (cmd != NULL && *cmd != '\0') {
		content_when(target, buf_cstr(&b), words, sizeof(words));
		strlist_add(out, cmd);
		strlist_add(when, words);
	}
	buf_free(&b);
}

/* Lines split at newlines and at printf's "\n". */
static void split_lines(const char *text, struct strlist *out, struct strlist *when,
			const char *target, int cron, int with_user)
{
	const char *s = text;

	while (*s) {
		const char *nl = strchr(s, '\n'), *esc = strstr(s, "\\n");
		const char *end = nl && (!esc || nl < esc) ? nl : esc;
		size_t n = end ? (size_t)(end - s) : strlen(s);
		add_line(out, when, target, s, n, cron, with_user);
		s += n;
		if (*s)
			s += *s == '\n' ? 1 : 2;
	}
}

void content_commands(const struct real_command *source, const struct real_command *writer,
		      struct strlist *out, struct strlist *when, const char **where)
{
	const struct real_command *c = source;
	const char *target = NULL;
	struct buf text = {0};
	int cron, with_user;

	if (strcmp(c->name, "echo") != 0 && strcmp(c->name, "printf") != 0)
		return;
	if (writer->piped_to && strcmp(writer->piped_to, "crontab") == 0)
		target = "crontab";
	for (size_t i = 0; target == NULL && i < writer->writes.n; i++)
		if (runs_later(writer->writes.items[i]))
			target = writer->writes.items[i];
	if (target == NULL)
		return;
	for (size_t i = 0; i < c->operands.n; i++) {
		if (i)
			buf_putc(&text, ' ');
		buf_append_str(&text, c->operands.items[i]);
	}
	cron = strcmp(target, "crontab") == 0 || strstr(target, "cron") != NULL;
	with_user = strcmp(target, "/etc/crontab") == 0 || strncmp(target, "/etc/cron.d/", 12) == 0;
	split_lines(text.len ? buf_cstr(&text) : "", out, when, target, cron, with_user);
	*where = target;
	buf_free(&text);
}
