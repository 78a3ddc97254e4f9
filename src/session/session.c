#include "session.h"

#include "broker-client.h"
#include "broker-tls.h"
#include "caps-bound.h"
#include "gate/gate.h"
#include "gate/local-services.h"
#include "gate/program-index.h"
#include "log/recorder.h"
#include "logpath.h"
#include "pipes.h"
#include "pty.h"
#include "relay.h"
#include "sweep.h"
#include "termmode.h"
#include "transfer-sftp.h"
#include "transfers.h"
#include "typed-line.h"
#include "util/unreadable.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

struct operator_id {
	char user[64];
	char host[HOST_NAME_MAX + 1];
	char tty[PATH_MAX];
};

static void read_identity(struct operator_id *id)
{
	struct passwd *pw = getpwuid(getuid());

	snprintf(id->user, sizeof(id->user), "%s", pw ? pw->pw_name : "unknown");
	if (gethostname(id->host, sizeof(id->host)) < 0)
		snprintf(id->host, sizeof(id->host), "unknown");
	id->host[sizeof(id->host) - 1] = '\0';
	for (char *p = id->host; *p; p++)
		if (*p == '/')
			*p = '_';
	if (ttyname_r(STDIN_FILENO, id->tty, sizeof(id->tty)) != 0)
		id->tty[0] = '\0';
}

/* The program's standard streams: the pty on a terminal, else pipes (as
 * sshd gives a command without -t), and the pipe the gate's lines to the
 * operator go through (the relay passes them on without waiting). */
struct streams {
	int terminal;
	struct pty pty;
	struct pipes pipes;
	int messages[2];
};

/* The pty starts with the operator's terminal settings and size. */
static int prepare_pty(struct pty *p, struct winsize *ws, struct error *err)
{
	if (termmode_save(STDIN_FILENO, err) < 0)
		return -1;
	if (tcsetattr(p->slave, TCSANOW, termmode_saved()) < 0)
		return error_errno(err, "cannot copy terminal settings to %s", p->name);
	struct winsize outer;
	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &outer) == 0 && outer.ws_col > 0 && outer.ws_row > 0)
		*ws = outer;
	if (ioctl(p->slave, TIOCSWINSZ, ws) < 0)
		return error_errno(err, "cannot set the size of %s", p->name);
	return 0;
}

static int open_streams(struct streams *s, struct winsize *ws, struct error *err)
{
	*s = (struct streams){.terminal = isatty(STDIN_FILENO),
			      .pty = {-1, -1, ""},
			      .pipes = {{{-1, -1, -1}, 0}, -1, -1, -1},
			      .messages = {-1, -1}};
	ws->ws_col = 80;
	ws->ws_row = 24;
	if (pipe2(s->messages, O_CLOEXEC) < 0)
		return error_errno(err, "cannot create a pipe");
	fcntl(s->messages[1], F_SETFL, O_NONBLOCK); /* the gate never waits on the operator */
	if (!s->terminal)
		return pipes_open(&s->pipes, err);
	if (pty_open(&s->pty, err) < 0)
		return -1;
	return prepare_pty(&s->pty, ws, err);
}

static void close_streams(struct streams *s)
{
	pty_close_slave(&s->pty);
	if (s->pty.master >= 0)
		close(s->pty.master);
	pipes_close(&s->pipes);
	for (int i = 0; i < 2; i++)
		if (s->messages[i] >= 0)
			close(s->messages[i]);
}

static struct child_stdio child_stdio(const struct streams *s)
{
	if (!s->terminal)
		return s->pipes.child;
	return (struct child_stdio){{s->pty.slave, s->pty.slave, s->pty.slave}, 1};
}

/* After the fork, the program's ends are its own: end of file reaches us. */
static void close_child_ends(struct streams *s)
{
	pty_close_slave(&s->pty);
	pipes_close_child(&s->pipes);
}

/* What the gate said before the relay ran (a first exec refused). */
static void pass_messages(int fd)
{
	char b[4096];
	ssize_t n;

	fcntl(fd, F_SETFL, O_NONBLOCK);
	while ((n = read(fd, b, sizeof(b))) > 0)
		(void)!write(STDERR_FILENO, b, (size_t)n);
}

static void fill_meta(struct session_meta *meta, const struct command *cmd,
		      const struct operator_id *id, const struct streams *s,
		      const struct winsize *ws)
{
	*meta = (struct session_meta){
	    .user = id->user,
	    .uid = getuid(),
	    .host = id->host,
	    .tty = id->tty[0] ? id->tty : NULL,
	    .pty = s->terminal ? s->pty.name : NULL,
	    .term = getenv("TERM"),
	    .origin = cmd->origin,
	    .argv = cmd->argv,
	    .ssh_connection = getenv("SSH_CONNECTION"),
	    .ssh_original_command = getenv("SSH_ORIGINAL_COMMAND"),
	    .cols = ws->ws_col,
	    .rows = ws->ws_row,
	};
}

/* log_path: NULL for the default place; *used receives the path. */
static struct recorder *start_recording(const char *log_path, const struct recorder_options *keys,
					const struct session_meta *meta, char *used, size_t size,
					struct error *err)
{
	if (log_path == NULL)
		logpath_default(used, size, meta->user, meta->host);
	else
		snprintf(used, size, "%s", log_path);
	return recorder_start(used, meta, keys, err);
}

/* A line escort printed to the operator, in the recording as output. */
static void record_line(struct recorder *rec, const char *message)
{
	struct error ignored;
	struct buf b = {0};

	buf_printf(&b, "escort: %s\n", message);
	(void)recorder_output(rec, b.data, b.len, &ignored);
	buf_free(&b);
}

/* The end is signed in this host's log first, and the checkpoint covering it
 * goes to escortd before the end is sent: escortd keeps it apart from the
 * log. Then the log is sealed. */
static int end_recording(struct recorder *rec, struct broker_client *link,
			 const struct session_result *r, struct error *err)
{
	struct error later;
	int rc = 0;

	if (link) {
		rc = recorder_end(rec, r, err);
		broker_client_finish(link, r);
	}
	if (recorder_finish(rec, r, rc < 0 ? &later : err) < 0)
		rc = -1;
	return rc;
}

static int exec_failed(struct recorder *rec, struct broker_client *link, const struct command *cmd,
		       int exec_errno, const struct error *spawn_err)
{
	struct session_result result = {.reason = "exec-failed"};
	char message[600];
	struct error err;

	termmode_restore();
	if (exec_errno == ENOENT) {
		snprintf(message, sizeof(message), "%s: command not found", cmd->file);
		result.exit_status = EXIT_NOT_FOUND;
	} else {
		snprintf(message, sizeof(message), "%s", spawn_err->msg);
		result.exit_status = exec_errno ? EXIT_CANNOT_EXECUTE : EXIT_ESCORT_FAILED;
	}
	fprintf(stderr, "escort: %s\n", message);
	record_line(rec, message);
	result.error = message;
	if (end_recording(rec, link, &result, &err) < 0)
		fprintf(stderr, "escort: %s\n", err.msg);
	return result.exit_status;
}

/* What the exec gate needs, loaded before the session starts: without any of
 * it the session does not start. The broker link's callbacks and the broker
 * policy's port reach the session through it. */
struct gate_parts {
	struct broker_client *link; /* NULL: no broker */
	const char *rules_dir;
	struct risk_engine *risk;
	struct identity_index *index;
	struct policy *policy;
	struct gate *gate;
	struct typed_line typed;     /* fed by the relay, read by the broker policy */
	struct relay *relay;	     /* while the relay runs */
	struct transfers *transfers; /* NULL: the session is not a file transfer */
};

/* The directory and every file in it can be changed by root alone (the
 * test the program index passes, identity_file_trusted). */
static int rules_dir_trusted(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int ok = identity_file_trusted(dir);

	if (!ok || (d = opendir(dir)) == NULL)
		return 0;
	while (ok && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		ok = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) < (int)sizeof(path) &&
		     identity_file_trusted(path);
	}
	closedir(d);
	return ok;
}

/* ESCORT_RULES is the operator's to set: rules the operator could have
 * written would let them choose their own ratings, so it is taken only as
 * ESCORT_INDEX is, when root alone can change it (docs/RULES.md). */
static const char *session_rules_dir(void)
{
	static char real[PATH_MAX];
	const char *env = getenv("ESCORT_RULES");
	char reason[200];
	const char *why;

	if (env == NULL || env[0] == '\0')
		return risk_shipped_rules_dir();
	why = unreadable_why(env, reason, sizeof(reason));
	if (why == NULL && realpath(env, real) != NULL && rules_dir_trusted(real))
		return real; /* resolved: a link the operator owns cannot move it now */
	fprintf(stderr, "escort: the rules directory %s (ESCORT_RULES) %s: ignored, using %s\n",
		env, why ? why : "can be changed by someone other than root",
		risk_shipped_rules_dir());
	return risk_shipped_rules_dir();
}

/* broker_port, for the broker policy */

static int port_up(void *ctx)
{
	return broker_client_up(((struct gate_parts *)ctx)->link);
}

static Escort__Action port_offline_action(void *ctx, int level, const char *const *rules,
					  size_t n_rules)
{
	return broker_client_offline_action(((struct gate_parts *)ctx)->link, level, rules,
					    n_rules);
}

static int port_ask(void *ctx, const Escort__ExecRequest *r)
{
	return broker_client_ask(((struct gate_parts *)ctx)->link, r);
}

static void port_withdraw(void *ctx, uint64_t ask_id, const char *reason)
{
	broker_client_withdraw(((struct gate_parts *)ctx)->link, ask_id, reason);
}

static const char *port_typed_line(void *ctx)
{
	return typed_line_last(&((struct gate_parts *)ctx)->typed);
}

static struct policy *new_policy(struct gate_parts *gp)
{
	const struct broker_port port = {gp,	   port_up,	  port_offline_action,
					 port_ask, port_withdraw, port_typed_line};

	return gp->link ? policy_broker_new(&port) : policy_standalone_new();
}

static int load_gate_parts(struct gate_parts *gp, struct broker_client *link, struct error *err)
{
	char notice[600] = "";

	memset(gp, 0, sizeof(*gp));
	gp->link = link;
	gp->rules_dir = session_rules_dir();
	gp->risk = risk_engine_new(gp->rules_dir, 0, err);
	if (gp->risk == NULL)
		return -1;
	gp->index = program_index_open(NULL, notice, sizeof(notice), err);
	if (gp->index == NULL)
		return -1;
	if (notice[0])
		fprintf(stderr, "escort: %s\n", notice);
	gp->policy = new_policy(gp);
	return 0;
}

static void free_gate_parts(struct gate_parts *gp)
{
	gate_stop(gp->gate);
	if (gp->policy)
		gp->policy->free(gp->policy);
	broker_client_free(gp->link);
	identity_index_free(gp->index);
	transfers_free(gp->transfers);
	if (gp->risk)
		risk_engine_free(gp->risk);
}

static void pass_output(void *ctx)
{
	relay_pass_output(((struct gate_parts *)ctx)->relay);
}

static int start_gate(struct gate_parts *gp, struct event_base *base, const struct spawned *sp,
		      struct recorder *rec, const struct streams *st, const struct own_files *own,
		      struct error *err)
{
	struct gate_config gc = {
	    .base = base,
	    .listener = sp->listener,
	    .rec = rec,
	    .risk = gp->risk,
	    .index = gp->index,
	    .policy = gp->policy,
	    .message_fd = st->messages[1],
	    .message_crlf = st->terminal,
	    .first = sp->pid,
	    .own = own,
	    .session_pty = st->terminal ? st->pty.master : -1,
	    .flush_output = pass_output,
	    .flush_ctx = gp,
	    .changed = gp->transfers ? transfers_changed : NULL,
	    .changed_ctx = gp->transfers,
	};

	if (geteuid() == 0) /* the session's root has not these two (caps-bound.h) */
		caps_bound_leave();
	gp->gate = gate_start(&gc, err);
	return gp->gate ? 0 : -1;
}

static void count_execs(struct session_result *r, const struct gate *g)
{
	if (g != NULL)
		r->gate = *gate_counters(g);
}

/* Nothing held runs once the session ends, and no approval outlives it. */
static void on_ending(void *ctx, const char *reason)
{
	gate_end_session(((struct gate_parts *)ctx)->gate, reason);
}

static int relay_and_finish(struct recorder *rec, struct event_base *base, struct streams *st,
			    pid_t child, struct gate_parts *gp)
{
	const struct gate *g = gp->gate;
	struct relay_config rc = {
	    .base = base,
	    .in_fd = STDIN_FILENO,
	    .out_fd = STDOUT_FILENO,
	    .err_fd = STDERR_FILENO,
	    .in_is_tty = st->terminal,
	    .to_child = st->terminal ? st->pty.master : st->pipes.to_stdin,
	    .from_child = st->terminal ? st->pty.master : st->pipes.from_stdout,
	    .from_child_err = st->terminal ? -1 : st->pipes.from_stderr,
	    .messages = st->messages[0],
	    .child = child,
	    .rec = rec,
	    .typed = &gp->typed,
	    .running = &gp->relay,
	    .ending = on_ending,
	    .ending_ctx = gp,
	};
	struct session_result result = {.reason = "exit"};
	struct error err;

	rc.watch_ctx = gp->transfers ? transfers_stream(gp->transfers, rec) : NULL;
	rc.watch = rc.watch_ctx ? transfer_sftp_relayed : NULL;
	relay_run(&rc, &result);
	st->pipes.to_stdin = -1; /* the relay closed it */
	gate_end_session(gp->gate, result.reason);
	result.processes_ended = sweep_session(); /* the first process has ended */
	gate_quiesce(gp->gate);			  /* nothing is recorded after the end is sent */
	count_execs(&result, g);
	if (gp->transfers && transfers_record(gp->transfers, rec, &err) < 0)
		fprintf(stderr, "escort: the files transferred were not recorded: %s\n", err.msg);
	termmode_restore();
	if (end_recording(rec, gp->link, &result, &err) < 0) {
		fprintf(stderr, "escort: the end of the session was not recorded: %s\n", err.msg);
		return EXIT_ESCORT_FAILED;
	}
	return result.exit_status;
}

/* Starts the program under the gate; the gate decides its first exec too. */
static int spawn_gated(struct streams *st, const struct command *cmd, struct gate_parts *gp,
		       struct event_base *base, struct recorder *rec, const struct own_files *own,
		       pid_t *child, int *exec_errno, struct error *err)
{
	struct child_stdio io = child_stdio(st);
	int root = geteuid() == 0;
	struct spawned sp;

	*exec_errno = 0;
	/* Root could reach escort's files whatever their modes: they are hidden. */
	if (spawn_start(&io, cmd->file, cmd->argv, root, root ? own : NULL, &sp, err) < 0)
		return -1;
	close_child_ends(st);
	if (start_gate(gp, base, &sp, rec, st, own, err) < 0) {
		close(sp.listener);
		kill(sp.pid, SIGKILL);
		spawn_finish(&sp, NULL, exec_errno, err);
		*exec_errno = 0;
		return -1;
	}
	*child = sp.pid;
	return spawn_finish(&sp, base, exec_errno, err);
}

/* link callbacks (arg: the gate parts) */

static void on_decision(void *arg, const Escort__Decision *d)
{
	policy_broker_decision(((struct gate_parts *)arg)->policy, d);
}

static void on_lost(void *arg)
{
	policy_broker_lost(((struct gate_parts *)arg)->policy);
}

static void on_back(void *arg)
{
	policy_broker_back(((struct gate_parts *)arg)->policy);
}

/* While the session runs, through the gate's line to the operator (recorded);
 * before or after, on stderr (the terminal is not raw then). */
static void on_say(void *arg, const char *line)
{
	struct gate_parts *gp = arg;

	if (gp->relay && gp->gate)
		gate_say(gp->gate, line);
	else
		fprintf(stderr, "escort: %s\n", line);
}

static void on_terminate(void *arg, const char *reason)
{
	relay_end_now(((struct gate_parts *)arg)->relay, "terminated", reason);
}

/* escort's files this session must not reach (own-files.h). */
static void collect_own_files(struct own_files *o, const char *log, const struct keyring *keys,
			      const struct gate_parts *gp, const char *socket)
{
	own_files_add_defaults(o);
	own_files_add(o, log, OWN_LOG);
	own_files_add(o, keys->sign_path, OWN_FILE);
	own_files_add(o, keys->auditor_path, OWN_FILE);
	own_files_add(o, gp->rules_dir, OWN_TREE);
	own_files_add(o, program_index_default_path(), OWN_FILE);
	own_files_add(o, broker_client_socket(socket), OWN_FILE);
	own_files_add(o, broker_tls_dir(), OWN_TREE); /* the host's identity in the fleet */
}

/* With a broker, escortd must accept the session before anything starts. */
static int open_link(const char *socket, const struct session_meta *meta,
		     const struct recorder_options *keys, struct broker_client **link,
		     struct error *err)
{
	const char *path = broker_client_socket(socket);
	struct broker_tls *tls = NULL;

	*link = NULL;
	/* A socket named (--socket, $ESCORT_SOCKET) is used; else the broker
	 * this host enrolled with, over TLS; else the default socket. */
	if (socket == NULL && getenv("ESCORT_SOCKET") == NULL) {
		if ((tls = broker_tls_find(err)) == NULL && err->code != 0)
			return -1;
		if (tls)
			return (*link = broker_client_open(NULL, tls, meta, keys, err)) ? 0 : -1;
	}
	local_services_protect(path); /* the session must not reach it */
	if (path == NULL)
		return 0;
	*link = broker_client_open(path, NULL, meta, keys, err);
	return *link ? 0 : -1;
}

static int start_link(struct gate_parts *gp, struct event_base *base, struct recorder *rec,
		      struct error *err)
{
	const struct broker_client_callbacks cb = {on_decision, on_terminate, on_lost,
						   on_back,	on_say,	      gp};

	if (gp->link == NULL)
		return 0;
	recorder_set_tee(rec, broker_client_record, gp->link);
	return broker_client_start(gp->link, base, &cb, err);
}

int session_run(const struct command *cmd, const char *log_path, const struct keyring *keys,
		const char *socket)
{
	struct own_files own = {0};
	char log[PATH_MAX];
	struct broker_client *link;
	struct session_meta meta;
	struct gate_parts gp;
	struct event_base *base;
	struct operator_id id;
	struct winsize ws;
	struct recorder *rec;
	struct error err;
	struct streams st;
	int exec_errno, status;
	pid_t child = -1;

	/* Signals wait until the relay can handle them: dying between raw mode
	 * and the handlers would leave the operator's terminal raw. */
	relay_block_signals();
	read_identity(&id);
	if (open_streams(&st, &ws, &err) < 0) {
		fprintf(stderr, "escort: %s\n", err.msg);
		close_streams(&st);
		return EXIT_ESCORT_FAILED;
	}
	fill_meta(&meta, cmd, &id, &st, &ws);
	if (open_link(socket, &meta, &keys->view, &link, &err) < 0) {
		fprintf(stderr, "escort: refusing the session: %s\n", err.msg);
		return EXIT_ESCORT_FAILED;
	}
	if (load_gate_parts(&gp, link, &err) < 0 || (base = relay_new_base(STDIN_FILENO)) == NULL) {
		const char *why =
		    gp.risk && gp.index && gp.policy ? "cannot set up the event loop" : err.msg;
		fprintf(stderr, "escort: refusing to start a session without its exec gate: %s\n",
			why);
		broker_client_refuse(link, why);
		free_gate_parts(&gp);
		return EXIT_ESCORT_FAILED;
	}
	/* The session's processes run as the same account: they must not be able
	 * to attach to the session host and answer for the gate. (After loading:
	 * it also hides /proc/self from the account itself.) */
	prctl(PR_SET_DUMPABLE, 0);
	gp.transfers = transfers_new(cmd);
	rec = start_recording(log_path, &keys->view, &meta, log, sizeof(log), &err);
	if (rec == NULL || start_link(&gp, base, rec, &err) < 0 || sweep_adopt(&err) < 0) {
		fprintf(stderr, "escort: refusing to start an unrecorded session: %s\n", err.msg);
		broker_client_refuse(gp.link, err.msg);
		if (rec)
			recorder_finish(rec, &(struct session_result){.reason = "record-failed"},
					&err);
		free_gate_parts(&gp);
		event_base_free(base);
		return EXIT_ESCORT_FAILED;
	}
	signal(SIGPIPE, SIG_IGN);
	atexit(termmode_restore);
	if (termmode_raw(&err) < 0)
		fprintf(stderr, "escort: %s\n", err.msg);
	collect_own_files(&own, log, keys, &gp, socket);
	if (spawn_gated(&st, cmd, &gp, base, rec, &own, &child, &exec_errno, &err) < 0) {
		pass_messages(st.messages[0]);
		status = exec_failed(rec, gp.link, cmd, exec_errno, &err);
	} else {
		status = relay_and_finish(rec, base, &st, child, &gp);
	}
	free_gate_parts(&gp);
	own_files_free(&own);
	event_base_free(base);
	close_streams(&st);
	return status;
}
