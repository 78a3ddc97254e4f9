/* escortd revoke-host NAME [--state DIR] [--socket PATH]: every certificate
 * of NAME is revoked in the state (escortd refuses them from then on), and a
 * running escortd is told, on its socket, to cut NAME's connections and
 * sessions now. */
#include "escortd-admin.h"

#include "broker/store.h"
#include "proto/frame.h"
#include "tls/host-name.h"
#include "util/exit-status.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define ANSWER_WAIT_MS 5000

struct revoke_options {
	const char *host, *state, *socket;
};

static int parse(int argc, char **argv, struct revoke_options *o)
{
	static const struct option options[] = {{"state", required_argument, NULL, 's'},
						{"socket", required_argument, NULL, 'S'},
						{NULL, 0, NULL, 0}};
	int opt;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		if (opt == 's')
			o->state = optarg;
		else if (opt == 'S')
			o->socket = optarg;
		else
			return -1;
	}
	if (optind + 1 != argc)
		return -1;
	o->host = argv[optind];
	return 0;
}

static int dial(const char *path, struct error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		error_errno(err, "escortd is not running on %s", path);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Sends f and waits for one frame of kind want; its reply in *out. */
static int ask(int fd, struct buf *in, const Frame *f, Escort__Frame__BodyCase want, Frame **out,
	       struct error *err)
{
	if (frame_write_fd(fd, f, err) < 0 || frame_read_fd(fd, in, out, ANSWER_WAIT_MS, err) < 0)
		return -1;
	if ((*out)->body_case == want)
		return 0;
	frame_free(*out);
	*out = NULL;
	return error_set(err, "escortd answered with something unexpected");
}

/* Tells the running escortd; its answer goes to answer. */
static int tell_escortd(const struct revoke_options *o, char *answer, size_t size,
			struct error *err)
{
	Escort__Hello h = ESCORT__HELLO__INIT;
	Escort__ConsoleRequest q = ESCORT__CONSOLE_REQUEST__INIT;
	Frame f = ESCORT__FRAME__INIT, *got = NULL;
	struct buf in = {0};
	int fd = dial(o->socket, err), rc = -1;

	h.kind = ESCORT__PEER_KIND__PEER_CONSOLE;
	f.body_case = ESCORT__FRAME__BODY_HELLO;
	f.hello = &h;
	if (fd >= 0 && ask(fd, &in, &f, ESCORT__FRAME__BODY_WELCOME, &got, err) == 0) {
		frame_free(got);
		q.verb = ESCORT__VERB__VERB_REVOKE_HOST;
		q.target = (char *)o->host;
		f.body_case = ESCORT__FRAME__BODY_REQUEST;
		f.request = &q;
		if (ask(fd, &in, &f, ESCORT__FRAME__BODY_REPLY, &got, err) == 0) {
			snprintf(answer, size, "%s",
				 got->reply->ok ? got->reply->message : got->reply->error);
			rc = got->reply->ok ? 0 : error_set(err, "escortd: %s", answer);
			frame_free(got);
		}
	}
	if (fd >= 0)
		close(fd);
	buf_free(&in);
	return rc;
}

static int revoke_in_state(const struct revoke_options *o, struct error *err)
{
	struct store *st = store_open(o->state, err);
	int n = st ? store_host_revoke(st, o->host, err) : -1;

	store_close(st);
	if (n >= 0)
		printf("%s: %d certificate(s) revoked\n", o->host, n);
	return n < 0 ? -1 : 0;
}

int escortd_revoke_host(int argc, char **argv)
{
	struct revoke_options o = {NULL, "/var/lib/escort", "/run/escort/escortd.sock"};
	char answer[300];
	struct error err;

	if (parse(argc, argv, &o) < 0 || !host_name_valid(o.host)) {
		fputs("usage: escortd revoke-host NAME [--state DIR] [--socket PATH]\n", stderr);
		return EXIT_USAGE;
	}
	if (revoke_in_state(&o, &err) < 0) {
		fprintf(stderr, "escortd revoke-host: %s\n", err.msg);
		return EXIT_FAILED;
	}
	if (tell_escortd(&o, answer, sizeof(answer), &err) < 0) {
		fprintf(stderr, "escortd revoke-host: %s (it refuses %s when it starts)\n", err.msg,
			o.host);
		return EXIT_FAILED;
	}
	printf("%s\n", answer);
	return EXIT_OK;
}
