#include "web-screen-worker.h"

#include "console/screen.h"
#include "util/json.h"
#include "util/xmalloc.h"
#include "web.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Bytes fed to libvterm between two looks at the stop flag. */
#define SLICE 1024

struct record {
	uint32_t cols, rows, len;
};

struct screen_worker {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct buf input;	   /* records: struct record then len bytes */
	struct buf paint;	   /* the latest repaint, as JSON */
	unsigned long made, taken; /* repaints made, the last one taken */
	int busy, stop;
	struct screen *screen; /* the thread's alone */
};

static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned running;

static void worker_free(struct screen_worker *k)
{
	screen_free(k->screen);
	buf_free(&k->input);
	buf_free(&k->paint);
	pthread_mutex_destroy(&k->lock);
	pthread_cond_destroy(&k->wake);
	free(k);
	pthread_mutex_lock(&running_lock);
	running--;
	pthread_mutex_unlock(&running_lock);
}

static int stopped(struct screen_worker *k)
{
	int stop;

	pthread_mutex_lock(&k->lock);
	stop = k->stop;
	pthread_mutex_unlock(&k->lock);
	return stop;
}

/* Feeds the records of in, a slice at a time; 0 when told to stop. */
static int feed_all(struct screen_worker *k, const struct buf *in)
{
	for (size_t at = 0; at + sizeof(struct record) <= in->len;) {
		struct record r;

		memcpy(&r, in->data + at, sizeof(r));
		at += sizeof(r);
		if (r.cols && r.rows)
			screen_resize(k->screen, r.cols, r.rows);
		for (size_t done = 0; done < r.len; done += SLICE) {
			if (stopped(k))
				return 0;
			screen_feed(k->screen, in->data + at + done,
				    r.len - done < SLICE ? r.len - done : SLICE);
		}
		at += r.len;
	}
	return 1;
}

static void paint(struct screen_worker *k, struct buf *out)
{
	struct buf text = {0};

	buf_reset(out);
	screen_paint(k->screen, &text);
	buf_printf(out, "{\"cols\":%u,\"rows\":%u,\"paint\":", screen_cols(k->screen),
		   screen_rows(k->screen));
	json_append_string(out, text.data, text.len);
	buf_putc(out, '}');
	buf_free(&text);
}

/* Takes what the loop handed over, feeds and paints it without the lock,
 * publishes the repaint; until stopped. */
static void *run(void *arg)
{
	struct screen_worker *k = arg;
	struct buf in = {0}, out = {0}, swap;

	pthread_mutex_lock(&k->lock);
	while (!k->stop) {
		if (k->input.len == 0) {
			pthread_cond_wait(&k->wake, &k->lock);
			continue;
		}
		swap = in, in = k->input, k->input = swap;
		k->busy = 1;
		pthread_mutex_unlock(&k->lock);
		if (feed_all(k, &in))
			paint(k, &out);
		buf_reset(&in);
		pthread_mutex_lock(&k->lock);
		swap = out, out = k->paint, k->paint = swap;
		k->made++;
		k->busy = 0;
	}
	pthread_mutex_unlock(&k->lock);
	buf_free(&in);
	buf_free(&out);
	worker_free(k);
	return NULL;
}

static int count_one_more(void)
{
	int ok;

	pthread_mutex_lock(&running_lock);
	ok = running < WEB_MAX_STREAMS;
	if (ok)
		running++;
	pthread_mutex_unlock(&running_lock);
	return ok;
}

struct screen_worker *screen_worker_start(void)
{
	struct screen_worker *k;
	pthread_t t;
	pthread_attr_t attr;
	int rc;

	if (!count_one_more())
		return NULL;
	k = xcalloc(1, sizeof(*k));
	k->screen = screen_new(80, 24);
	pthread_mutex_init(&k->lock, NULL);
	pthread_cond_init(&k->wake, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, run, k);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		worker_free(k);
		return NULL;
	}
	return k;
}

void screen_worker_feed(struct screen_worker *k, unsigned cols, unsigned rows, const uint8_t *data,
			size_t len)
{
	struct record r = {cols, rows, (uint32_t)len};

	pthread_mutex_lock(&k->lock);
	buf_append(&k->input, &r, sizeof(r));
	buf_append(&k->input, data, len);
	pthread_cond_signal(&k->wake);
	pthread_mutex_unlock(&k->lock);
}

size_t screen_worker_backlog(struct screen_worker *k)
{
	size_t n;

	pthread_mutex_lock(&k->lock);
	n = k->input.len;
	pthread_mutex_unlock(&k->lock);
	return n;
}

int screen_worker_take_paint(struct screen_worker *k, struct buf *out)
{
	int fresh;

	pthread_mutex_lock(&k->lock);
	fresh = k->made != k->taken && k->paint.len > 0;
	if (fresh) {
		buf_reset(out);
		buf_append(out, k->paint.data, k->paint.len);
		k->taken = k->made;
	}
	pthread_mutex_unlock(&k->lock);
	return fresh;
}

int screen_worker_caught_up(struct screen_worker *k)
{
	int done;

	pthread_mutex_lock(&k->lock);
	done = k->input.len == 0 && !k->busy;
	pthread_mutex_unlock(&k->lock);
	return done;
}

void screen_worker_stop(struct screen_worker *k)
{
	pthread_mutex_lock(&k->lock);
	k->stop = 1;
	pthread_cond_signal(&k->wake);
	pthread_mutex_unlock(&k->lock);
}
