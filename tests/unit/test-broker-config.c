/* escortd's configuration: what is accepted, what is refused with which
 * line and reason (in the text, and against the rules, the accounts and the
 * key files of this system), and how the policy's levels, operators, hosts
 * and rules combine. Argument: the rules directory. */
#include "broker/config.h"
#include "check.h"
#include "log/keys.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct risk_engine *engine;
static char tmp[64];

static int refused(const char *text, const char *want)
{
	struct broker_config c;
	struct error err;

	if (config_parse(text, strlen(text), "test.yaml", &c, &err) == 0) {
		config_free(&c);
		fprintf(stderr, "accepted, wanted \"%s\": %s\n", want, text);
		return 0;
	}
	if (strstr(err.msg, want) == NULL) {
		fprintf(stderr, "got \"%s\", want \"%s\"\n", err.msg, want);
		return 0;
	}
	return 1;
}

static void bad_configurations(void)
{
	CHECK(refused("escorts:\n  carol: hgh\n", "test.yaml:2: an escort's clearance"));
	CHECK(refused("escorts: {carol: high}\npolcy: {}\n", "test.yaml:2: unknown key 'polcy'"));
	CHECK(refused("operators: [a]\n", "names no escort"));
	CHECK(refused("escorts: {c: high}\npolicy:\n  levels: {medium: maybe}\n",
		      "test.yaml:3: an action must be allow, ask or deny, not 'maybe'"));
	CHECK(refused("escorts: {c: high}\npolicy:\n  levels: {severe: deny}\n",
		      "'severe' is not a risk level"));
	CHECK(refused("escorts: {c: high}\napproval_timeout: 0\n", "test.yaml:2:"));
	CHECK(refused("escorts: {c: high}\napproval_timeout: 12x\n", "number of seconds"));
	CHECK(refused("escorts: {c: high}\nsocket: relative.sock\n", "absolute path"));
	CHECK(refused("escorts: {c: high}\nlisten: 7443\n",
		      "test.yaml:2: 'listen' must be ADDR:PORT"));
	CHECK(refused("escorts: {c: high}\nlisten: 0.0.0.0:https\n", "ADDR:PORT"));
	CHECK(refused("escorts: {c: high}\nlisten: \"0.0.0.0:\"\n", "ADDR:PORT"));
	CHECK(
	    refused("escorts: {c: high}\nweb: {listen: 8443}\n", "test.yaml:2: 'listen' must be"));
	CHECK(refused("escorts: {c: high}\nweb: {listen: '127.0.0.1:99999'}\n", "ADDRESS:PORT"));
	CHECK(refused("escorts: {c: high}\nweb: {cert: /a.pem}\n", "needs listen"));
	CHECK(refused("escorts: {c: high}\nweb: {listen: '127.0.0.1:8443', cert: /a.pem}\n",
		      "both cert and key"));
	CHECK(refused("escorts: {c: high}\nweb: {listen: '127.0.0.1:8443', idle: 5}\n",
		      "from 30 to 86400"));
	CHECK(refused("escorts: {c: high}\nweb: {listen: '127.0.0.1:8443', tls: on}\n",
		      "'web' has no key 'tls'"));
	CHECK(refused("escorts: [c\n", "test.yaml:"));
	CHECK(refused("", "is empty"));
	CHECK(refused("escorts: {c: high}\noperators: {a: 1}\n", "list of names"));
}

static void listen_address(void)
{
	struct broker_config c;
	struct error err;
	const char *text = "escorts: {c: high}\nlisten: 10.0.0.1:7443\n";

	CHECK(config_parse(text, strlen(text), "test.yaml", &c, &err) == 0);
	CHECK_STR(c.listen, "10.0.0.1:7443");
	config_free(&c);
	text = "escorts: {c: high}\n";
	CHECK(config_parse(text, strlen(text), "test.yaml", &c, &err) == 0);
	CHECK_STR(c.listen, ""); /* no TLS listener unless asked for */
	config_free(&c);
}

static void login_ttl(void)
{
	struct broker_config c;
	struct error err;
	const char *text = "escorts: {c: high}\nlogin_ttl: 3600\n";

	CHECK(config_parse(text, strlen(text), "test.yaml", &c, &err) == 0);
	CHECK(c.login_ttl_s == 3600);
	config_free(&c);
	text = "escorts: {c: high}\n";
	CHECK(config_parse(text, strlen(text), "test.yaml", &c, &err) == 0);
	CHECK(c.login_ttl_s == 8 * 3600); /* a working day */
	config_free(&c);
	CHECK(refused("escorts: {c: high}\nlogin_ttl: 59\n", "test.yaml:2: 'login_ttl' must be"));
	CHECK(refused("escorts: {c: high}\nlogin_ttl: 604801\n", "from 60 to 604800"));
	CHECK(refused("escorts: {c: high}\nlogin_ttl: 8h\n", "number of seconds"));
}

static void given_twice(void)
{
	CHECK(refused(
	    "escorts: {c: high}\npolicy: {}\npolicy: {}\n",
	    "test.yaml:3: 'policy' is given twice in 'the configuration' (first on line 2)"));
	CHECK(refused("escorts:\n  c: high\n  c: low\n",
		      "test.yaml:3: 'c' is given twice in 'escorts'"));
	CHECK(refused("escorts: {c: high}\noperators:\n  - a\n  - b\n  - a\n",
		      "test.yaml:5: 'a' is given twice in 'operators' (first on line 3)"));
	CHECK(refused("escorts: {c: high}\npolicy:\n  levels: {low: ask}\n  rules:\n"
		      "    destruction.shred: deny\n    destruction.shred: allow\n",
		      "test.yaml:6: 'destruction.shred' is given twice in 'rules'"));
	CHECK(refused("escorts: {c: high}\npolicy:\n  levels:\n    low: ask\n    low: deny\n",
		      "test.yaml:5: 'low' is given twice in 'levels'"));
}

/* Parsed, then checked against this system: want "" when it must pass. */
static int checked(const char *text, const char *want)
{
	struct broker_config c;
	struct error err;
	int rc, ok;

	if (config_parse(text, strlen(text), "test.yaml", &c, &err) < 0) {
		fprintf(stderr, "not parsed: %s\n", err.msg);
		return 0;
	}
	rc = config_check(&c, engine, &err);
	config_free(&c);
	ok = want[0] ? rc < 0 && strstr(err.msg, want) != NULL : rc == 0;
	if (!ok)
		fprintf(stderr, "got \"%s\", want \"%s\"\n", rc < 0 ? err.msg : "accepted",
			want[0] ? want : "accepted");
	return ok;
}

static void rule_ids(void)
{
	CHECK(checked("escorts: {root: high}\npolicy:\n  rules:\n    destruction.shred: deny\n"
		      "    destruction.shread: deny\n",
		      "test.yaml:5: there is no rule 'destruction.shread'"));
	CHECK(checked("escorts: {root: high}\npolicy:\n  rules:\n    net.download: ask\n",
		      "test.yaml:4: there is no rule 'net.download'"));
	CHECK(checked("escorts: {root: high}\npolicy:\n  rules: {destruction.shred: deny, "
		      "unknown-program: ask, memory-code: deny}\n",
		      ""));
}

/* The web console: off unless web: listen is given; its keys as read. */
static void web_console(void)
{
	struct broker_config c;
	struct error err;
	const char text[] = "escorts: {c: high}\nweb:\n  listen: '[::1]:8443'\n  cert: /e/c.pem\n"
			    "  key: /e/k.pem\n  idle: 600\n";

	CHECK(config_parse("escorts: {c: high}\n", 19, "t.yaml", &c, &err) == 0);
	CHECK_STR(c.web.listen, "");
	CHECK(c.web.idle_s == 900);
	config_free(&c);
	CHECK(config_parse(text, sizeof(text) - 1, "t.yaml", &c, &err) == 0);
	CHECK_STR(c.web.listen, "[::1]:8443");
	CHECK_STR(c.web.cert, "/e/c.pem");
	CHECK_STR(c.web.key, "/e/k.pem");
	CHECK(c.web.idle_s == 600);
	CHECK(c.web.n_names == 0);
	config_free(&c);
	const char named[] = "escorts: {c: high}\nweb:\n  listen: '127.0.0.1:8443'\n"
			     "  names: [console.example.org, '[::1]']\n";
	CHECK(config_parse(named, sizeof(named) - 1, "t.yaml", &c, &err) == 0);
	CHECK(c.web.n_names == 2);
	CHECK_STR(c.web.names[0], "console.example.org");
	CHECK_STR(c.web.names[1], "[::1]");
	config_free(&c);
	CHECK(refused("escorts: {c: high}\nweb: {listen: '127.0.0.1:1', names: [a/b]}\n",
		      "not 'a/b'"));
	CHECK(refused("escorts: {c: high}\nweb: {listen: '127.0.0.1:1', names: [a, a]}\n",
		      "'a' is given twice in 'names'"));
	CHECK(refused("escorts: {c: high}\nweb: {listen: '127.0.0.1:1', names: a}\n",
		      "list of host names"));
}

/* owners: a list owns every host; a mapping names each owner's hosts. */
static void owners(void)
{
	struct broker_config c;
	struct error err;
	const char text[] = "escorts: {c: high}\nowners:\n  erin: [db1, web1]\n  gail: '*'\n";

	CHECK(config_parse(text, sizeof(text) - 1, "t.yaml", &c, &err) == 0);
	const struct person *erin = config_person(&c, "erin"), *gail = config_person(&c, "gail");
	CHECK(erin && gail && erin->some_hosts && !gail->some_hosts);
	CHECK(config_owns_host(&c, erin, "db1") && config_owns_host(&c, erin, "web1"));
	CHECK(!config_owns_host(&c, erin, "db2") && !config_owns_host(&c, erin, "db"));
	CHECK(config_owns_host(&c, gail, "anything"));
	CHECK(!config_owns_host(&c, config_person(&c, "c"), "db1")); /* an escort, not an owner */
	config_free(&c);
	CHECK(config_parse("escorts: {c: high}\nowners: [erin]\n", 34, "t.yaml", &c, &err) == 0);
	CHECK(config_owns_host(&c, config_person(&c, "erin"), "db1"));
	config_free(&c);
	CHECK(refused("escorts: {c: high}\nowners: {erin: []}\n", "an owner's hosts must be"));
	CHECK(refused("escorts: {c: high}\nowners: {erin: db1}\n", "an owner's hosts must be"));
	CHECK(refused("escorts: {c: high}\nowners: {erin: [db1, db1]}\n",
		      "'db1' is given twice in 'erin'"));
}

static void accounts(void)
{
	CHECK(checked("operators: \"*\"\nescorts: {root: critical}\nauditors: [root]\n", ""));
	CHECK(checked("operators: [root]\nescorts:\n  root: critical\nauditors:\n"
		      "  - escort-no-such-account\n",
		      "test.yaml:5: there is no account 'escort-no-such-account' on this system"));
	CHECK(checked("escorts:\n  escort-no-such-escort: high\n",
		      "test.yaml:2: there is no account 'escort-no-such-escort'"));
	CHECK(checked("escorts: {root: high}\npolicy:\n  operators:\n    root: {low: ask}\n"
		      "    escort-nobody-here: {low: ask}\n",
		      "test.yaml:5: there is no account 'escort-nobody-here'"));
}

static int key_config(char *text, size_t size, const char *path, const char *want)
{
	snprintf(text, size, "escorts: {root: high}\nauditor_key: %s\n", path);
	return checked(text, want);
}

/* Permission is denied to an account that is not the file's owner; root
 * reads everything, so as root the check runs as "nobody". */
static int denied(const char *path)
{
	char text[300];
	pid_t pid;
	int status;

	if (geteuid() != 0) {
		chmod(path, 0);
		return key_config(text, sizeof(text), path, "test.yaml:2: the auditor key") &&
		       key_config(text, sizeof(text), path, "(permission denied)");
	}
	if ((pid = fork()) == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(3);
		_exit(key_config(text, sizeof(text), path, "test.yaml:2: the auditor key") &&
			      key_config(text, sizeof(text), path, "(permission denied)")
			  ? 0
			  : 1);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

static void key_files(void)
{
	char text[300], path[128], key[256];
	struct auditor_key k;
	struct error err;

	snprintf(path, sizeof(path), "%s/missing.pub", tmp);
	CHECK(key_config(text, sizeof(text), path, "test.yaml:2: the auditor key"));
	CHECK(key_config(text, sizeof(text), path, "missing.pub does not exist"));
	CHECK(key_config(text, sizeof(text), tmp, "is not a file"));
	snprintf(path, sizeof(path), "%s/bad.pub", tmp);
	CHECK(key_file_write(path, "not a key", 0600, &err) == 0);
	CHECK(key_config(text, sizeof(text), path, "test.yaml:2: "));
	CHECK(keys_init(&err) == 0);
	auditor_key_generate(&k);
	auditor_key_format(&k, 0, key, sizeof(key));
	snprintf(path, sizeof(path), "%s/auditor.pub", tmp);
	CHECK(key_file_write(path, key, 0600, &err) == 0);
	CHECK(key_config(text, sizeof(text), path, ""));
	CHECK(denied(path));
}

static void precedence(void)
{
	static const char text[] = "operators: [alice, bob]\n"
				   "escorts: {carol: high}\n"
				   "policy:\n"
				   "  levels: {info: allow, low: allow, medium: ask, high: ask, "
				   "critical: deny}\n"
				   "  operators:\n"
				   "    bob: {low: ask}\n"
				   "  hosts:\n"
				   "    db1: {low: deny, medium: deny}\n"
				   "  rules:\n"
				   "    net.download: allow\n"
				   "    destruction.shred: deny\n";
	const char *download[] = {"net.download"};
	const char *both[] = {"net.download", "destruction.shred"};
	struct broker_config c;
	struct error err;

	CHECK(config_parse(text, sizeof(text) - 1, "p.yaml", &c, &err) == 0);
	CHECK(config_action(&c, "alice", "web", LEVEL_LOW, NULL, 0) == ACTION_ALLOW);
	CHECK(config_action(&c, "bob", "web", LEVEL_LOW, NULL, 0) == ACTION_ASK);
	CHECK(config_action(&c, "alice", "db1", LEVEL_LOW, NULL, 0) == ACTION_DENY);
	CHECK(config_action(&c, "bob", "db1", LEVEL_LOW, NULL, 0) ==
	      ACTION_ASK); /* operator wins */
	CHECK(config_action(&c, "alice", "web", LEVEL_CRITICAL, NULL, 0) == ACTION_DENY);
	CHECK(config_action(&c, "alice", "web", LEVEL_HIGH, download, 1) == ACTION_ALLOW);
	CHECK(config_action(&c, "alice", "web", LEVEL_LOW, both, 2) == ACTION_DENY);
	CHECK(config_person(&c, "carol")->clearance == LEVEL_HIGH);
	CHECK(config_person(&c, "alice")->roles == ROLE_OPERATOR);
	CHECK(config_person(&c, "mallory") == NULL);
	int table[LEVEL_COUNT];
	config_offline_table(&c, "bob", "db1", table);
	CHECK(table[LEVEL_LOW] == ACTION_ASK && table[LEVEL_MEDIUM] == ACTION_DENY);
	config_free(&c);
}

static void embedded_defaults(void)
{
	struct broker_config c;
	struct error err;

	CHECK(config_load(NULL, &c, &err) == 0);
	CHECK(config_check(&c, engine, &err) == 0);
	CHECK(config_person(&c, "root")->clearance == LEVEL_CRITICAL);
	CHECK(config_person(&c, "*")->roles & ROLE_OPERATOR);
	CHECK(config_action(&c, "anyone", "h", LEVEL_INFO, NULL, 0) == ACTION_ALLOW);
	CHECK(config_action(&c, "anyone", "h", LEVEL_MEDIUM, NULL, 0) == ACTION_ASK);
	config_free(&c);
}

int main(int argc, char **argv)
{
	struct error err;

	if (argc != 2 || (engine = risk_engine_new(argv[1], 0, &err)) == NULL) {
		fprintf(stderr, "usage: test-broker-config RULES-DIR (%s)\n",
			argc == 2 ? err.msg : "no directory");
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "/tmp/escort-config-XXXXXX");
	if (mkdtemp(tmp) == NULL || chmod(tmp, 0755) < 0)
		return 1;
	bad_configurations();
	listen_address();
	login_ttl();
	given_twice();
	web_console();
	owners();
	rule_ids();
	accounts();
	key_files();
	precedence();
	embedded_defaults();
	char cmd[100];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmp);
	risk_engine_free(engine);
	CHECK_DONE();
}
