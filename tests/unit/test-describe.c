/* The words explanations use for what a command acts on (describe.c) and the
 * manual summary chosen for a program (whatis.c). */
#include "check.h"
#include "risk/analyze.h"
#include "risk/describe.h"
#include "risk/whatis.h"
#include "util/buf.h"

static const char *word(const char *w)
{
	static struct buf b;

	buf_reset(&b);
	describe_word(&b, w, NULL);
	return buf_cstr(&b);
}

/* The objects of the first command of line, joined by "|". */
static const char *objects(const char *line)
{
	static struct buf b;
	struct analysis a;
	const char *objs[16];
	size_t n;

	buf_reset(&b);
	analyze_line(line, strlen(line), NULL, &a);
	n = a.n ? describe_objects(&a.cmds[0], objs, 16) : 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_putc(&b, '|');
		buf_append_str(&b, objs[i]);
	}
	analysis_free(&a);
	return buf_cstr(&b);
}

static const char *found(const char *line)
{
	static struct buf b;
	struct analysis a;

	buf_reset(&b);
	analyze_line(line, strlen(line), NULL, &a);
	describe_found(&b, &a.cmds[0]);
	analysis_free(&a);
	return buf_cstr(&b);
}

static void test_words(void)
{
	CHECK_STR(word("/"), "the whole machine");
	CHECK_STR(word("{}"), "each file the search finds");
	CHECK_STR(word("$(docker ps -aq)"), "every container on this machine");
	CHECK_STR(word("$(docker ps -q)"), "every running container");
	CHECK_STR(word("$(podman ps -a -q)"), "every container on this machine");
	CHECK_STR(word("`docker images -q`"), "every container image on this machine");
	CHECK_STR(word("$(docker ps -q --filter name=app)"),
		  "whatever the command \u201cdocker ps -q --filter name=app\u201d prints when the "
		  "line runs");
	CHECK_STR(word("$f"), "the files named in the variable f");
	CHECK_STR(
	    word("/var/log/*.gz"),
	    "every file whose name ends in \u201c.gz\u201d in /var/log (the machine's records of "
	    "what happened)");
	CHECK_STR(word("/var/lib/mysql"),
		  "/var/lib/mysql (where the MySQL database keeps its data)");
	CHECK_STR(word("/etc/nginx"), "/etc/nginx");
	CHECK_STR(word("/srv/releases/2023*"),
		  "every file whose name starts with \u201c2023\u201d in /srv/releases");
	CHECK_STR(word("$(cat list)"),
		  "whatever the command \u201ccat list\u201d prints when the line runs");
	CHECK_STR(word("/etc/hosts"), "/etc/hosts");
}

static void test_objects(void)
{
	CHECK_STR(objects("systemctl stop auditd"), "auditd");
	CHECK_STR(objects("service rsyslog stop"), "rsyslog");
	CHECK_STR(objects("head -n 50 /var/log/syslog"), "/var/log/syslog");
	CHECK_STR(objects("grep -i error /var/log/syslog"), "/var/log/syslog");
	CHECK_STR(objects("find /srv -type f -mtime +30 -delete"), "/srv");
	CHECK_STR(objects("chmod -R 777 /etc"), "/etc");
	CHECK_STR(objects("chattr +i /etc/resolv.conf"), "/etc/resolv.conf");
	CHECK_STR(objects("kill -9 -1"), "-1");
	CHECK_STR(objects("parted /dev/sdb rm 1"), "/dev/sdb");
	CHECK_STR(objects("docker rm -f web"), "web");
	CHECK_STR(objects("rm -rf -- -weird"), "-weird");
	CHECK_STR(objects("kubectl rollout restart deploy/web"), "deploy/web");
	CHECK_STR(objects("docker volume rm dbdata"), "dbdata");
	CHECK_STR(objects("docker run -it --privileged alpine nsenter -t 1 sh"), "alpine");
	CHECK_STR(objects("kubectl exec -n prod db-0 -- psql -c x"), "db-0");
	CHECK_STR(objects("curl -XPUT localhost:9200/x -d '{}'"), "localhost:9200/x");
	CHECK_STR(objects("pkill -HUP nginx"), "nginx");
	CHECK_STR(objects("kill -HUP 1234"), "1234");
	CHECK_STR(objects("aws s3 rm --profile prod s3://bucket/key --recursive"),
		  "s3://bucket/key");
	CHECK_STR(objects("less +F /var/log/syslog"), "/var/log/syslog");
	CHECK_STR(objects("git push origin main"), "origin|main");
	CHECK_STR(objects("docker run -v /a:/b -e X=1 -it nginx sh"), "nginx");
}

static void test_found(void)
{
	CHECK_STR(found("find /srv/app/uploads -type f -mtime +30 -delete"),
		  "every file in /srv/app/uploads last changed more than 30 days ago, in every "
		  "folder below it");
	CHECK_STR(found("find . -maxdepth 1 -name '*.log'"),
		  "every file and folder in the current folder named \u201c*.log\u201d (not in the "
		  "folders below)");
	CHECK_STR(found("find / -perm -4000"), "every file and folder on the whole machine that "
					       "run with their owner's rights (setuid), in every "
					       "folder below it");
}

static void test_whatis(void)
{
	char out[128];

	whatis_pick("Git (3pm)            - Perl interface to the Git version control system\n"
		    "git (1)              - the stupid content tracker\n",
		    "git", out, sizeof(out));
	CHECK_STR(out, "the stupid content tracker");
	whatis_pick("open (2)             - open and possibly create a file\n", "open", out,
		    sizeof(out));
	CHECK_STR(out, "");
	whatis_pick("iptables (8)         - administration tool\n", "iptables", out, sizeof(out));
	CHECK_STR(out, "administration tool");
	whatis_pick("lsblk (8) - list block devices", "ls", out, sizeof(out));
	CHECK_STR(out, "");
}

int main(void)
{
	test_words();
	test_objects();
	test_found();
	test_whatis();
	CHECK_DONE();
}
