#include "change-rate.h"

#include "others-files.h"

#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The account's home, looked up once per account the gate meets. */
const char *change_rate_home(uid_t uid)
{
	static uid_t known = (uid_t)-1;
	static char home[PATH_MAX];
	struct passwd *pw;

	if (uid == known)
		return home;
	pw = getpwuid(uid);
	snprintf(home, sizeof(home), "%s", pw && pw->pw_dir ? pw->pw_dir : "");
	known = uid;
	return home;
}

/* /run/user/UID is a scratch folder for account UID only: another account's
 * holds its session bus, its systemd's runtime units and its agents'
 * sockets, which that account's programs trust as their own. */
static int others_runtime_folder(const char *path, uid_t uid)
{
	static const char prefix[] = "/run/user/";
	const char *digits = path + sizeof(prefix) - 1;
	char *end;
	unsigned long owner;

	if (strncmp(path, prefix, sizeof(prefix) - 1) != 0 || *digits < '0' || *digits > '9')
		return 0;
	owner = strtoul(digits, &end, 10);
	return (*end == '/' || *end == '\0') && owner != (unsigned long)uid;
}

static void rate_path(const struct change_rater *cr, const struct change *c, const char *path,
		      const struct creds *who, struct risk_report *r)
{
	char tilde[PATH_MAX + 2];
	const char *home = change_rate_home(who->fsuid);
	struct risk_report more;

	if (path[0] != '/') /* a pipe, a socket: no file */
		return;
	risk_rate_change(cr->risk, change_kind_name(c->kind), path,
			 risk_home_relative(path, home, tilde, sizeof(tilde)), who->fsuid == 0,
			 &more);
	for (size_t i = 0; i < more.n; i++) {
		const struct finding *f = &more.findings[i];
		risk_report_add(r, f->rule, f->level, f->explain, f->why, f->ask,
				f->attack.n ? f->attack.items[0] : NULL);
	}
	risk_report_free(&more);
	if (others_runtime_folder(path, who->fsuid)) {
		char text[PATH_MAX + 128];
		snprintf(text, sizeof(text), "Changes %s, in another account's runtime folder.",
			 path);
		risk_report_add(r, "other-runtime-folder", LEVEL_MEDIUM, text,
				"/run/user/UID is scratch for that account only: its session bus, "
				"services and agents trust what is there",
				"Whose folder is this, and why must the session change it?",
				"T1543");
	}
	if (cr->own && cr->own(cr->own_ctx, path)) {
		char text[PATH_MAX + 128];
		snprintf(text, sizeof(text), "Changes %s, one of escort's own files.", path);
		risk_report_add(r, "escort-own-file", LEVEL_CRITICAL, text,
				"the session's record and escort's rules must stay out of the "
				"session's reach",
				"Why would a session change escort itself?", "T1562.001");
	}
}

static int sets_id_bit(const struct change *c)
{
	mode_t ids = S_ISUID | S_ISGID;

	if (c->kind == CHANGE_MODE)
		return (c->mode & ids) && c->path.object >= 0 && !S_ISDIR(c->path.st.st_mode);
	if (c->kind == CHANGE_CREATE || (c->open_flags & O_CREAT))
		return (c->mode & S_ISUID) != 0;
	return 0;
}

/* setxattr of security.capability: the file's capabilities (cap_setuid,
 * cap_sys_admin...) are the set-user-id bit's root rights, one by one. */
static int sets_capabilities(const struct change *c)
{
	return c->kind == CHANGE_XATTR && c->value != NULL && !change_is_file_flags(c) &&
	       strcmp(c->xattr, "security.capability") == 0;
}

/* A change to the file itself (its bytes, mode, owner, attributes), not to
 * one of its names. */
static int changes_the_file(enum change_kind kind)
{
	return kind == CHANGE_WRITE || kind == CHANGE_CREATE || kind == CHANGE_TRUNCATE ||
	       kind == CHANGE_MODE || kind == CHANGE_OWNER || kind == CHANGE_XATTR;
}

static void gate_findings(const struct change *c, struct risk_report *r)
{
	char text[PATH_MAX + 160];

	if (sets_id_bit(c)) {
		snprintf(text, sizeof(text),
			 "Makes %s run with its owner's rights (account %d) for anyone who starts "
			 "it (a set-user-id or set-group-id bit).",
			 c->path.path, c->path.object >= 0 ? (int)c->path.st.st_uid : -1);
		risk_report_add(r, "setuid-bit", LEVEL_HIGH, text,
				"a program that runs with another account's rights is a way to "
				"become that account, root included",
				"Which program is it, and why must it run with its owner's rights?",
				"T1548.001");
	}
	if (sets_capabilities(c)) {
		snprintf(text, sizeof(text),
			 "Gives %s some of root's powers (file capabilities) for anyone who starts "
			 "it.",
			 c->path.path);
		risk_report_add(r, "file-capabilities", LEVEL_HIGH, text,
				"a program with file capabilities runs with root's powers whoever "
				"starts it: a way to become root later",
				"Which program is it, and why must it have root's powers?",
				"T1548");
	}
	if (c->kind == CHANGE_MKNOD && (S_ISCHR(c->mode) || S_ISBLK(c->mode))) {
		snprintf(text, sizeof(text),
			 "Makes %s a door to a device (disk, memory, terminal).", c->path.path);
		risk_report_add(r, "device-node", LEVEL_HIGH, text,
				"a device file gives direct access around files and permissions",
				"Which device, and why is a new door to it needed?", "T1006");
	}
}

/* What the rules found from finding `from` on is all scratch (info). */
static int only_info(const struct risk_report *r, size_t from)
{
	for (size_t i = from; i < r->n; i++)
		if (r->findings[i].level != LEVEL_INFO)
			return 0;
	return 1;
}

/* Each path no rule knows is medium on its own: a scratch name on the other
 * side of a rename does not vouch for it (mv /opt/app/conf /tmp takes it
 * away). A hard link's existing name is not changed by the link: only the
 * rules about it count (linking the accounts file anywhere is held); what is
 * later written through the new name is rated then (other_names). */
static void rate_each(const struct change_rater *cr, const struct change *c, const char *path,
		      const struct creds *who, struct risk_report *r)
{
	char text[PATH_MAX + 160];
	size_t before = r->n;

	rate_path(cr, c, path, who, r);
	if (r->n > before && only_info(r, before) &&
	    (path == c->path.path || path == c->path2.path))
		others_files_rate(c, path == c->path.path ? &c->path : &c->path2, who, cr->account,
				  r);
	if (r->n > before || path[0] != '/')
		return;
	if (c->kind == CHANGE_LINK && path == c->path.path)
		return;
	if (path == c->path.path || path == c->path2.path) {
		change_plain(c, text, sizeof(text) - 100);
		strcat(text, ", outside the folders for everyday and scratch work.");
	} else { /* the name a linked file had before */
		snprintf(text, sizeof(text),
			 "Changes %.1024s through its other name %.1024s, outside the folders for "
			 "everyday and scratch work.",
			 path, c->path.path);
	}
	risk_report_add(r, "change-outside-scratch", LEVEL_MEDIUM, text,
			"files outside the temporary folders and the account's home belong "
			"to the system or to applications",
			"What is this file, and why must it change now?", NULL);
}

static void unknown_names(const struct change *c, struct risk_report *r)
{
	char text[PATH_MAX + 200];

	snprintf(text, sizeof(text),
		 "Changes %s, a file that also has %lu other name(s) (hard links), which may be "
		 "outside the folders for everyday and scratch work.",
		 c->path.path, (unsigned long)c->path.st.st_nlink - 1);
	risk_report_add(r, "file-with-other-names", LEVEL_MEDIUM, text,
			"the same data may belong to the system or an application under its "
			"other name",
			"Where else is this file, and why must it change now?", NULL);
}

/* ln /srv/app/data.db /tmp/x, then writing /tmp/x, writes the data: a file
 * with other names is rated by the name it had before the session linked it
 * too, and held when some of its names are not known. */
static void other_names(const struct change_rater *cr, const struct change *c,
			const struct creds *who, struct risk_report *r)
{
	const char *first = NULL;
	int all_known = 0;

	if (!changes_the_file(c->kind) || c->path.object < 0 || !S_ISREG(c->path.st.st_mode) ||
	    c->path.st.st_nlink < 2)
		return;
	if (cr->links)
		first = link_names_other(cr->links, &c->path.st, &all_known);
	if (first && strcmp(first, c->path.path) != 0)
		rate_each(cr, c, first, who, r);
	if (!all_known)
		unknown_names(c, r);
}

/* rename of a folder that holds escort's own files (either of an exchange's
 * two): the session host writes on through its descriptor while the name it
 * records under, and its next segments' names, become the session's to fill
 * (the log's folder in a scratch place, a root session reaching it through
 * the session host's /proc/PID/root). */
static void moves_own_files(const struct change_rater *cr, const struct walked *w,
			    struct risk_report *r)
{
	char text[PATH_MAX + 128];

	if (cr->holds_own == NULL || w->object < 0 || !S_ISDIR(w->st.st_mode) ||
	    !cr->holds_own(cr->own_ctx, w->path))
		return;
	snprintf(text, sizeof(text), "Moves the folder %s, which holds escort's own files.",
		 w->path);
	risk_report_add(r, "escort-own-file", LEVEL_CRITICAL, text,
			"the session's record and escort's rules must stay out of the session's "
			"reach",
			"Why would a session move escort's files?", "T1562.001");
}

void change_rate(const struct change_rater *cr, const struct change *c, const struct creds *who,
		 struct risk_report *r)
{
	memset(r, 0, sizeof(*r));
	if (c->kind != CHANGE_SYMLINK)
		rate_each(cr, c, c->path.path, who, r);
	if (c->kind == CHANGE_RENAME || c->kind == CHANGE_LINK || c->kind == CHANGE_SYMLINK)
		rate_each(cr, c, c->path2.path, who, r);
	if (c->kind == CHANGE_RENAME) {
		moves_own_files(cr, &c->path, r);
		moves_own_files(cr, &c->path2, r);
	}
	other_names(cr, c, who, r);
	gate_findings(c, r);
	if (r->summary == NULL)
		risk_report_finish(r);
}
