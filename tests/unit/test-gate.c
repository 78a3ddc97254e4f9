/* The gate's hold path and approval scopes, with a real seccomp-trapped
 * child and a policy that asks for everything above low and answers from a
 * script: once, tree, session, deny, and a process killed while it waits. */
#include "check.h"
#include "gate/fdpass.h"
#include "gate/filter.h"
#include "gate/gate.h"
#include "gate/program-index.h"
#include "log/keys.h"

#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct scripted {
	struct policy base;
	const struct verdict *answers; /* in the order asked; action GATE_ASK: never answer */
	int asked;
	uint64_t pending_id;
	policy_answer_fn answer;
	void *gate;
};

static void scripted_decide(struct policy *p, const struct exec_facts *f, struct verdict *out)
{
	(void)p;
	memset(out, 0, sizeof(*out));
	out->action = f->report->level <= LEVEL_LOW ? GATE_ALLOW : GATE_ASK;
	snprintf(out->by, sizeof(out->by), "test policy");
}

static int scripted_ask(struct policy *p, const struct exec_facts *f, uint64_t ask_id,
			policy_answer_fn answer, void *gate, struct verdict *out)
{
	struct scripted *s = (struct scripted *)p;

	(void)f;
	(void)out;
	s->pending_id = ask_id;
	s->answer = answer;
	s->gate = gate;
	s->asked++;
	return 0;
}

static void scripted_cancel(struct policy *p, uint64_t ask_id, const char *reason)
{
	(void)p;
	(void)ask_id;
	(void)reason;
}

static void scripted_free(struct policy *p)
{
	(void)p;
}

static struct risk_engine *risk;
static struct identity_index *index_;
static struct recorder *rec;
static char dir[] = "/tmp/escort-test-gate-XXXXXX";

struct run {
	struct event_base *base;
	struct scripted *policy;
	pid_t child;
	int status, done, kill_when_held;
};

/* Answers a pending ask on the next tick (as an escort would, later). */
static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct run *r = arg;
	struct scripted *s = r->policy;

	(void)fd;
	(void)what;
	if (s->answer && s->pending_id) {
		uint64_t id = s->pending_id;
		const struct verdict *v = &s->answers[s->asked - 1];
		s->pending_id = 0;
		if (r->kill_when_held) {
			kill(r->child, SIGKILL);
			usleep(100000);
		}
		if (v->action != GATE_ASK)
			s->answer(s->gate, id, v);
	}
	if (waitpid(r->child, &r->status, WNOHANG) == r->child) {
		r->done = 1;
		event_base_loopbreak(r->base);
	}
}

static char messages[8192]; /* what the operator's terminal was told in the last run */

static int run_child(char *const argv[], struct scripted *policy, int kill_when_held)
{
	int shown[2];
	ssize_t n;
	struct run r = {.policy = policy, .kill_when_held = kill_when_held};
	struct timeval tick = {0, 20000};
	struct gate_config gc;
	struct event *timer;
	struct error err;
	struct gate *g;
	int sock[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) == 0);
	CHECK(pipe2(shown, O_CLOEXEC | O_NONBLOCK) == 0);
	r.child = fork();
	if (r.child == 0) {
		int fd = gate_filter_install(0, &err);
		if (fd < 0 || fdpass_offer(sock[1], fd, &err) < 0)
			_exit(125);
		execv(argv[0], argv);
		_exit(126);
	}
	close(sock[1]);
	r.base = event_base_new();
	gc = (struct gate_config){.base = r.base,
				  .listener = fdpass_take(sock[0], r.child, &err),
				  .rec = rec,
				  .risk = risk,
				  .index = index_,
				  .policy = &policy->base,
				  .message_fd = shown[1],
				  .session_pty = -1};
	close(sock[0]);
	CHECK(gc.listener >= 0);
	g = gate_start(&gc, &err);
	CHECK(g != NULL);
	timer = event_new(r.base, -1, EV_PERSIST, on_tick, &r);
	event_add(timer, &tick);
	event_base_dispatch(r.base);
	event_free(timer);
	gate_stop(g);
	close(shown[1]);
	n = read(shown[0], messages, sizeof(messages) - 1);
	messages[n > 0 ? n : 0] = '\0';
	close(shown[0]);
	event_base_free(r.base);
	return r.done && WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
}

/* Changes to files: the standalone table (the tests change only scratch). */
static enum gate_action scripted_change_action(struct policy *p, const struct risk_report *r,
					       char *reason, size_t size)
{
	(void)p;
	snprintf(reason, size, "%s risk", level_name(r->level));
	return r->level <= LEVEL_LOW ? GATE_ALLOW : GATE_DENY;
}

static int scripted_ask_change(struct policy *p, const struct change_facts *f, uint64_t ask_id,
			       policy_answer_fn answer, void *gate, struct verdict *out)
{
	(void)p;
	(void)f;
	(void)ask_id;
	(void)answer;
	(void)gate;
	memset(out, 0, sizeof(*out));
	return -1;
}

static struct scripted *policy_with(const struct verdict *answers)
{
	static struct scripted s;

	s = (struct scripted){.answers = answers};
	s.base = (struct policy){.name = "scripted",
				 .generation = 1,
				 .decide = scripted_decide,
				 .ask = scripted_ask,
				 .cancel = scripted_cancel,
				 .change_action = scripted_change_action,
				 .ask_change = scripted_ask_change,
				 .free = scripted_free};
	return &s;
}

static const struct verdict ONCE = {GATE_ALLOW, SCOPE_ONCE, "escort", "approved", 0, ""};
static const struct verdict TREE = {GATE_ALLOW, SCOPE_TREE, "escort", "approved", 0, ""};
static const struct verdict SESSION = {GATE_ALLOW, SCOPE_SESSION, "escort", "approved", 0, ""};
static const struct verdict DENY = {GATE_DENY, SCOPE_ONCE, "escort", "denied", 0, ""};

static void make(const char *name)
{
	char path[300];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	CHECK(mkdir(path, 0700) == 0);
}

static int exists(const char *name)
{
	char path[300];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

int main(int argc, char **argv)
{
	struct recorder_options keys = {0};
	struct signing_key sk;
	struct session_meta meta = {.user = "test", .host = "host", .argv = argv};
	char log[300], a[300], b[300], script[900];
	struct error err;
	struct scripted *p;

	if (argc != 2 || mkdtemp(dir) == NULL)
		return 2;
	CHECK(keys_init(&err) == 0 && signing_key_generate(&sk, "test", &err) == 0);
	keys.signer = &sk;
	keys.signer_ephemeral = 1;
	snprintf(log, sizeof(log), "%s/s.eslog", dir);
	rec = recorder_start(log, &meta, &keys, &err);
	risk = risk_engine_new(argv[1], 0, &err);
	index_ = identity_index_build(identity_system_dirs);
	CHECK(rec && risk && index_);

	/* once: held, approved, runs; the process waited for the answer. */
	make("a");
	snprintf(a, sizeof(a), "%s/a", dir);
	p = policy_with((const struct verdict[]){ONCE});
	CHECK(run_child((char *[]){"/usr/bin/rm", "-rf", a, NULL}, p, 0) == 0);
	CHECK(p->asked == 1 && !exists("a"));
	CHECK(strstr(messages, "escort: held: /usr/bin/rm -rf ") != NULL);
	CHECK(strstr(messages, "waiting for an escort to approve it (High risk.") != NULL);
	CHECK(strstr(messages, "escort: approved: /usr/bin/rm -rf ") != NULL);

	/* deny: the exec fails, nothing is removed. */
	make("b");
	snprintf(b, sizeof(b), "%s/b", dir);
	p = policy_with((const struct verdict[]){DENY});
	CHECK(run_child((char *[]){"/usr/bin/rm", "-rf", b, NULL}, p, 0) == 126);
	CHECK(p->asked == 1 && exists("b"));
	CHECK(strstr(messages, "escort: refused: /usr/bin/rm -rf ") != NULL);

	/* tree: the shell is approved with its tree; the rm it starts (rated no
	 * higher) runs without asking again. */
	make("c");
	snprintf(script, sizeof(script), "/usr/bin/rm -rf %s/c; /usr/bin/rm -rf %s/b", dir, dir);
	p = policy_with((const struct verdict[]){TREE, DENY, DENY});
	CHECK(run_child((char *[]){"/bin/sh", "-c", script, NULL}, p, 0) == 0);
	CHECK(p->asked == 1 && !exists("c") && !exists("b"));

	/* once versus session: the same rm twice asks twice under "once", and
	 * once under "session" (the second is allowed from the cache). */
	make("d");
	snprintf(script, sizeof(script), "/usr/bin/rm -rf %s/d; /usr/bin/rm -rf %s/d", dir, dir);
	p = policy_with((const struct verdict[]){ONCE, ONCE, ONCE});
	CHECK(run_child((char *[]){"/bin/sh", "-c", script, NULL}, p, 0) == 0);
	CHECK(p->asked == 3 && !exists("d"));
	make("d");
	p = policy_with((const struct verdict[]){ONCE, SESSION, DENY});
	CHECK(run_child((char *[]){"/bin/sh", "-c", script, NULL}, p, 0) == 0);
	CHECK(p->asked == 2 && !exists("d"));

	/* killed while held: the late answer finds nobody and changes nothing. */
	make("e");
	snprintf(a, sizeof(a), "%s/e", dir);
	p = policy_with((const struct verdict[]){ONCE});
	CHECK(run_child((char *[]){"/usr/bin/rm", "-rf", a, NULL}, p, 1) == -1);
	CHECK(p->asked == 1 && exists("e"));

	CHECK(recorder_finish(rec, &(struct session_result){.reason = "exit"}, &err) == 0);
	identity_index_free(index_);
	risk_engine_free(risk);
	{
		char cmd[400];
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		CHECK(system(cmd) == 0);
	}
	CHECK_DONE();
}
