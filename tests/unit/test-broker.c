/* escortd's decisions, approvals, locks and dispatch, driven through real
 * connections (socketpairs) into a real broker: no root needed. The people
 * are accounts every Debian system has: nobody operates (and is an escort,
 * to try approving their own command), root is cleared for everything,
 * daemon for medium, bin owns. */
#include "broker-harness.h"
#include "check.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

static const char config_text[] = "operators: [nobody]\n"
				  "escorts: {root: critical, daemon: medium, nobody: critical}\n"
				  "owners: [bin]\n"
				  "policy:\n"
				  "  levels: {info: allow, low: allow, medium: ask, high: ask,\n"
				  "           critical: ask}\n"
				  "  rules: {everyday.terminal-and-shell: allow}\n";

static uid_t uid_of(const char *name)
{
	struct passwd *pw = getpwnam(name);

	if (pw == NULL) {
		fprintf(stderr, "the account %s is needed\n", name);
		exit(1);
	}
	return pw->pw_uid;
}

static Escort__Welcome *hello(struct broker *b, struct peer *p, Escort__PeerKind kind, Frame **keep)
{
	Escort__Hello h = ESCORT__HELLO__INIT;
	Frame f = ESCORT__FRAME__INIT;

	h.kind = kind;
	f.body_case = ESCORT__FRAME__BODY_HELLO;
	f.hello = &h;
	peer_send(b, p, &f);
	*keep = peer_read(b, p, ESCORT__FRAME__BODY_WELCOME);
	return *keep ? (*keep)->welcome : NULL;
}

static Escort__Decision *ask_exec(struct broker *b, struct peer *p, uint64_t ask_id, char **argv,
				  size_t argc, Escort__Finding **findings, size_t n_findings,
				  Frame **keep)
{
	Escort__ExecRequest r = ESCORT__EXEC_REQUEST__INIT;
	Frame f = ESCORT__FRAME__INIT;

	r.ask_id = ask_id;
	r.argv = r.rated_argv = argv;
	r.n_argv = r.n_rated_argv = argc;
	r.program = argv[0];
	r.findings = findings;
	r.n_findings = n_findings;
	f.body_case = ESCORT__FRAME__BODY_EXEC_REQUEST;
	f.exec_request = &r;
	peer_send(b, p, &f);
	*keep = peer_read(b, p, ESCORT__FRAME__BODY_DECISION);
	return *keep ? (*keep)->decision : NULL;
}

static Escort__ConsoleReply *console(struct broker *b, struct peer *p, Escort__Verb verb,
				     uint64_t id, const char *target, uint64_t request_id,
				     Frame **keep)
{
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	Frame f = ESCORT__FRAME__INIT;

	q.verb = verb;
	q.id = id;
	q.target = (char *)target;
	q.scope = ESCORT__SCOPE__SCOPE_TREE;
	q.request_id = request_id;
	f.body_case = ESCORT__FRAME__BODY_REQUEST;
	f.request = &q;
	peer_send(b, p, &f);
	*keep = peer_read(b, p, ESCORT__FRAME__BODY_REPLY);
	return *keep ? (*keep)->reply : NULL;
}

static struct broker b;
static struct peer host, esc, junior, owner;
static char *rm_argv[] = {"rm", "-rf", "/srv/data", NULL};

/* The session host reports one of escortd's own findings for the same argv:
 * the case that once aborted escortd. */
static uint64_t held_rm(uint64_t ask_id)
{
	Escort__Finding some = ESCORT__FINDING__INIT, *findings[] = {&some};
	Frame *keep;
	uint64_t approval = 0;

	some.rule = "destruction.rm-recursive";
	some.level = ESCORT__LEVEL__LEVEL_HIGH;
	some.text = "deletes";
	Escort__Decision *d = ask_exec(&b, &host, ask_id, rm_argv, 3, findings, 1, &keep);
	CHECK(d && d->action == ESCORT__ACTION__ACTION_ASK && d->approval > 0);
	if (d)
		approval = d->approval;
	frame_free(keep);
	return approval;
}

/* A finding the session host adds cannot bring in a rule override that
 * allows: rm -rf stays held though the host names an allowed rule. */
static void forged_allow(void)
{
	Escort__Finding forged = ESCORT__FINDING__INIT, *findings[] = {&forged};
	Frame *keep;

	forged.rule = "everyday.terminal-and-shell";
	forged.level = ESCORT__LEVEL__LEVEL_INFO;
	forged.text = "just a shell";
	Escort__Decision *d = ask_exec(&b, &host, 40, rm_argv, 3, findings, 1, &keep);
	CHECK(d && d->action == ESCORT__ACTION__ACTION_ASK);
	frame_free(keep);
	while (b.pending)
		pending_close(&b, b.pending, ACTION_DENY, ESCORT__SCOPE__SCOPE_ONCE, NULL, "test",
			      "test", "denied");
	keep = peer_read(&b, &host, ESCORT__FRAME__BODY_DECISION);
	frame_free(keep);
}

static void decisions(void)
{
	char *ls_argv[] = {"ls", "-l", NULL};
	Frame *keep;
	Escort__Decision *d = ask_exec(&b, &host, 1, ls_argv, 2, NULL, 0, &keep);

	CHECK(d && d->action == ESCORT__ACTION__ACTION_ALLOW && d->cacheable && d->ask_id == 1);
	frame_free(keep);
	CHECK(held_rm(2) > 0);
	CHECK(b.pending != NULL && b.pending->info->level >= ESCORT__LEVEL__LEVEL_HIGH);
}

static void approvals(void)
{
	uint64_t id = b.pending ? (uint64_t)b.pending->id : 0;
	Frame *keep;
	Escort__ConsoleReply *r;

	r = console(&b, &junior, ESCORT__VERB__VERB_APPROVE, id, "", 7, &keep);
	CHECK(r && !r->ok && r->request_id == 7 && strstr(r->error, "clearance (medium)"));
	frame_free(keep);
	r = console(&b, &owner, ESCORT__VERB__VERB_APPROVE, id, "", 8, &keep);
	CHECK(r && !r->ok && strstr(r->error, "only escorts may"));
	frame_free(keep);
	r = console(&b, &esc, ESCORT__VERB__VERB_APPROVE, id, "", 9, &keep);
	CHECK(r && r->ok && r->request_id == 9);
	frame_free(keep);
	keep = peer_read(&b, &host, ESCORT__FRAME__BODY_DECISION);
	CHECK(keep && keep->decision->ask_id == 2 &&
	      keep->decision->action == ESCORT__ACTION__ACTION_ALLOW &&
	      keep->decision->scope == ESCORT__SCOPE__SCOPE_TREE &&
	      strcmp(keep->decision->by, "escort root") == 0);
	frame_free(keep);
	CHECK(b.pending == NULL);
}

static void own_command(void)
{
	struct peer self;
	Frame *w, *keep;
	uint64_t id = held_rm(3);

	peer_connect(&b, &self, uid_of("nobody"));
	hello(&b, &self, ESCORT__PEER_KIND__PEER_CONSOLE, &w);
	frame_free(w);
	Escort__ConsoleReply *r = console(&b, &self, ESCORT__VERB__VERB_APPROVE, id, "", 1, &keep);
	CHECK(r && !r->ok && strstr(r->error, "nobody approves their own command"));
	frame_free(keep);
	r = console(&b, &esc, ESCORT__VERB__VERB_DENY, id, "", 2, &keep);
	CHECK(r && r->ok);
	frame_free(keep);
	keep = peer_read(&b, &host, ESCORT__FRAME__BODY_DECISION);
	CHECK(keep && keep->decision->action == ESCORT__ACTION__ACTION_DENY);
	frame_free(keep);
	peer_close(&b, &self);
}

static void locks(void)
{
	struct peer again;
	Frame *keep, *w;

	held_rm(4);
	Escort__ConsoleReply *r =
	    console(&b, &owner, ESCORT__VERB__VERB_LOCK, 0, "nobody", 3, &keep);
	CHECK(r && r->ok);
	frame_free(keep);
	keep = peer_read(&b, &host, ESCORT__FRAME__BODY_TERMINATE);
	CHECK(keep != NULL);
	frame_free(keep);
	CHECK(b.pending == NULL);
	/* A session host that ignores Terminate gets nothing more run. */
	char *ls_argv[] = {"ls", NULL};
	Escort__Decision *d = ask_exec(&b, &host, 50, ls_argv, 1, NULL, 0, &keep);
	CHECK(d && d->action == ESCORT__ACTION__ACTION_DENY && strstr(d->reason, "being ended"));
	frame_free(keep);
	peer_connect(&b, &again, uid_of("nobody"));
	Escort__Welcome *refused = hello(&b, &again, ESCORT__PEER_KIND__PEER_SESSION, &w);
	CHECK(refused && !refused->accepted && strstr(refused->reason, "is locked by bin"));
	frame_free(w);
	peer_close(&b, &again);
	r = console(&b, &owner, ESCORT__VERB__VERB_UNLOCK, 0, "nobody", 4, &keep);
	CHECK(r && r->ok);
	frame_free(keep);
}

/* Messages a state does not accept close the connection before any handler. */
static void dispatch_table(void)
{
	struct peer p;
	Frame *w, *keep;
	char *ls_argv[] = {"ls", NULL};

	peer_connect(&b, &p, uid_of("root"));
	hello(&b, &p, ESCORT__PEER_KIND__PEER_CONSOLE, &w);
	frame_free(w);
	CHECK(ask_exec(&b, &p, 1, ls_argv, 1, NULL, 0, &keep) == NULL);
	CHECK(!peer_open(&b, &p));
	peer_close(&b, &p);
	peer_connect(&b, &p, uid_of("root"));
	Escort__Hello h = ESCORT__HELLO__INIT;
	Frame f = ESCORT__FRAME__INIT;
	h.kind = (Escort__PeerKind)77;
	f.body_case = ESCORT__FRAME__BODY_HELLO;
	f.hello = &h;
	peer_send(&b, &p, &f);
	CHECK(!peer_open(&b, &p));
	peer_close(&b, &p);
}

/* escortd sends heartbeats every 10 s and drops a peer silent for 30 s: its
 * session is away and what it waits for is withdrawn. The clock is moved by
 * setting the times back, not by waiting. */
static void heartbeats(void)
{
	struct peer quiet;
	Frame *w, *beat;

	b.last_beat = 0;
	conns_tick(&b);
	beat = peer_read(&b, &esc, ESCORT__FRAME__BODY_HEARTBEAT);
	CHECK(beat != NULL);
	frame_free(beat);
	peer_connect(&b, &quiet, uid_of("nobody"));
	Escort__Welcome *wel = hello(&b, &quiet, ESCORT__PEER_KIND__PEER_SESSION, &w);
	CHECK(wel && wel->accepted);
	frame_free(w);
	struct live_session *s = b.sessions;
	CHECK(s && s->conn == quiet.c);
	Escort__Decision *d = ask_exec(&b, &quiet, 1, rm_argv, 3, NULL, 0, &w);
	CHECK(d && d->action == ESCORT__ACTION__ACTION_ASK && s && s->pending == 1);
	frame_free(w);
	for (struct conn *c = b.conns; c; c = c->next)
		c->last_heard -= 20; /* everyone 20 s quieter */
	conns_tick(&b);
	harness_turn(&b);
	CHECK(peer_open(&b, &quiet) && s->conn != NULL);
	quiet.c->last_heard -= 11; /* now 31 s */
	conns_tick(&b);
	harness_turn(&b);
	CHECK(!peer_open(&b, &quiet) && s->conn == NULL && s->pending == 0);
	CHECK(peer_open(&b, &host) && peer_open(&b, &esc));
	peer_close(&b, &quiet);
}

static char session_id[40];

/* The end is sealed off the loop; a resume of the same session that arrives
 * meanwhile (the same account, another connection) is refused, never given
 * a sealed log to continue. */
static void end_session(void)
{
	Escort__SessionEnd e = ESCORT__SESSION_END__INIT;
	Escort__Hello h = ESCORT__HELLO__INIT;
	Frame f = ESCORT__FRAME__INIT, hf = ESCORT__FRAME__INIT, *ack, *w;
	struct buf both = {0};
	struct peer again;

	e.reason = "exit";
	f.body_case = ESCORT__FRAME__BODY_END;
	f.end = &e;
	h.kind = ESCORT__PEER_KIND__PEER_SESSION;
	h.resume_session = session_id;
	hf.body_case = ESCORT__FRAME__BODY_HELLO;
	hf.hello = &h;
	peer_connect(&b, &again, uid_of("nobody"));
	frame_encode(&f, &both);
	CHECK(write(host.fd, both.data, both.len) == (ssize_t)both.len);
	buf_reset(&both);
	frame_encode(&hf, &both);
	CHECK(write(again.fd, both.data, both.len) == (ssize_t)both.len);
	buf_free(&both);
	event_base_loop(b.base, EVLOOP_NONBLOCK); /* both read in one turn */
	/* Not ended in the database until the log is sealed: a crash meanwhile
	 * leaves the session to be resumed and ended by the next escortd. */
	char op[64], log[PATH_MAX], where[256];
	unsigned uid;
	uint64_t acked;
	CHECK(store_session_find(b.store, session_id, op, sizeof(op), &uid, &acked, log,
				 sizeof(log), where, sizeof(where)) == 0);
	w = peer_read(&b, &again, ESCORT__FRAME__BODY_WELCOME);
	CHECK(w && !w->welcome->accepted);
	frame_free(w);
	peer_close(&b, &again);
	ack = peer_read(&b, &host, ESCORT__FRAME__BODY_ACK);
	CHECK(store_session_find(b.store, session_id, op, sizeof(op), &uid, &acked, log,
				 sizeof(log), where, sizeof(where)) < 0);
	CHECK(ack && ack->ack->session_end);
	frame_free(ack);
	for (struct live_session *s = b.sessions; s; s = s->next)
		CHECK(strcmp(s->id, session_id) != 0);
}

int main(int argc, char **argv)
{
	char path[] = "/tmp/escort-test-broker-XXXXXX";
	int fd = mkstemp(path);
	Frame *w;

	if (argc != 2 || fd < 0 || write(fd, config_text, strlen(config_text)) < 0)
		return 2;
	close(fd);
	broker_verbose = -1;
	if (harness_open(&b, path, argv[1]) < 0)
		return 1;
	unlink(path);
	peer_connect(&b, &host, uid_of("nobody"));
	peer_connect(&b, &esc, uid_of("root"));
	peer_connect(&b, &junior, uid_of("daemon"));
	peer_connect(&b, &owner, uid_of("bin"));
	Escort__Welcome *wel = hello(&b, &host, ESCORT__PEER_KIND__PEER_SESSION, &w);
	CHECK(wel && wel->accepted && wel->session[0]);
	snprintf(session_id, sizeof(session_id), "%s", wel ? wel->session : "");
	frame_free(w);
	struct peer *consoles[] = {&esc, &junior, &owner};
	for (size_t i = 0; i < 3; i++) {
		hello(&b, consoles[i], ESCORT__PEER_KIND__PEER_CONSOLE, &w);
		frame_free(w);
	}
	forged_allow();
	decisions();
	approvals();
	own_command();
	locks();
	dispatch_table();
	heartbeats();
	end_session();
	harness_close(&b);
	CHECK_DONE();
}
