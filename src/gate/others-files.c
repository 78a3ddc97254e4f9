#include "others-files.h"

#include <stdio.h>
#include <sys/stat.h>

#define CAP_BIT(n) (1ULL << (n))
#define CAP_CHOWN_BIT CAP_BIT(0)
#define CAP_DAC_OVERRIDE_BIT CAP_BIT(1)
#define CAP_DAC_READ_SEARCH_BIT CAP_BIT(2)
#define CAP_FOWNER_BIT CAP_BIT(3)
#define CAP_SYS_ADMIN_BIT CAP_BIT(21)

/* Root's file-system rights, or one of the capabilities that change a file
 * its owner never opened to the caller: CAP_CHOWN gives it away (a process
 * that became nobody keeping CAP_CHOWN alone took another account's file in
 * /tmp, then wrote it as its new owner), CAP_DAC_READ_SEARCH reaches into a
 * private folder (a file there open to all is open to those its owner let
 * in), CAP_SYS_ADMIN sets its trusted.* attributes. */
#define PASSING_CAPS                                                                               \
	(CAP_CHOWN_BIT | CAP_DAC_OVERRIDE_BIT | CAP_DAC_READ_SEARCH_BIT | CAP_FOWNER_BIT |         \
	 CAP_SYS_ADMIN_BIT)
static int passes_permissions(const struct creds *who)
{
	return who->fsuid == 0 || (who->cap_effective & PASSING_CAPS);
}

/* Whose is what the change touches: the object, or for a new name the
 * folder it goes into; 0 when nobody's in particular (a device, a folder
 * every account may write in with the sticky bit, as /tmp itself). */
static int owner_of(const struct walked *w, uid_t *owner)
{
	struct stat dir;

	if (w->object >= 0) {
		*owner = w->st.st_uid;
		return !S_ISCHR(w->st.st_mode) && !S_ISBLK(w->st.st_mode);
	}
	if (w->dir < 0 || fstat(w->dir, &dir) < 0)
		return 0;
	*owner = dir.st_uid;
	return !((dir.st_mode & S_ISVTX) && (dir.st_mode & S_IWOTH));
}

/* A hard link's existing name is not changed by the link, but with root's
 * rights it lends another account's file (or socket) a name elsewhere, which
 * protected_hardlinks refuses to everyone else. */
static int touches(const struct change *c)
{
	return !change_is_network(c);
}

void others_files_rate(const struct change *c, const struct walked *w, const struct creds *who,
		       uid_t account, struct risk_report *r)
{
	char text[PATH_MAX + 160];
	uid_t owner;

	if (!passes_permissions(who) || !touches(c) || !owner_of(w, &owner) ||
	    owner == who->fsuid || owner == account)
		return;
	snprintf(text, sizeof(text), "Changes %s, %s another account (%d).", w->path,
		 w->object >= 0 ? "which belongs to" : "in a folder of", (int)owner);
	risk_report_add(r, "other-account-file", LEVEL_MEDIUM, text,
			"with root's rights the session can change any account's files, even in "
			"shared temporary folders where their owner never let others in",
			"Whose file is this, and why must the session change it?", "T1222");
}

int others_private_socket(const struct stat *sock, const struct stat *dir, const struct creds *who,
			  uid_t account)
{
	return S_ISSOCK(sock->st_mode) && passes_permissions(who) && sock->st_uid != who->fsuid &&
	       sock->st_uid != account && dir->st_uid == sock->st_uid && !(dir->st_mode & S_IXOTH);
}
