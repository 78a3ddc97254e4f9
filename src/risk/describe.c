#include "describe.h"
#include "glossary.h"
#include "verbs.h"

#include "util/visible.h"

#include <stdio.h>
#include <string.h>

/* For the text only: which options take a value (so "-n 50" names no "50"),
 * and how many subcommand words lead the operands ("systemctl stop nginx"
 * stops nginx, not "stop and nginx"). */
struct text_profile {
	const char *name;
	const char *short_values; /* letters of -X VALUE */
	const char *long_values;  /* " --opt -opt " (single-dash long ones too) */
	/* leading subcommand words; -1: service NAME VERB; -2: DEVICE COMMAND...;
	 * -3: no things at all (at TIME) */
	int verbs;
	int script;   /* the first operand is a program or pattern, not a file */
	int long_all; /* every --option takes the next word, unless it is an option */
};

/* pip and pip3 take the same options with a value. */
#define PIP_VALUE_OPTIONS                                                                          \
	" --index-url --extra-index-url --trusted-host --requirement --constraint --target "       \
	"--find-links --proxy --prefix --root --src --cache-dir "

static const struct text_profile profiles[] = {
    {"head", "nc", " --lines --bytes ", 0, 0, 0},
    {"tail", "nc", " --lines --bytes ", 0, 0, 0},
    {"grep", "efmABC", " --regexp --file --max-count ", 0, 1, 0},
    {"egrep", "efmABC", "", 0, 1, 0},
    {"zgrep", "efmABC", "", 0, 1, 0},
    {"ping", "cisWwI", "", 0, 0, 0},
    {"journalctl", "unpSUtbo", " --unit --lines --since --until --priority --output ", 0, 0, 0},
    {"tcpdump", "iwrcsC", "", 0, 0, 0},
    {"tshark", "ifwcY", "", 0, 0, 0},
    {"touch", "drt", " --date --reference ", 0, 0, 0},
    {"zip", "P", " --password ", 0, 0, 0},
    {"cut", "dfcb", " --delimiter --fields ", 0, 0, 0},
    {"sort", "tko", "", 0, 0, 0},
    {"tar", "fCX", " --file --directory ", 0, 0, 0},
    {"useradd", "gGsdcueKp", " --gid --groups --shell --home-dir --comment --uid ", 0, 0, 0},
    {"usermod", "gGsdcuelp", " --gid --groups --shell --home --comment --uid --login ", 0, 0, 0},
    {"chpasswd", "c", "", 0, 0, 0},
    {"ssh", "bcDEeFIiJLlmOopQRSWw", "", 0, 0, 0},
    {"scp", "cFiloPSJ", "", 0, 0, 0},
    {"rsync", "eT", " --rsh --exclude --include --backup-dir ", 0, 0, 0},
    {"curl", "XHdoueAmTbFw",
     " --request --header --data --output --user --upload-file --max-time --connect-timeout "
     "--retry --data-raw --data-binary --cacert --cert --key ",
     0, 0, 0},
    {"wget", "OoPTt", " --output-document --directory-prefix ", 0, 0, 0},
    {"kill", "sn", "", 0, 0, 0},
    {"pkill", "sUugtP", " --signal ", 0, 0, 0},
    {"nc", "pwsqiXxe", "", 0, 0, 0},
    {"ncat", "pwsioxe", " --exec --sh-exec ", 0, 0, 0},
    {"iptables", "ADIRPNFtjpsdiomg", "", 0, 0, 0},
    {"ip6tables", "ADIRPNFtjpsdiomg", "", 0, 0, 0},
    {"openssl", "", " -in -out -k -pass -key -cert -connect -inkey -passin -passout -servername ",
     1, 0, 0},
    {"date", "sdf", " --set --date ", 0, 0, 0},
    {"ps", "opuU", "", 0, 0, 0},
    {"mkfs.ext4", "LbN", "", 0, 0, 0},
    {"dd", "", "", 0, 0, 0},
    {"auditctl", "ekpaAdSFrbR", "", 0, 0, 0},
    {"parted", "", "", -2, 0, 0},
    {"watch", "nd", " --interval ", 0, 0, 0},
    {"gpg", "ruo", " --passphrase --recipient --local-user --output --homedir ", 0, 0, 0},
    {"nerdctl", "", " --filter --format --tail --since ", 1, 0, 0},
    {"crictl", "", " --tail --since --output ", 1, 0, 0},
    {"ctr", "n", " --namespace ", 2, 0, 0},
    {"supervisorctl", "c", " --configuration ", 1, 0, 0},
    {"pm2", "", "", 1, 0, 0},
    {"gsutil", "", "", 1, 0, 0},
    {"mysqladmin", "uhpPS", " --user --host --port ", 1, 0, 0},
    {"redis-cli", "hpanu", "", 1, 0, 0},
    {"keydb-cli", "hpanu", "", 1, 0, 0},
    {"python", "mW", "", -2, 0, 0},
    {"python3", "mW", "", -2, 0, 0},
    {"ssh-keygen", "tCNbmOnZ", "", 0, 0, 0},
    {"netplan", "", "", 1, 0, 0},
    {"ss", "AfFN", "", -3, 0, 0},
    {"truncate", "sr", " --size --reference ", 0, 0, 0},
    {"mkfs", "t", "", 0, 0, 0},
    {"at", "fqt", "", -3, 0, 0},
    {"chown", "", " --reference ", 0, 1, 0},
    {"chgrp", "", " --reference ", 0, 1, 0},
    {"find", "", "", 0, 0, 0},
    {"sed", "ef", " --expression --file ", 0, 1, 0},
    {"awk", "fvF", "", 0, 1, 0},
    {"gawk", "fvF", "", 0, 1, 0},
    {"jq", "", " --arg --argjson ", 0, 1, 0},
    {"docker", "vepuwlh",
     " --filter --format -H --name --network --mount --entrypoint --user --workdir --env "
     "--volume --publish --platform --label --tail --since --until ",
     1, 0, 0},
    {"podman", "vepuwlh",
     " --filter --format --name --network --mount --entrypoint --user --workdir --env --volume "
     "--publish --label --tail --since --until ",
     1, 0, 0},
    {"kubectl", "nlocf", " --namespace --selector --output --context --filename ", 1, 0, 0},
    {"helm", "nf", " --namespace --values ", 1, 0, 0},
    {"systemctl", "pt", " --property --type --state ", 1, 0, 0},
    {"service", "", "", -1, 0, 0},
    {"git", "Cc", "", 1, 0, 0},
    {"ip", "", "", 2, 0, 0},
    {"nsenter", "tSGwW", " --target ", 0, 0, 0},
    {"nft", "f", "", 1, 0, 0},
    {"ufw", "", "", 1, 0, 0},
    {"apt", "o", "", 1, 0, 0},
    {"apt-get", "o", "", 1, 0, 0},
    {"dnf", "", "", 1, 0, 0},
    {"yum", "", "", 1, 0, 0},
    {"snap", "", "", 1, 0, 0},
    {"npm", "", " --registry --prefix --userconfig --cache ", 1, 0, 0},
    {"pip", "irct", PIP_VALUE_OPTIONS, 1, 0, 0},
    {"pip3", "irct", PIP_VALUE_OPTIONS, 1, 0, 0},
    {"terraform", "", "", 1, 0, 0},
    {"timedatectl", "", "", 1, 0, 0},
    {"hostnamectl", "", "", 1, 0, 0},
    {"loginctl", "", "", 1, 0, 0},
    {"cryptsetup", "", "", 1, 0, 0},
    {"zfs", "", "", 1, 0, 0},
    {"zpool", "", "", 1, 0, 0},
    {"virsh", "", "", 1, 0, 0},
    {"aws", "", "", 2, 0, 1},
    {"gcloud", "", "", 2, 0, 1},
    {"az", "gno", "", 2, 0, 1},
};

static const struct text_profile *profile_of(const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (profiles[i].name[0] == name[0] && strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

static int is_one_of(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(w, *list) == 0)
			return 1;
	return 0;
}

/* The option arg takes the next word (next, or NULL) as its value. */
static int takes_value(const struct text_profile *p, const char *arg, const char *next)
{
	char key[64];

	if (p == NULL || arg[0] != '-' || arg[1] == '\0' || strchr(arg, '=') != NULL)
		return 0;
	if (arg[1] == '-')
		return p->long_all ? next != NULL && next[0] != '-'
				   : strlen(arg) + 3 <= sizeof(key) &&
					 snprintf(key, sizeof(key), " %s ", arg) > 0 &&
					 strstr(p->long_values, key) != NULL;
	if (strlen(arg) + 3 <= sizeof(key) && snprintf(key, sizeof(key), " %s ", arg) > 0 &&
	    strstr(p->long_values, key) != NULL)
		return 1; /* a one-dash long option: openssl -in */
	/* -rfn 5 as getopt reads it: the first letter that takes a value takes the
	 * rest of the word (-XPUT), or the next word when it is the last. */
	for (const char *l = arg + 1; *l; l++)
		if (strchr(p->short_values, *l) != NULL)
			return l[1] == '\0';
	return 0;
}

static int plain_word(const char *s)
{
	/* a command word in capitals (redis-cli DEL, FLUSHALL) */
	if (s[0] >= 'A' && s[0] <= 'Z' && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(s))
		return 1;
	if (!(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; *s; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= '0' && *s <= '9') && *s != '-' &&
		    *s != '_' && !(*s >= 'A' && *s <= 'Z'))
			return 0;
	return 1;
}

/* The starting points of find: what comes before the first test. */
static size_t find_objects(const struct real_command *c, const char **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < c->args.n && n < max; i++) {
		const char *a = c->args.items[i];
		if (a[0] == '-' || a[0] == '(' || a[0] == '!')
			break;
		out[n++] = a;
	}
	return n;
}

/* A mode such as +i, u+s, 755 or -x (chattr, chmod) is not a thing acted on. */
static int is_mode(const char *name, const char *a)
{
	if (strcmp(name, "chmod") == 0)
		return a[0] != '\0' && strspn(a, "ugoa+-=rwxXst,01234567") == strlen(a);
	return strcmp(name, "chattr") == 0 && a[0] != '\0' && strchr("+-=", a[0]) != NULL &&
	       a[1] != '\0';
}

/* ip link set dev eth0 down: only eth0 is a thing; npm view express
 * version: a field of express. */
static int is_keyword(const char *name, const char *a)
{
	static const char *const ip_words[] = {"dev", "up", "down", "via", "to", NULL};
	static const char *const npm_fields[] = {"version", "versions", "dependencies", NULL};

	if (strcmp(name, "npm") == 0 || strcmp(name, "yarn") == 0)
		return is_one_of(a, npm_fields);

	if (strcmp(name, "ip") != 0)
		return 0;
	for (size_t i = 0; ip_words[i]; i++)
		if (strcmp(a, ip_words[i]) == 0)
			return 1;
	return 0;
}

/* openssl rand 16: a number of bytes, not a thing. */
static int is_count(const char *name, const char *a)
{
	return strcmp(name, "openssl") == 0 && a[0] && strspn(a, "0123456789") == strlen(a);
}

/* kill -9 -1: after the signal, a negative number is a group of programs. */
static int is_pid(const char *name, const char *a, size_t i)
{
	return i > 0 && a[0] == '-' && a[1] >= '0' && a[1] <= '9' && strcmp(name, "kill") == 0;
}

/* Subcommand words that may follow the leading ones ("docker volume rm",
 * "kubectl rollout restart"): the verbs the rating knows. */
static int verb_word(const char *a)
{
	return verb_of_word(a) != VERB_NONE;
}

/* An option that is no thing and takes no value: a signal (kill -HUP, -9),
 * or a +command (dig +short, less +F, vim +10). */
static int bare_option(const char *name, const char *a)
{
	static const char *const plus[] = {"dig", "delv", "less", "more", "vi",
					   "vim", "nvim", "view", NULL};
	static const char *const signals[] = {"kill", "pkill", "killall", NULL};

	if (a[0] == '+')
		return is_one_of(name, plus);
	return a[0] == '-' && a[1] != '\0' &&
	       strspn(a + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == strlen(a + 1) &&
	       is_one_of(name, signals);
}

struct walk {
	const struct real_command *c;
	const struct text_profile *p;
	int value_next, options_done, verbs, script, leading, only_first, verb_seen;
};

/* An option (and whether the next word is its value): 1, or 0 for a word. */
static int option(struct walk *w, size_t i)
{
	const char *a = w->c->args.items[i];
	const char *next = i + 1 < w->c->args.n ? w->c->args.items[i + 1] : NULL;

	if (is_pid(w->c->name, a, i))
		return 0;
	if (bare_option(w->c->name, a))
		return 1;
	if (i == 0 && strcmp(w->c->name, "tar") == 0 && a[0] != '-' &&
	    strspn(a, "ctxruAdzjJvfpkmwoSGhlOP") == strlen(a)) {
		w->value_next = strchr(a, 'f') != NULL && a[strlen(a) - 1] == 'f';
		return 1; /* tar czf FILE: "czf" is its options */
	}
	if (w->options_done || a[0] != '-' || a[1] == '\0' || is_mode(w->c->name, a))
		return 0;
	w->value_next = takes_value(w->p, a, next);
	return 1;
}

/* A leading subcommand word, or a script or pattern taken first. */
static int leading_word(struct walk *w, const char *a)
{
	int verb = w->verbs > 0 && plain_word(a);

	/* after its verb, a word is a thing: "kubectl get events" */
	if (!verb && w->leading && !w->verb_seen && w->p && w->p->verbs > 0)
		verb = verb_word(a);
	if (verb) {
		/* the word that decided the verb, else any verb word */
		w->verb_seen |= w->c->verb_word ? strcmp(a, w->c->verb_word) == 0 : verb_word(a);
		/* docker run IMAGE COMMAND..., kubectl exec POD -- COMMAND...: the
		 * rest runs inside */
		w->only_first |= strcmp(a, "run") == 0 || strcmp(a, "exec") == 0;
		w->verbs -= w->verbs > 0;
		return 1;
	}
	if (w->script) {
		w->script = 0;
		return 1;
	}
	return 0;
}

/* Whether argument i of the command is one of its things. */
static int is_object(struct walk *w, size_t i)
{
	const char *a = w->c->args.items[i];
	const char *name = w->c->name;

	if (w->value_next) {
		w->value_next = 0;
		return 0;
	}
	if (!w->options_done && strcmp(a, "--") == 0) {
		w->options_done = 1;
		return 0;
	}
	if (option(w, i) || leading_word(w, a))
		return 0;
	w->leading = 0;
	/* dd's if= and of= are shown as the files it reads and writes */
	return !(strchr(a, '=') != NULL && strcmp(name, "dd") == 0) && !is_mode(name, a) &&
	       !is_keyword(name, a) && !is_count(name, a);
}

/* A program with subcommands and no profile here (consul kv delete KEY,
 * etcdctl del KEY): the words up to its verb are not things. */
static size_t after_verb(const struct real_command *c, const char **out, size_t n)
{
	size_t k = 0;

	if (c->verb_word == NULL || n < 2)
		return n;
	while (k < n && k < 4 && strcmp(out[k], c->verb_word) != 0)
		k++;
	if (k == n || k == 4 || k + 1 == n)
		return n;
	memmove(out, out + k + 1, (n - k - 1) * sizeof(*out));
	return n - k - 1;
}

size_t describe_objects(const struct real_command *c, const char **out, size_t max)
{
	const struct text_profile *p = profile_of(c->name);
	struct walk w = {
	    .c = c, .p = p, .verbs = p ? p->verbs : 0, .script = p ? p->script : 0, .leading = 1};
	size_t n = 0;

	if (strcmp(c->name, "find") == 0)
		return find_objects(c, out, max);
	for (size_t i = 0; i < c->args.n && n < max; i++)
		if (is_object(&w, i))
			out[n++] = c->args.items[i];
	/* service NAME VERB: the verb is last; parted DEVICE rm 1: a command follows. */
	if (w.verbs == -1 && n >= 2 && plain_word(out[n - 1]))
		n--;
	if ((w.verbs == -2 || w.only_first) && n > 1)
		n = 1;
	if (w.verbs == -3) /* at TIME: a time, not a thing */
		n = 0;
	if (p == NULL)
		n = after_verb(c, out, n);
	return n;
}

/* The operator's own words, between typographic quotes (code may hold "). */
static void quote(struct buf *b, const char *s, size_t len)
{
	buf_append_str(b, "\u201c");
	visible_append(b, s, len);
	buf_append_str(b, "\u201d");
}

/* Every word of inner after "TOOL LISTING" is one of flags: "docker ps -aq" is
 * a plain listing of every container, "docker ps -q --filter x" is not. */
static int plain_listing(const char *inner, size_t len, const char *listing, const char *flags)
{
	static const char *const tools[] = {"docker ", "podman ", "nerdctl "};
	char text[128], *save = NULL;

	if (len >= sizeof(text))
		return 0;
	memcpy(text, inner, len);
	text[len] = '\0';
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		size_t tl = strlen(tools[i]), ll = strlen(listing);
		if (strncmp(text, tools[i], tl) != 0 || strncmp(text + tl, listing, ll) != 0 ||
		    (text[tl + ll] != ' ' && text[tl + ll] != '\0'))
			continue;
		for (char *w = strtok_r(text + tl + ll, " ", &save); w;
		     w = strtok_r(NULL, " ", &save))
			if (strspn(w, flags) != strlen(w))
				return 0;
		return 1;
	}
	return 0;
}

/* $(docker ps -aq): every container; $(...) in general: what it prints. */
static void describe_substitution(struct buf *b, const char *w)
{
	size_t len = strlen(w);
	const char *inner = w + 2;
	size_t inner_len = len > 3 ? len - 3 : 0;

	if (w[0] == '`') {
		inner = w + 1;
		inner_len = len > 2 ? len - 2 : 0;
	}
	if (plain_listing(inner, inner_len, "ps", "-aq") && memchr(inner, 'q', inner_len))
		buf_append_str(b, memchr(inner, 'a', inner_len) ? "every container on this machine"
								: "every running container");
	else if (plain_listing(inner, inner_len, "images", "-aq") && memchr(inner, 'q', inner_len))
		buf_append_str(b, "every container image on this machine");
	else {
		buf_append_str(b, "whatever the command ");
		quote(b, inner, inner_len);
		buf_append_str(b, " prints when the line runs");
	}
}

static void describe_variable(struct buf *b, const char *w)
{
	const char *name = w + 1;
	size_t len = strlen(name);

	if (name[0] == '{') {
		name++;
		len = len >= 2 ? len - 2 : 0;
	}
	if (len == 1 && strchr("*@0123456789", name[0])) {
		buf_append_str(b, "the names given to the script");
		return;
	}
	buf_append_str(b, "the files named in the variable ");
	visible_append(b, name, strcspn(name, "}"));
}

/* " (where the MySQL database keeps its data)" after a well-known place. */
static void gloss_place(struct buf *b, const char *w, size_t len)
{
	char path[512];
	const char *what;

	if (len == 0 || len >= sizeof(path))
		return;
	memcpy(path, w, len);
	path[len] = '\0';
	if ((what = glossary_path(path)) == NULL)
		return;
	buf_append_str(b, " (");
	buf_append_str(b, what);
	buf_putc(b, ')');
}

/* A pattern such as /var/log/(star).gz: every file in /var/log whose name ends in ".gz". */
static void describe_glob(struct buf *b, const char *w)
{
	const char *slash = strrchr(w, '/');
	const char *base = slash ? slash + 1 : w;
	size_t blen = strlen(base);
	const char *star = strchr(base, '*');
	int one_star = star && !strchr(star + 1, '*') && !strpbrk(base, "?[");

	if (strcmp(base, "*") == 0) {
		buf_append_str(b, "everything");
	} else if (one_star && star == base) {
		buf_append_str(b, "every file whose name ends in ");
		quote(b, base + 1, blen - 1);
	} else if (one_star && star == base + blen - 1) {
		buf_append_str(b, "every file whose name starts with ");
		quote(b, base, blen - 1);
	} else {
		buf_append_str(b, "every file matching ");
		quote(b, base, blen);
	}
	if (slash == w)
		buf_append_str(b, " on the whole machine");
	else if (slash) {
		buf_append_str(b, " in ");
		visible_append(b, w, (size_t)(slash - w));
		gloss_place(b, w, (size_t)(slash - w));
	} else {
		buf_append_str(b, " in the current folder");
	}
}

void describe_word(struct buf *b, const char *w, const struct real_command *finder)
{
	static const char *const whole[] = {"/", "/.", "/*", "/..", NULL};
	static const char *const home[] = {"~", "~/", "$HOME", "${HOME}", "~/*", NULL};

	if (is_one_of(w, whole))
		buf_append_str(b, "the whole machine");
	else if (is_one_of(w, home))
		buf_append_str(b, "the home folder of the account (all of its files)");
	else if (strcmp(w, "{}") == 0 && finder)
		describe_found(b, finder);
	else if (strcmp(w, "{}") == 0)
		buf_append_str(b, "each file the search finds");
	else if (strcmp(w, "-") == 0)
		buf_append_str(b, "the text passed to it on this line");
	else if (strcmp(w, ".") == 0 || strcmp(w, "./") == 0)
		buf_append_str(b, "the current folder");
	else if (strncmp(w, "$(", 2) == 0 || w[0] == '`')
		describe_substitution(b, w);
	else if (strpbrk(w, " \t\n\"'(){};|&<>") != NULL || (w[0] != '$' && strchr(w, '$')))
		quote(b, w, strlen(w)); /* code or text, not a name */
	else if (w[0] == '$' && w[1] != '\'' && w[1] != '"' && w[1] != '\0')
		describe_variable(b, w);
	else if (strpbrk(w, "*?") != NULL)
		describe_glob(b, w);
	else {
		visible_append(b, w, strlen(w));
		gloss_place(b, w, strlen(w));
	}
}

/* A program with subcommands (its words are names of its own, not files). */
static int has_subcommands(const struct real_command *c)
{
	const struct text_profile *p = profile_of(c->name);

	return p != NULL && p->verbs > 0;
}

void describe_object(struct buf *b, const struct real_command *c, const char *w,
		     const struct real_command *finder)
{
	int number = w[0] != '\0' && strspn(w, "0123456789") == strlen(w);

	if (strcmp(c->name, DESCRIBE_RESOLVED) == 0 && strcmp(w, "/") != 0)
		visible_append(b, w, strlen(w));
	else if (strcmp(c->name, "kill") == 0 && strcmp(w, "-1") == 0)
		buf_append_str(b, "every program this account may stop");
	else if (strcmp(c->name, "kill") == 0 && number)
		buf_printf(b, "the running program number %s", w);
	else if (strpbrk(w, "*?") && w[0] != '$' && has_subcommands(c))
		quote(b, w, strlen(w)); /* redis-cli del 'cache:*': a pattern of keys, not files */
	else
		describe_word(b, w, finder);
}

size_t describe_subcommand(const struct real_command *c, const char **out, size_t max)
{
	const struct text_profile *p = profile_of(c->name);
	size_t n = 0;

	/* its subcommand words, and the operation after a cloud CLI's service
	 * and resource (aws rds delete-db-cluster); one word when not known */
	if (p && p->verbs > 0 && (size_t)p->verbs + (size_t)p->long_all < max)
		max = (size_t)p->verbs + (size_t)p->long_all;
	else if (p == NULL || p->verbs <= 0)
		max = 1;

	for (size_t i = 0; i < c->args.n && n < max; i++) {
		const char *a = c->args.items[i];
		if (a[0] == '-')
			break;
		if (!plain_word(a) || strlen(a) > 40)
			break;
		out[n++] = a;
	}
	return n;
}

/* kubectl delete namespace monitoring: the kind of thing and its name are one
 * thing ("namespace monitoring"), not two. */
int describe_kind_first(const struct real_command *c)
{
	return strcmp(c->name, "kubectl") == 0 || strcmp(c->name, "oc") == 0;
}

int describe_none(struct buf *b, const struct real_command *c)
{
	if (c->via && strstr(c->via, "xargs") && c->piped_from) {
		buf_append_str(b, "every name that ");
		visible_append(b, c->piped_from, strlen(c->piped_from));
		buf_append_str(b, " lists");
	} else if (c->piped_from && strcmp(c->name, "chpasswd") == 0) {
		buf_append_str(b, "named by ");
		visible_append(b, c->piped_from, strlen(c->piped_from));
	} else if (strcmp(c->name, "chpasswd") == 0) {
		buf_append_str(b, "named in its input");
	} else if (strcmp(c->name, "passwd") == 0) {
		buf_append_str(b, "the account in use");
	} else {
		return 0;
	}
	return 1;
}
