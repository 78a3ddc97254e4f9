/* escortd's configuration: what is accepted, what is refused with which
 * line and reason, and how the policy's levels, operators, hosts and rules
 * combine. */
#include "broker/config.h"
#include "check.h"

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
	CHECK(refused("escorts: [c\n", "test.yaml:"));
	CHECK(refused("", "is empty"));
	CHECK(refused("escorts: {c: high}\noperators: {a: 1}\n", "list of names"));
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
	CHECK(config_person(&c, "root")->clearance == LEVEL_CRITICAL);
	CHECK(config_person(&c, "*")->roles & ROLE_OPERATOR);
	CHECK(config_action(&c, "anyone", "h", LEVEL_INFO, NULL, 0) == ACTION_ALLOW);
	CHECK(config_action(&c, "anyone", "h", LEVEL_MEDIUM, NULL, 0) == ACTION_ASK);
	config_free(&c);
}

int main(void)
{
	bad_configurations();
	precedence();
	embedded_defaults();
	CHECK_DONE();
}
