#include "load-frames.h"

#include <time.h>

uint64_t load_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

int load_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

void load_ask_init(struct load_ask *a, uint64_t id)
{
	static char *argv[] = {"ls", "-l", "/tmp", NULL};
	Escort__ExecRequest *r = &a->request;

	*r = (Escort__ExecRequest)ESCORT__EXEC_REQUEST__INIT;
	a->frame = (Frame)ESCORT__FRAME__INIT;
	r->ask_id = id;
	r->pid = 1234;
	r->n_argv = r->n_rated_argv = 3;
	r->argv = r->rated_argv = argv;
	r->cwd = "/tmp";
	r->path = "/usr/bin/ls";
	r->program = "ls";
	r->identity = "system: /usr/bin/ls";
	r->trust = "system";
	r->level = ESCORT__LEVEL__LEVEL_INFO;
	a->frame.body_case = ESCORT__FRAME__BODY_EXEC_REQUEST;
	a->frame.exec_request = r;
}
