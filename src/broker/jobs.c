/* Slow work off escortd's event loop (as redis' bio.c): one worker thread
 * takes jobs in order; when one is done the worker queues it back and wakes
 * the loop through an eventfd, and the loop runs its done callback. Jobs run
 * in submission order, so a log opened and then sealed stays in order. */
#include "broker.h"

#include "log/sha256.h"
#include "util/xmalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct job {
	job_work_fn work;
	job_done_fn done;
	void *arg;
	struct job *next;
};

struct job_queue {
	struct job *head, *tail;
};

struct jobs {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake, idle;
	struct job_queue todo, done;
	unsigned running; /* submitted and not yet back on the loop */
	int stop, started;
	int efd;
	struct event *ready;
};

static void push(struct job_queue *q, struct job *j)
{
	j->next = NULL;
	if (q->tail)
		q->tail->next = j;
	else
		q->head = j;
	q->tail = j;
}

static struct job *pop(struct job_queue *q)
{
	struct job *j = q->head;

	if (j) {
		q->head = j->next;
		if (q->head == NULL)
			q->tail = NULL;
	}
	return j;
}

static void *worker(void *arg)
{
	struct jobs *js = arg;
	uint64_t one = 1;

	pthread_mutex_lock(&js->lock);
	for (;;) {
		struct job *j = pop(&js->todo);
		if (j == NULL) {
			if (js->stop)
				break;
			pthread_cond_wait(&js->wake, &js->lock);
			continue;
		}
		pthread_mutex_unlock(&js->lock);
		if (j->work)
			j->work(j->arg);
		pthread_mutex_lock(&js->lock);
		push(&js->done, j);
		pthread_cond_broadcast(&js->idle);
		(void)!write(js->efd, &one, sizeof(one));
	}
	pthread_mutex_unlock(&js->lock);
	sha256_release_thread(); /* the journal hashed on this thread */
	return NULL;
}

/* On the loop: the done callbacks of every finished job. */
static void run_done(struct broker *b)
{
	struct jobs *js = b->jobs;
	struct job *j;

	for (;;) {
		pthread_mutex_lock(&js->lock);
		j = pop(&js->done);
		pthread_mutex_unlock(&js->lock);
		if (j == NULL)
			return;
		if (j->done)
			j->done(b, j->arg);
		free(j);
		pthread_mutex_lock(&js->lock);
		js->running--;
		pthread_cond_broadcast(&js->idle);
		pthread_mutex_unlock(&js->lock);
	}
}

static void on_ready(evutil_socket_t fd, short what, void *arg)
{
	uint64_t n;

	(void)what;
	(void)!read(fd, &n, sizeof(n));
	run_done(arg);
}

int jobs_start(struct broker *b, struct error *err)
{
	struct jobs *js = xcalloc(1, sizeof(*js));

	pthread_mutex_init(&js->lock, NULL);
	pthread_cond_init(&js->wake, NULL);
	pthread_cond_init(&js->idle, NULL);
	js->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	b->jobs = js;
	if (js->efd < 0)
		return error_errno(err, "cannot create the worker's eventfd");
	js->ready = event_new(b->base, js->efd, EV_READ | EV_PERSIST, on_ready, b);
	if (js->ready == NULL || event_add(js->ready, NULL) < 0)
		return error_set(err, "cannot watch the worker's eventfd");
	if ((errno = pthread_create(&js->thread, NULL, worker, js)) != 0)
		return error_errno(err, "cannot start the worker thread");
	js->started = 1;
	return 0;
}

void jobs_submit(struct broker *b, job_work_fn work, job_done_fn done, void *arg)
{
	struct jobs *js = b->jobs;
	struct job *j = xcalloc(1, sizeof(*j));

	j->work = work;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&js->lock);
	push(&js->todo, j);
	js->running++;
	pthread_cond_signal(&js->wake);
	pthread_mutex_unlock(&js->lock);
}

void jobs_drain(struct broker *b)
{
	struct jobs *js = b->jobs;

	for (;;) {
		pthread_mutex_lock(&js->lock);
		while (js->running > 0 && js->done.head == NULL)
			pthread_cond_wait(&js->idle, &js->lock);
		int left = js->running > 0;
		pthread_mutex_unlock(&js->lock);
		if (!left)
			return;
		run_done(b);
	}
}

void jobs_stop(struct broker *b)
{
	struct jobs *js = b->jobs;

	if (js == NULL)
		return;
	if (js->started) {
		jobs_drain(b);
		pthread_mutex_lock(&js->lock);
		js->stop = 1;
		pthread_cond_signal(&js->wake);
		pthread_mutex_unlock(&js->lock);
		pthread_join(js->thread, NULL);
	}
	if (js->ready)
		event_free(js->ready);
	if (js->efd >= 0)
		close(js->efd);
	free(js);
	b->jobs = NULL;
}
