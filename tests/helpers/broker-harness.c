#include "broker-harness.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int harness_open(struct broker *b, const char *config, const char *rules)
{
	char dir[] = "/tmp/escort-harness-XXXXXX";
	struct error err;

	setenv("ESCORT_RULES", rules, 1);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	memset(b, 0, sizeof(*b));
	if (broker_load_config(b, config, &err) != CONFIG_OK || broker_open(b, dir, &err) < 0) {
		fprintf(stderr, "broker_open: %s\n", err.msg);
		return -1;
	}
	return 0;
}

void harness_close(struct broker *b)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", b->state_dir);
	broker_close(b);
	(void)!system(cmd);
}

void harness_turn(struct broker *b)
{
	for (int i = 0; i < 4; i++) {
		jobs_drain(b);
		event_base_loop(b->base, EVLOOP_NONBLOCK);
	}
}

void peer_connect(struct broker *b, struct peer *p, uid_t uid)
{
	int sv[2];

	memset(p, 0, sizeof(*p));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		abort();
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	p->c = conn_new(b, sv[0], uid, getpid());
	if (p->c == NULL)
		abort();
	p->serial = p->c->serial;
	p->fd = sv[1];
}

int peer_open(struct broker *b, struct peer *p)
{
	p->c = conn_find(b, p->serial);
	return p->c != NULL;
}

void peer_send(struct broker *b, struct peer *p, const Frame *f)
{
	struct buf out = {0};

	frame_encode(f, &out);
	(void)!write(p->fd, out.data, out.len);
	buf_free(&out);
	harness_turn(b);
}

Frame *peer_read(struct broker *b, struct peer *p, Escort__Frame__BodyCase want)
{
	struct error err;
	Frame *f;

	for (int tries = 0; tries < 50; tries++) {
		harness_turn(b);
		if (frame_read_fd(p->fd, &p->in, &f, 10, &err) < 0)
			continue;
		if (f->body_case == want)
			return f;
		frame_free(f);
		tries = 0;
	}
	return NULL;
}

void peer_close(struct broker *b, struct peer *p)
{
	close(p->fd);
	buf_free(&p->in);
	harness_turn(b);
	p->c = NULL;
}
