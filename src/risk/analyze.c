#include "analyze.h"

#include "chains.h"
#include "content.h"
#include "profile.h"
#include "verbs.h"

#include "util/buf.h"
#include "util/grow.h"
#include "util/xmalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NESTING 8
#define SCRIPT_MAX (64 * 1024)

/* What the wrappers around a command have established so far. */
struct frame {
	struct buf via;
	int as_root;
	const char *remote_host;
	int nesting;
	int depth;
	const struct shell_command *sc; /* redirections and assignments of the shell command */
	const char *piped_from, *piped_to;
	const char *source; /* the address the downloader it reads from fetches */
	const struct risk_input *in;
	int *own_script_used; /* the caller's text of the exec's script was taken */
};

static void analyze_text(struct analysis *out, const char *text, size_t len, struct frame *f,
			 const char *how);

void strlist_add(struct strlist *l, const char *s)
{
	l->items = grow_array(l->items, l->n, sizeof(char *));
	l->items[l->n++] = xstrdup(s);
}

void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

static int is_one_of(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(name, *list) == 0)
			return 1;
	return 0;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* "-xzf FILE": the letters, and the value the first letter that takes one
 * is given (the rest of the word, or the next argument). Returns how many
 * arguments after a were taken. */
/* An option's value: a file it writes (-o, --output, -keyout), else a file
 * it reads when it looks like a path. */
static void add_value(struct real_command *c, const char *opt, const char *value)
{
	static const char *const key_used[] = {"key", "signkey", "inkey", "CAkey", NULL};
	static const char *const netcats[] = {"nc", "ncat", "netcat", NULL};
	static const char *const runs[] = {"e", "c", "exec", "sh-exec", "lua-exec", NULL};
	static const char *const outputs[] = {
	    "o",	 "O",	     "out",	    "keyout",	       "output",
	    "state-out", "log-file", "output-file", "output-document", "directory-prefix",
	    NULL};

	strlist_add(&c->values, value);
	/* ssh-keygen -f names the key it makes, lists or converts, openssl
	 * -key the key it signs with: used, not read out (ssh-keygen -y prints
	 * only the public half). */
	if (strcmp(c->name, "ssh-keygen") == 0 ||
	    (strcmp(c->name, "openssl") == 0 && is_one_of(opt, key_used)))
		return;
	/* nc -e PROGRAM runs the program; it is not a file sent */
	if (is_one_of(c->name, netcats) && is_one_of(opt, runs))
		return;
	if (is_one_of(opt, outputs))
		strlist_add(&c->writes, value);
	else if (value[0] == '/' || value[0] == '~' || value[0] == '.')
		strlist_add(&c->reads, value);
}

static int split_short(struct real_command *c, const struct profile *p, const char *a,
		       const char *next)
{
	for (const char *q = a + 1; *q; q++) {
		char one[2] = {*q, 0};
		strlist_add(&c->opts, one);
		if (p == NULL || !profile_short_takes_value(p, *q))
			continue;
		if (q[1] != '\0') {
			add_value(c, one, q + 1);
			return 0;
		}
		if (next == NULL)
			return 0;
		add_value(c, one, next);
		return 1;
	}
	return 0;
}

/* "--name=value", "--name value", and "-name value" for programs whose long
 * options have one dash. Returns how many arguments after a were taken. */
static int split_long(struct real_command *c, const struct profile *p, const char *name,
		      const char *next)
{
	char opt[128];
	size_t len = strcspn(name, "=");

	snprintf(opt, sizeof(opt), "%.*s", (int)len, name);
	strlist_add(&c->opts, opt);
	if (name[len] == '=') {
		add_value(c, opt, name + len + 1);
		return 0;
	}
	if (p == NULL || next == NULL || !profile_long_takes_value(p, opt))
		return 0;
	add_value(c, opt, next);
	return 1;
}

/* tar's first word without a dash ("czf", "xvf") is its options. */
static int tar_letters(const char *name, const char *a)
{
	return strcmp(name, "tar") == 0 && a[0] != '-' && a[0] != '\0' &&
	       strspn(a, "ctxruAdzjJvfpkmwoSGhlOP") == strlen(a) && strpbrk(a, "ctxruAd") != NULL &&
	       strlen(a) < 32;
}

static int tar_bundle(struct real_command *c, const struct profile *p, const char *a,
		      const char *next)
{
	char dashed[64];

	snprintf(dashed, sizeof(dashed), "-%s", a);
	return split_short(c, p, dashed, next);
}

/* Options (short ones split, long ones without dashes), the values of those
 * the program's profile says take one, and operands. */
static void split_args(struct real_command *c, char **argv, int argc)
{
	const struct profile *p = profile_find(c->name);
	int options_done = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
		int taken = 0;
		strlist_add(&c->args, a);
		if (i == 1 && tar_letters(c->name, a))
			taken = tar_bundle(c, p, a, next);
		else if (options_done || a[0] != '-' || a[1] == '\0')
			strlist_add(&c->operands, a);
		else if (strcmp(a, "--") == 0)
			options_done = 1;
		else if (a[1] == '-')
			taken = split_long(c, p, a + 2, next);
		else if (p != NULL && p->single_dash_long && a[2] != '\0')
			taken = split_long(c, p, a + 1, next);
		else
			taken = split_short(c, p, a, next);
		if (taken) {
			strlist_add(&c->args, next);
			i++;
		}
	}
}

/* aws s3 cp, gsutil cp, rclone copy...: the last operand is written when it
 * names a bucket or a remote ("s3://...", "remote:path"). */
static void cloud_copy_target(struct real_command *c)
{
	static const char *const tools[] = {"aws",    "gsutil", "s3cmd", "rclone",
					    "azcopy", "gcloud", "az",	 NULL};
	static const char *const verbs[] = {"cp",   "sync", "mv",    "copy",   "copyto", "moveto",
					    "move", "put",  "rsync", "upload", NULL};
	const struct strlist *ops = &c->operands;
	int copies = 0;

	if (!is_one_of(c->name, tools) || ops->n < 2)
		return;
	for (size_t i = 0; i + 1 < ops->n && !copies; i++)
		copies = is_one_of(ops->items[i], verbs);
	if (copies && strchr(ops->items[ops->n - 1], ':') != NULL)
		strlist_add(&c->writes, ops->items[ops->n - 1]);
}

/* kubectl's "deploy/api", "pod/x": a kind and a name, not a file. */
static int kind_and_name(const struct real_command *c, const char *w)
{
	static const char *const clusters[] = {"kubectl", "oc", NULL};

	return is_one_of(c->name, clusters) && strchr("/.~", w[0]) == NULL;
}

/* Files the command writes or reads, by what the command is. */
static void collect_files(struct real_command *c)
{
	static const char *const copiers[] = {"cp", "mv", "install", "ln", "rsync", "scp", NULL};
	static const char *const writers[] = {"tee", "truncate", "touch", NULL};
	/* they change or show a file's owner, mode or dates, never its content */
	static const char *const metadata_only[] = {"chmod",  "chown",	 "chgrp",   "chattr",
						    "lsattr", "setfacl", "getfacl", "ls",
						    "stat",   NULL};
	const struct strlist *ops = &c->operands;

	if (is_one_of(c->name, writers))
		for (size_t i = 0; i < ops->n; i++)
			strlist_add(&c->writes, ops->items[i]);
	if (is_one_of(c->name, copiers) && ops->n >= 2)
		strlist_add(&c->writes, ops->items[ops->n - 1]);
	cloud_copy_target(c);
	if (strcmp(c->name, "dd") == 0)
		for (size_t i = 0; i < ops->n; i++) {
			if (starts_with(ops->items[i], "of="))
				strlist_add(&c->writes, ops->items[i] + 3);
			if (starts_with(ops->items[i], "if="))
				strlist_add(&c->reads, ops->items[i] + 3);
		}
	if (strcmp(c->name, "sed") == 0) {
		int in_place = 0;
		for (size_t i = 0; i < c->opts.n; i++)
			in_place |= strcmp(c->opts.items[i], "i") == 0 ||
				    strcmp(c->opts.items[i], "in-place") == 0;
		for (size_t i = 1; in_place && i < ops->n; i++)
			strlist_add(&c->writes, ops->items[i]);
	}
	for (size_t i = 0; i < ops->n && !is_one_of(c->name, metadata_only); i++)
		if ((strchr(ops->items[i], '/') != NULL || ops->items[i][0] == '.') &&
		    !kind_and_name(c, ops->items[i]))
			strlist_add(&c->reads, ops->items[i]);
}

static void add_redirects(struct real_command *c, const struct shell_command *sc)
{
	for (size_t i = 0; sc && i < sc->nredirects; i++) {
		const struct shell_redirect *r = &sc->redirects[i];
		if (r->writes)
			strlist_add(&c->writes, r->target.text);
		else if (strcmp(r->op, "<") == 0)
			strlist_add(&c->reads, r->target.text);
	}
	for (size_t i = 0; sc && i < sc->nassignments; i++)
		strlist_add(&c->env, sc->assignments[i].text);
}

static void set_verb(struct real_command *c)
{
	const char *word = NULL;

	c->verb = verb_of(c, &word);
	c->verb_word = word ? xstrdup(word) : NULL;
}

static void emit(struct analysis *out, char **argv, int argc, struct frame *f, int dynamic,
		 int disguised)
{
	struct real_command *c;

	out->cmds = grow_array(out->cmds, out->n, sizeof(*out->cmds));
	c = &out->cmds[out->n++];
	memset(c, 0, sizeof(*c));
	c->path = xstrdup(argv[0]);
	c->name = xstrdup(base_name(argv[0]));
	c->via = f->via.len ? xstrdup(buf_cstr(&f->via)) : NULL;
	c->remote_host = f->remote_host ? xstrdup(f->remote_host) : NULL;
	c->piped_from = f->piped_from ? xstrdup(f->piped_from) : NULL;
	c->source = f->source ? xstrdup(f->source) : NULL;
	c->piped_to = f->piped_to ? xstrdup(f->piped_to) : NULL;
	c->as_root = f->as_root;
	c->nesting = f->nesting;
	c->name_dynamic = dynamic;
	c->name_disguised = disguised;
	split_args(c, argv, argc);
	add_redirects(c, f->sc);
	collect_files(c);
	set_verb(c);
}

static void push_via(struct frame *f, const char *what)
{
	if (f->via.len)
		buf_append_str(&f->via, ", ");
	buf_append_str(&f->via, what);
}

static int option_takes_value(const char *opt, const char *with_value)
{
	return opt[0] == '-' && opt[1] != '-' && opt[1] != '\0' && opt[2] == '\0' &&
	       strchr(with_value, opt[1]) != NULL;
}

/* Skips the wrapper's own options; returns the index of the wrapped command. */
static int skip_options(char **argv, int argc, int i, const char *with_value)
{
	while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {
		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		if (option_takes_value(argv[i], with_value))
			i++;
		i++;
	}
	return i;
}

static char *join(char **argv, int argc, int from)
{
	struct buf b = {0};
	char *s;

	for (int i = from; i < argc; i++) {
		if (i > from)
			buf_putc(&b, ' ');
		buf_append_str(&b, argv[i]);
	}
	s = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return s;
}

static void unwrap(struct analysis *out, char **argv, int argc, struct frame *f, int dynamic,
		   int disguised);

static void recurse_text(struct analysis *out, const char *text, struct frame *f, const char *how)
{
	analyze_text(out, text, strlen(text), f, how);
}

/* sh -c STRING, or sh FILE: the string or the file's content is analysed. */
static int unwrap_shell(struct analysis *out, char **argv, int argc, struct frame *f);

/* The script's text from the caller: the exec's own script for the first
 * one its argv names, else whatever the caller's reader gives. */
static int read_script(const char *path, const struct frame *f, struct buf *content)
{
	const struct risk_input *in = f->in;

	if (in == NULL)
		return -1;
	if (f->depth == 0 && in->script != NULL && !*f->own_script_used) {
		*f->own_script_used = 1;
		buf_append(content, in->script,
			   in->script_len < SCRIPT_MAX ? in->script_len : SCRIPT_MAX);
	} else if (in->read_script == NULL ||
		   in->read_script(in->ctx, path, content, SCRIPT_MAX) < 0) {
		return -1;
	}
	if (content->len > SCRIPT_MAX)
		content->len = SCRIPT_MAX;
	/* A compiled program is not a script: its bytes say nothing to a shell. */
	if (content->len > 0 && memchr(content->data, '\0', content->len) != NULL)
		return -1;
	return 0;
}

static int analyze_script(struct analysis *out, const char *path, struct frame *f)
{
	struct buf content = {0};
	char how[300];

	if (read_script(path, f, &content) < 0) {
		buf_free(&content);
		return 0;
	}
	snprintf(how, sizeof(how), "script %s", path);
	analyze_text(out, (const char *)content.data, content.len, f, how);
	if (out->n > 0 && out->cmds[out->n - 1].script == NULL)
		out->cmds[out->n - 1].script = xstrdup(path);
	buf_free(&content);
	return 1;
}

/* sh <<EOF ... EOF and sh <<< 'cmd': the text fed to the shell is its program. */
static int shell_input_text(struct analysis *out, struct frame *f)
{
	for (size_t i = 0; f->sc && i < f->sc->nredirects; i++) {
		const struct shell_redirect *r = &f->sc->redirects[i];
		if (strncmp(r->op, "<<", 2) == 0 && r->target.text[0] != '\0') {
			recurse_text(out, r->target.text, f,
				     strcmp(r->op, "<<<") == 0 ? "sh <<<" : "sh <<EOF");
			return 1;
		}
	}
	return 0;
}

static int unwrap_shell(struct analysis *out, char **argv, int argc, struct frame *f)
{
	if (shell_input_text(out, f))
		return 1;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			recurse_text(out, argv[i + 1], f, "sh -c");
			return 1;
		}
		if (argv[i][0] != '-')
			return analyze_script(out, argv[i], f);
	}
	return 0;
}

static void unwrap_find(struct analysis *out, char **argv, int argc, struct frame *f)
{
	static const char *const exec_opts[] = {"-exec", "-execdir", "-ok", "-okdir", NULL};

	emit(out, argv, argc, f, 0, 0);
	for (int i = 1; i < argc; i++) {
		int end = i + 1;
		if (!is_one_of(argv[i], exec_opts))
			continue;
		while (end < argc && strcmp(argv[end], ";") != 0 && strcmp(argv[end], "+") != 0)
			end++;
		if (end > i + 1) {
			push_via(f, "find -exec");
			unwrap(out, argv + i + 1, end - i - 1, f, 0, 0);
		}
		i = end;
	}
}

/* ssh HOST COMMAND: ssh itself, and the command it runs elsewhere. */
static void unwrap_ssh(struct analysis *out, char **argv, int argc, struct frame *f)
{
	static const char with_value[] = "bcDEeFIiJLlmOopQRSWw";
	int host = skip_options(argv, argc, 1, with_value), cmd;
	char *remote;

	emit(out, argv, argc, f, 0, 0);
	if (host >= argc)
		return;
	cmd = skip_options(argv, argc, host + 1, with_value); /* ssh HOST -N: options again */
	if (cmd >= argc)
		return;
	remote = join(argv, argc, cmd);
	f->remote_host = argv[host];
	push_via(f, "ssh");
	recurse_text(out, remote, f, NULL);
	free(remote);
}

static int sudo_as_root(char **argv, int argc, int end)
{
	for (int i = 1; i + 1 < end && i < argc; i++)
		if (strcmp(argv[i], "-u") == 0)
			return strcmp(argv[i + 1], "root") == 0 || strcmp(argv[i + 1], "#0") == 0;
	return 1;
}

/* The command whose text the last command writes: itself, or for
 * "echo TEXT | tee FILE" the echo before it. */
static const struct real_command *text_source(const struct analysis *out)
{
	const struct real_command *c = &out->cmds[out->n - 1];

	if (strcmp(c->name, "tee") != 0 || c->piped_from == NULL)
		return c;
	for (size_t i = out->n - 1; i-- > 0;)
		if (strcmp(out->cmds[i].name, c->piped_from) == 0 && out->cmds[i].piped_to &&
		    strcmp(out->cmds[i].piped_to, "tee") == 0)
			return &out->cmds[i];
	return c;
}

/* What echo or printf writes into a file that runs later, as commands. */
static void analyze_content(struct analysis *out, struct frame *f)
{
	struct strlist lines = {0}, when = {0};
	const char *where = NULL;
	char how[600];

	content_commands(text_source(out), &out->cmds[out->n - 1], &lines, &when, &where);
	for (size_t i = 0; i < lines.n; i++) {
		snprintf(how, sizeof(how), "written to %s, run %s", where, when.items[i]);
		recurse_text(out, lines.items[i], f, how);
	}
	strlist_free(&lines);
	strlist_free(&when);
}

static void unwrap(struct analysis *out, char **argv, int argc, struct frame *f, int dynamic,
		   int disguised)
{
	static const char *const shells[] = {"sh", "bash", "dash", "zsh", "ksh", "ash", NULL};
	static const char *const plain[] = {"nohup", "time",   "command",  "builtin",
					    "exec",  "setsid", "unbuffer", NULL};
	const char *name;
	int next;

	if (argc <= 0)
		return;
	name = base_name(argv[0]);
	if (dynamic || f->depth > MAX_NESTING) {
		emit(out, argv, argc, f, dynamic, disguised);
		return;
	}
	if (strcmp(name, "sudo") == 0 || strcmp(name, "doas") == 0) {
		next = skip_options(argv, argc, 1, "ugpCDhrtUT");
		if (next >= argc) {
			emit(out, argv, argc, f, 0, disguised); /* sudo -i, sudo -s: a root shell */
			return;
		}
		f->as_root = sudo_as_root(argv, argc, next);
		push_via(f, name);
	} else if (strcmp(name, "env") == 0) {
		int first = skip_options(argv, argc, 1, "uCS");
		size_t before = out->n;
		next = first;
		while (next < argc && strchr(argv[next], '=') != NULL && argv[next][0] != '=')
			next++;
		if (next >= argc) {
			emit(out, argv, argc, f, 0, disguised);
			return;
		}
		push_via(f, "env");
		unwrap(out, argv + next, argc - next, f, 0, 0);
		/* env's assignments reach the command it runs. */
		for (size_t k = before; k < out->n; k++)
			for (int i = first; i < next; i++)
				strlist_add(&out->cmds[k].env, argv[i]);
		return;
	} else if (is_one_of(name, plain)) {
		next = skip_options(argv, argc, 1, "");
		push_via(f, name);
	} else if (strcmp(name, "nice") == 0 || strcmp(name, "ionice") == 0 ||
		   strcmp(name, "stdbuf") == 0 || strcmp(name, "chrt") == 0) {
		next = skip_options(argv, argc, 1, "ncptioe");
		push_via(f, name);
	} else if (strcmp(name, "timeout") == 0) {
		next = skip_options(argv, argc, 1, "sk") + 1; /* then the duration */
		push_via(f, name);
	} else if (strcmp(name, "xargs") == 0) {
		next = skip_options(argv, argc, 1, "IinPdELsa");
		if (next >= argc) {
			emit(out, argv, argc, f, 0, disguised);
			return;
		}
		push_via(f, "xargs");
	} else if (strcmp(name, "find") == 0) {
		unwrap_find(out, argv, argc, f);
		return;
	} else if (strcmp(name, "ssh") == 0) {
		unwrap_ssh(out, argv, argc, f);
		return;
	} else if (strcmp(name, "eval") == 0) {
		char *text = join(argv, argc, 1);
		recurse_text(out, text, f, "eval");
		free(text);
		return;
	} else if (strcmp(name, "su") == 0) {
		for (int i = 1; i + 1 < argc; i++)
			if (strcmp(argv[i], "-c") == 0) {
				f->as_root = 1;
				recurse_text(out, argv[i + 1], f, "su -c");
				return;
			}
		emit(out, argv, argc, f, 0, disguised);
		return;
	} else if (is_one_of(name, shells)) {
		/* sh -c STRING and sh FILE are judged by what they run; a bare shell
		 * is an interactive interpreter. */
		if (!unwrap_shell(out, argv, argc, f))
			emit(out, argv, argc, f, 0, disguised);
		return;
	} else {
		emit(out, argv, argc, f, 0, disguised);
		analyze_content(out, f);
		if (strchr(argv[0], '/') != NULL)
			analyze_script(out, argv[0], f);
		return;
	}
	if (next >= argc) /* "exec 3>file", "nohup" alone: the wrapper is the command */
		emit(out, argv, argc, f, 0, disguised);
	else
		unwrap(out, argv + next, argc - next, f, 0, 0);
}

static void frame_copy(struct frame *dst, const struct frame *src)
{
	*dst = *src;
	memset(&dst->via, 0, sizeof(dst->via));
	buf_append(&dst->via, src->via.data, src->via.len);
}

/* The real name of the command at the other end of a pipe, wrappers skipped. */
static const char *pipe_peer(const struct shell_command *sc)
{
	static const char *const wrappers[] = {"sudo", "doas",	 "env",	    "nohup", "time",
					       "nice", "stdbuf", "command", NULL};

	for (size_t i = 0; i < sc->argc; i++) {
		const char *name = base_name(sc->argv[i].text);
		if (sc->argv[i].text[0] == '-' || strchr(sc->argv[i].text, '=') != NULL ||
		    is_one_of(name, wrappers))
			continue;
		return name;
	}
	return sc->argc ? base_name(sc->argv[0].text) : NULL;
}

/* The address a downloader at the other end of a pipe fetches, or NULL. */
static const char *download_source(const struct shell_command *sc)
{
	static const char *const downloaders[] = {"curl", "wget", "fetch", "aria2c", NULL};
	const char *peer = pipe_peer(sc);

	if (peer == NULL || !is_one_of(peer, downloaders))
		return NULL;
	for (size_t i = 0; i < sc->argc; i++)
		if (sc->argv[i].text[0] != '-' && strstr(sc->argv[i].text, "://") != NULL)
			return sc->argv[i].text;
	return NULL;
}

static void from_parse(struct analysis *out, const struct shell_parse *p, const struct frame *base)
{
	for (size_t i = 0; i < p->ncmds; i++) {
		const struct shell_command *sc = &p->cmds[i];
		struct frame f;
		char **argv;

		if (sc->argc == 0)
			continue;
		frame_copy(&f, base);
		f.sc = sc;
		f.nesting = base->nesting + sc->nesting;
		f.depth = base->depth + 1;
		f.piped_to = sc->piped_to >= 0 ? pipe_peer(&p->cmds[sc->piped_to]) : NULL;
		for (size_t k = 0; k < p->ncmds; k++)
			if (p->cmds[k].piped_to == (int)i) {
				f.piped_from = pipe_peer(&p->cmds[k]);
				f.source = download_source(&p->cmds[k]);
			}
		argv = xcalloc(sc->argc + 1, sizeof(char *));
		for (size_t k = 0; k < sc->argc; k++)
			argv[k] = sc->argv[k].text;
		unwrap(out, argv, (int)sc->argc, &f, sc->argv[0].dynamic, sc->argv[0].disguised);
		free(argv);
		buf_free(&f.via);
	}
}

static void analyze_text(struct analysis *out, const char *text, size_t len, struct frame *f,
			 const char *how)
{
	struct shell_parse p;
	struct frame inner;

	if (f->depth > MAX_NESTING) {
		out->too_deep = 1;
		return;
	}
	if (shell_parse(text, len, &p) < 0)
		abort();
	out->parse_error |= p.error;
	frame_copy(&inner, f);
	inner.depth = f->depth + 1;
	inner.sc = NULL;
	if (how != NULL)
		push_via(&inner, how);
	from_parse(out, &p, &inner);
	buf_free(&inner.via);
	shell_parse_free(&p);
}

int analyze_line(const char *line, size_t len, const struct risk_input *in, struct analysis *out)
{
	int used = 0;
	struct frame f = {.in = in, .own_script_used = &used};

	memset(out, 0, sizeof(*out));
	analyze_text(out, line, len, &f, NULL);
	chains_find(out, line, len);
	return 0;
}

int analyze_argv(char *const *argv, const struct risk_input *in, struct analysis *out)
{
	int used = 0;
	struct frame f = {.in = in, .own_script_used = &used};
	int argc = 0;

	memset(out, 0, sizeof(*out));
	while (argv[argc] != NULL)
		argc++;
	unwrap(out, (char **)argv, argc, &f, 0, 0);
	chains_find_sends(out); /* scp KEY HOST: as a line */
	buf_free(&f.via);
	return 0;
}

void analysis_free(struct analysis *a)
{
	for (size_t i = 0; i < a->n; i++) {
		struct real_command *c = &a->cmds[i];
		free(c->name);
		free(c->path);
		free(c->via);
		free(c->remote_host);
		free(c->piped_from);
		free(c->source);
		free(c->piped_to);
		free(c->script);
		strlist_free(&c->args);
		strlist_free(&c->opts);
		strlist_free(&c->operands);
		strlist_free(&c->values);
		free(c->verb_word);
		strlist_free(&c->writes);
		strlist_free(&c->reads);
		strlist_free(&c->env);
	}
	free(a->cmds);
	memset(a, 0, sizeof(*a));
}
