#include "exec-check.h"
#include "procmem.h"

#include "exec-record.h"
#include "util/buf.h"
#include "util/visible.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_TRIES 11 /* 250 us doubling: about half a second in all */

struct pending {
	pid_t pid; /* the process (thread group), which keeps its id across exec */
	uint64_t exec_id;
	dev_t dev, before_dev;
	ino_t ino, before_ino;
	int tries;
	char *args; /* argv as /proc/PID/cmdline shows it (NUL after each), or NULL */
	size_t args_len;
	int args_tail; /* a script: the kernel puts the interpreter first */
	/* The arguments before the exec, kept when the program is the one that
	 * execs (bash running bash): seeing them means the exec is not done. */
	struct buf before_args;
	struct pending *next;
};

struct exec_checks {
	struct event_base *base;
	struct event *timer;
	struct recorder *rec;
	struct gate_counters *counters;
	struct pending *list;
};

static void on_timer(evutil_socket_t fd, short what, void *arg);

struct exec_checks *exec_checks_new(struct event_base *base, struct recorder *rec,
				    struct gate_counters *counters)
{
	struct exec_checks *c = xcalloc(1, sizeof(*c));

	c->base = base;
	c->rec = rec;
	c->counters = counters;
	c->timer = evtimer_new(base, on_timer, c);
	if (c->timer == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

static void pending_free(struct pending *p)
{
	free(p->args);
	buf_free(&p->before_args);
	free(p);
}

void exec_checks_stop(struct exec_checks *c)
{
	if (c == NULL)
		return;
	while (c->list) {
		struct pending *p = c->list;
		c->list = p->next;
		c->counters->unverified++; /* never looked at: the session is over */
		pending_free(p);
	}
	event_del(c->timer);
}

void exec_checks_free(struct exec_checks *c)
{
	if (c == NULL)
		return;
	while (c->list) {
		struct pending *p = c->list;
		c->list = p->next;
		pending_free(p);
	}
	event_free(c->timer);
	free(c);
}

/* One read of /proc/TID/status for the thread group and the parent. */
static int read_status(pid_t tid, pid_t *tgid, pid_t *ppid)
{
	char buf[1024], *at;

	if (procfs_read(tid, "status", buf, sizeof(buf)) < 0)
		return -1;
	if (tgid) {
		if ((at = strstr(buf, "\nTgid:")) == NULL)
			return -1;
		*tgid = (pid_t)strtol(at + 6, NULL, 10);
	}
	if (ppid) {
		if ((at = strstr(buf, "\nPPid:")) == NULL)
			return -1;
		*ppid = (pid_t)strtol(at + 6, NULL, 10);
	}
	return 0;
}

int exec_check_parent(pid_t pid, pid_t *parent)
{
	return read_status(pid, NULL, parent);
}

/* pidfd_open refuses a thread that is not its process's leader: cheaper
 * than having the kernel write out /proc/TID/status for every exec. */
static int leads_its_process(pid_t tid)
{
	int fd = (int)syscall(SYS_pidfd_open, tid, 0);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static int exe_of(pid_t pid, struct stat *st)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	return stat(path, st);
}

static void schedule(struct exec_checks *c)
{
	int fewest = MAX_TRIES;
	struct timeval tv = {0, 0};

	for (struct pending *p = c->list; p; p = p->next)
		if (p->tries < fewest)
			fewest = p->tries;
	if (c->list == NULL)
		return;
	if (fewest > 0) {
		long us = 250L << (fewest - 1);
		tv.tv_sec = us / 1000000;
		tv.tv_usec = us % 1000000;
	}
	evtimer_add(c->timer, &tv);
}

/* What the kernel will show as the new program's arguments: all of argv,
 * or for a script what follows argv[0] (the kernel puts the interpreter, its
 * argument and the script's path before it). Not kept when argv was not read
 * completely or is empty (the kernel then makes one up). */
static void expect_args(struct pending *p, const struct exec_request *req, int script)
{
	struct buf b = {0};

	if (req->argv == NULL || req->argv[0] == NULL || req->argv_truncated)
		return;
	for (size_t i = script ? 1 : 0; req->argv[i]; i++)
		buf_append(&b, req->argv[i], strlen(req->argv[i]) + 1);
	p->args_tail = script;
	p->args_len = b.len;
	p->args = b.len ? (char *)b.data : NULL;
	if (b.len == 0)
		buf_free(&b);
}

static int read_cmdline(pid_t pid, struct buf *out, size_t limit);

void exec_checks_add(struct exec_checks *c, const struct exec_request *req, uint64_t exec_id,
		     const struct program *prog, int check_args)
{
	pid_t tid = req->pid;
	struct pending *p = xcalloc(1, sizeof(*p));
	struct stat st;

	p->pid = tid;
	if (!leads_its_process(tid) && read_status(tid, &p->pid, NULL) < 0)
		p->pid = tid;
	p->exec_id = exec_id;
	p->dev = prog->exe_dev;
	p->ino = prog->exe_ino;
	if (check_args)
		expect_args(p, req, prog->script);
	if (exe_of(tid, &st) == 0) {
		p->before_dev = st.st_dev;
		p->before_ino = st.st_ino;
	}
	if (p->args && p->before_dev == p->dev && p->before_ino == p->ino)
		(void)read_cmdline(p->pid, &p->before_args, p->args_len + 2 * PATH_MAX + 4096);
	p->next = c->list;
	c->list = p;
	if (!evtimer_pending(c->timer, NULL))
		schedule(c);
}

/* The process's arguments as the kernel shows them (up to limit bytes). */
static int read_cmdline(pid_t pid, struct buf *out, size_t limit)
{
	char path[64], chunk[4096];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	while (out->len < limit && (n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_append(out, chunk, (size_t)n);
	close(fd);
	return 0;
}

/* 1: the arguments are the ones decided on (or the process is gone),
 * 0: they are not, -1: the new program's are not there yet. */
static int args_match(const struct pending *p, struct buf *seen)
{
	size_t at;

	if (p->args == NULL ||
	    read_cmdline(p->pid, seen, p->args_len + (p->args_tail ? 2 * PATH_MAX + 4096 : 1)) < 0)
		return 1;
	if (seen->len == 0 || (p->before_args.len && seen->len == p->before_args.len &&
			       memcmp(seen->data, p->before_args.data, seen->len) == 0))
		return -1;
	if (!p->args_tail)
		return seen->len == p->args_len && memcmp(seen->data, p->args, p->args_len) == 0;
	if (seen->len <= p->args_len)
		return 0;
	at = seen->len - p->args_len;
	return seen->data[at - 1] == '\0' && memcmp(seen->data + at, p->args, p->args_len) == 0;
}

/* Other arguments than the ones decided on: killed and recorded. */
static void args_mismatch(struct exec_checks *c, struct pending *p, const struct buf *seen)
{
	struct buf shown = {0};

	kill(p->pid, SIGKILL);
	c->counters->mismatched++;
	for (size_t i = 0; i < seen->len && shown.len < 4096; i++) {
		size_t run = strnlen((const char *)seen->data + i, seen->len - i);
		if (shown.len)
			buf_putc(&shown, ' ');
		visible_append(&shown, (const char *)seen->data + i, run);
		i += run;
	}
	exec_record_ran(c->rec, p->exec_id, p->pid, EXEC_MISMATCH, NULL, buf_cstr(&shown));
	buf_free(&shown);
}

/* The file is the one decided on: are the arguments? 1: settled, 0: later. */
static int check_args(struct exec_checks *c, struct pending *p)
{
	struct buf seen = {0};
	int same = args_match(p, &seen);

	if (same < 0 && p->tries < MAX_TRIES && ++p->tries < MAX_TRIES) {
		buf_free(&seen);
		return 0;
	}
	if (same == 0) {
		args_mismatch(c, p, &seen);
	} else if (same < 0) {
		c->counters->unverified++;
		exec_record_ran(c->rec, p->exec_id, p->pid, EXEC_NOT_COMPLETED, NULL, NULL);
	} else {
		c->counters->verified++;
		exec_record_ran(c->rec, p->exec_id, p->pid, EXEC_RAN, NULL, NULL);
	}
	buf_free(&seen);
	return 1;
}

/* 1: settled (and recorded), 0: look again later. */
static int check_one(struct exec_checks *c, struct pending *p)
{
	struct stat st;
	char exe[4096], link[64];
	ssize_t n;

	if (exe_of(p->pid, &st) < 0) {
		c->counters->unverified++;
		exec_record_ran(c->rec, p->exec_id, p->pid, EXEC_ENDED, NULL, NULL);
		return 1;
	}
	if (st.st_dev == p->dev && st.st_ino == p->ino)
		return check_args(c, p);
	if (st.st_dev == p->before_dev && st.st_ino == p->before_ino) {
		if (p->tries < MAX_TRIES && ++p->tries < MAX_TRIES)
			return 0;
		c->counters->unverified++;
		exec_record_ran(c->rec, p->exec_id, p->pid, EXEC_NOT_COMPLETED, NULL, NULL);
		return 1;
	}
	snprintf(link, sizeof(link), "/proc/%d/exe", (int)p->pid);
	n = readlink(link, exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = '\0';
	kill(p->pid, SIGKILL);
	c->counters->mismatched++;
	exec_record_ran(c->rec, p->exec_id, p->pid, EXEC_MISMATCH, exe, NULL);
	return 1;
}

void exec_checks_settle(struct exec_checks *c, pid_t pid)
{
	for (struct pending **pp = &c->list; *pp;) {
		struct pending *p = *pp;
		if (p->pid == pid) {
			p->tries = MAX_TRIES; /* no more waiting: decide now */
			check_one(c, p);
			*pp = p->next;
			pending_free(p);
		} else {
			pp = &p->next;
		}
	}
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
	struct exec_checks *c = arg;

	(void)fd;
	(void)what;
	for (struct pending **pp = &c->list; *pp;) {
		struct pending *p = *pp;
		if (check_one(c, p)) {
			*pp = p->next;
			pending_free(p);
		} else {
			pp = &p->next;
		}
	}
	schedule(c);
}
