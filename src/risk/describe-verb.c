/* {verb}: the one thing a subcommand's verb word does, in plain words
 * ("terminate-instances": "Deletes for good (terminates)"), so a rule need
 * not hedge "Deletes, removes or resets" when the line says which. */
#include "describe-verb.h"

#include "util/visible.h"

#include <string.h>
#include <strings.h>

static const struct {
	const char *word, *says;
} verbs[] = {
    {"delete", "Deletes"},
    {"del", "Deletes"},
    {"rm", "Deletes"},
    {"rmi", "Deletes"},
    {"remove", "Deletes"},
    {"destroy", "Destroys (deletes)"},
    {"drop", "Deletes"},
    {"terminate", "Deletes for good (terminates)"},
    {"uninstall", "Uninstalls (removes)"},
    {"purge", "Deletes"},
    {"prune", "Deletes the unused parts of"},
    {"stop", "Stops"},
    {"drain", "Moves every application off"},
    {"cordon", "Stops new applications from being placed on"},
    {"uncordon", "Lets applications be placed again on"},
    {"start", "Starts"},
    {"scale", "Changes how many copies run of"},
    {"set", "Sets"},
    {"apply", "Applies a new configuration to"},
    {"upgrade", "Upgrades"},
    {"install", "Installs"},
    {"create", "Creates"},
    {"update", "Updates"},
    {"kill", "Stops at once (kills)"},
    {"reset", "Resets (sets back to a blank state)"},
    {"flush", "Empties"},
    {"truncate", "Empties"},
    {"revoke", "Takes away"},
    {"rollback", "Rolls back (returns to an earlier version)"},
    {"restore", "Overwrites with a saved copy (restores)"},
    {"disable", "Turns off for good (it no longer starts with the machine)"},
    {"mask", "Blocks from starting at all (masks)"},
    {"unmask", "Allows to start again (unmasks)"},
    {"isolate", "Stops every service not needed by"},
    {"restart", "Restarts"},
    {"deregister", "Removes"},
    {"detach", "Detaches (disconnects)"},
    {"release", "Gives up (releases)"},
    {"list", "Lists what is in"},
    {"ls", "Lists what is in"},
    {"ps", "Lists what runs in"},
    {"logs", "Shows the recent messages (the log) from"},
    {"plan", "Previews, changing nothing, what a change would do to"},
    {"describe", "Shows the details kept in"},
    {"inspect", "Shows the details kept in"},
    {"status", "Shows the state of"},
    {"diff", "Shows the differences in"},
    {"top", "Shows how busy the parts are of"},
    {"version", "Shows the version of"},
};

/* Whole verb words of cloud tools that give access. */
static const struct {
	const char *word, *says;
} whole[] = {
    {"create-access-key", "Creates a new access key (a password that lets programs act as it) for"},
    {"create-service-account-key", "Creates a new access key (a password for programs) for"},
    {"create-login-profile", "Gives a console password to"},
    {"update-login-profile", "Changes the console password of"},
    {"attach-user-policy", "Gives new permissions (a policy) to"},
    {"attach-role-policy", "Gives new permissions (a policy) to"},
    {"attach-group-policy", "Gives new permissions (a policy) to"},
    {"put-user-policy", "Gives new permissions (a policy) to"},
    {"put-role-policy", "Gives new permissions (a policy) to"},
    {"add-iam-policy-binding", "Grants access (a role: a set of permissions):"},
    {"set-iam-policy", "Replaces who may do what (the access policy) in"},
    {"authorize-security-group-ingress", "Opens the network to let connections in:"},
    {"create-user", "Creates a new cloud account:"},
    {"add-user-to-group", "Adds an account to a group, with the group's permissions:"},
};

/* Commands that say their verb by their name, or by an option. */
static const struct {
	const char *command, *option, *says; /* option NULL: the name says it */
} by_name[] = {
    {"useradd", NULL, "Creates"},
    {"adduser", NULL, "Creates"},
    {"groupadd", NULL, "Creates"},
    {"addgroup", NULL, "Creates"},
    {"userdel", NULL, "Deletes"},
    {"deluser", NULL, "Deletes"},
    {"groupdel", NULL, "Deletes"},
    {"delgroup", NULL, "Deletes"},
    {"groupmod", NULL, "Changes"},
    {"usermod", "L", "Locks (no password login)"},
    {"usermod", "lock", "Locks (no password login)"},
    {"usermod", "U", "Unlocks"},
    {"usermod", "unlock", "Unlocks"},
    {"usermod", "e", "Sets the day it expires for"},
    {"usermod", "G", "Changes the groups (and with them the rights) of"},
    {"usermod", "s", "Changes the login shell of"},
    {"usermod", "l", "Renames"},
    {"usermod", NULL, "Changes"},
    {"mkdir", NULL, "Creates the folder"},
    {"touch", NULL, "Creates, or marks as just changed,"},
    {"ln", NULL, "Links"},
    {"tee", NULL, "Writes what it is given into"},
    {"gzip", NULL, "Compresses"},
    {"xz", NULL, "Compresses"},
    {"bzip2", NULL, "Compresses"},
    {"zstd", NULL, "Compresses"},
    {"zip", NULL, "Packs into a zip file"},
    {"gunzip", NULL, "Uncompresses"},
    {"unxz", NULL, "Uncompresses"},
    {"bunzip2", NULL, "Uncompresses"},
    {"unzip", NULL, "Unpacks the zip file"},
    {"rm", NULL, "Deletes"},
    {"delete", NULL, "Deletes"},
    {"history", NULL, "Clears"},
    {"unset", NULL, "Turns off"},
    {"unlink", NULL, "Deletes"},
    {"shred", NULL, "Overwrites and deletes"},
    {"mv", NULL, "Moves away"},
    {"truncate", NULL, "Empties"},
    {"mount", NULL, "Attaches"},
    {"swapon", NULL, "Starts using as extra memory"},
    {"swapoff", NULL, "Stops using as extra memory"},
    {"umount", NULL, "Detaches"},
    {"chown", NULL, "Changes the owner of"},
    {"chgrp", NULL, "Changes the group of"},
    {"chmod", NULL, "Changes who may read, change or run"},
    {"crontab", "r", "Deletes all of"},
    {"crontab", "e", "Opens in an editor, to change,"},
    {"passwd", "l", "Locks"},
    {"passwd", "lock", "Locks"},
    {"passwd", "u", "Unlocks"},
    {"passwd", "unlock", "Unlocks"},
    {"passwd", "e", "Expires (forces a new one at the next login)"},
    {"passwd", "expire", "Expires (forces a new one at the next login)"},
    {"passwd", "d", "Removes"},
    {"passwd", "delete", "Removes"},
};

static int has_option(const struct real_command *c, const char *name)
{
	for (size_t i = 0; i < c->opts.n; i++)
		if (strcmp(c->opts.items[i], name) == 0)
			return 1;
	return 0;
}

/* chown OWNER[:GROUP] FILE...: "Makes nobody (group nogroup) the owner of". */
static int chown_owner(struct buf *b, const struct real_command *c)
{
	const char *o;
	size_t n;

	if (strcmp(c->name, "chown") != 0 || c->operands.n < 2)
		return 0;
	o = c->operands.items[0];
	n = strcspn(o, ":.");
	if (n == 0 || strpbrk(o, "/$`") != NULL)
		return 0;
	buf_append_str(b, "Makes ");
	visible_append(b, o, n);
	if (o[n] && o[n + 1]) {
		buf_append_str(b, " (group ");
		visible_append(b, o + n + 1, strlen(o + n + 1));
		buf_putc(b, ')');
	}
	buf_append_str(b, " the owner of");
	return 1;
}

static int by_command(struct buf *b, const struct real_command *c)
{
	if (chown_owner(b, c))
		return 1;
	for (size_t i = 0; i < sizeof(by_name) / sizeof(by_name[0]); i++)
		if (strcmp(c->name, by_name[i].command) == 0 &&
		    (by_name[i].option == NULL || has_option(c, by_name[i].option))) {
			buf_append_str(b, by_name[i].says);
			return 1;
		}
	return 0;
}

int describe_verb(struct buf *b, const struct real_command *c)
{
	const char *w = c->verb_word;
	size_t len;

	if (w == NULL || strpbrk(w, " ;(") != NULL)
		return by_command(b, c); /* no verb word, or a query */
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++)
		if (strcmp(w, whole[i].word) == 0) {
			buf_append_str(b, whole[i].says);
			return 1;
		}
	len = strcspn(w, "-_");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strlen(verbs[i].word) == len && strncasecmp(w, verbs[i].word, len) == 0) {
			buf_append_str(b, verbs[i].says);
			return 1;
		}
	return by_command(b, c);
}
