/* Programs' option profiles: which options take a value, and whether a
 * program writes long options with one dash (find -name, openssl -in,
 * terraform -target), so that "-name" is not split into -n -a -m -e and the
 * value after "-n prod" is not taken for a subcommand or a file. */
#ifndef ESCORT_PROFILE_H
#define ESCORT_PROFILE_H

struct profile {
	const char *name;
	const char *short_values;	/* letters of the short options that take a value */
	const char *const *long_values; /* long options (no dashes) that take a value */
	int single_dash_long;		/* "-name" is one option, not four letters */
};

/* The profile of a program by its base name, or NULL. */
const struct profile *profile_find(const char *name);
/* Whether the long option name (no dashes, no "=value") takes a value. */
int profile_long_takes_value(const struct profile *p, const char *name);
/* Whether the short option letter takes a value. */
int profile_short_takes_value(const struct profile *p, char letter);

#endif
