/* Which session commands are the server side of a file transfer, which way,
 * and what a download names: as ssh runs them, and what is not one. */
#include "check.h"
#include "session/transfer-command.h"

static enum transfer_way forced(const char *string, struct transfer_command *t)
{
	char *argv[] = {"/bin/bash", "-c", (char *)string, NULL};
	struct command cmd = {.file = argv[0], .argv = argv, .origin = "ssh-forced-command"};

	return transfer_command_parse(&cmd, t);
}

static void test_scp(void)
{
	struct transfer_command t;

	CHECK(forced("scp -t up.bin", &t) == TRANSFER_UPLOAD);
	CHECK_STR(t.program, "scp");
	CHECK(t.n_paths == 0);
	CHECK(forced("scp -r -p -f -- 'my dir' b.txt", &t) == TRANSFER_DOWNLOAD);
	CHECK(t.n_paths == 2);
	CHECK_STR(t.paths[0], "my dir");
	CHECK_STR(t.paths[1], "b.txt");
	transfer_command_free(&t);
	CHECK(forced("scp /etc/hosts other:/tmp/", &t) == TRANSFER_NONE);
	CHECK(forced("scp -t x; rm -rf ~", &t) == TRANSFER_NONE);
	CHECK(forced("scp -f $(cat list)", &t) == TRANSFER_NONE);
}

static void test_servers(void)
{
	struct transfer_command t;

	CHECK(forced("/usr/lib/openssh/sftp-server", &t) == TRANSFER_BOTH);
	CHECK_STR(t.program, "sftp-server");
	CHECK(t.n_paths == 0);
	CHECK(forced("/usr/lib/openssh/sftp-server -l INFO -d /srv/drop", &t) == TRANSFER_BOTH);
	CHECK(t.n_paths == 1);
	CHECK_STR(t.paths[0], "/srv/drop");
	transfer_command_free(&t);
	CHECK(forced("rsync --server -vlogDtpre.iLsfxCIvu . up/", &t) == TRANSFER_UPLOAD);
	CHECK(forced("rsync --server --sender -vlogDtpre.iLsfxCIvu . a/ b", &t) ==
	      TRANSFER_DOWNLOAD);
	CHECK(t.n_paths == 2);
	CHECK_STR(t.paths[0], "a/");
	transfer_command_free(&t);
	CHECK(forced("rsync -a src/ dst/", &t) == TRANSFER_NONE);
	CHECK(forced("git-upload-pack '/home/ops/app.git'", &t) == TRANSFER_DOWNLOAD);
	CHECK(t.repository && t.n_paths == 1);
	CHECK_STR(t.paths[0], "/home/ops/app.git");
	transfer_command_free(&t);
	CHECK(forced("git-receive-pack 'app.git'", &t) == TRANSFER_UPLOAD);
	transfer_command_free(&t);
	CHECK(forced("git status", &t) == TRANSFER_NONE);
	CHECK(forced("cat up.bin", &t) == TRANSFER_NONE);
}

static void test_direct_argv(void)
{
	char *argv[] = {"scp", "-t", "x;y", NULL};
	struct command cmd = {.file = argv[0], .argv = argv, .origin = "command"};
	struct transfer_command t;

	CHECK(transfer_command_parse(&cmd, &t) == TRANSFER_UPLOAD);
}

int main(void)
{
	test_scp();
	test_servers();
	test_direct_argv();
	CHECK_DONE();
}
