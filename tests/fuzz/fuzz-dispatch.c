/* escortd's dispatch driven by sequences of decoded messages from three
 * peers: two session hosts' accounts (nobody, daemon) and an escort (root),
 * on a real broker (harness). Input: repeated [peer byte][u16 LE length]
 * [escort.Frame bytes]. Whatever arrives in whatever order, escortd answers,
 * refuses or closes that connection; it never crashes or leaks. */
#include "broker-harness.h"

#include <dirent.h>
#include <pwd.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#define PEERS 3

static struct broker b;
static uid_t uids[PEERS];

static void clear_logs(void)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	DIR *d;
	struct dirent *e;

	snprintf(dir, sizeof(dir), "%s/logs", b.state_dir);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			unlink(path);
		}
	closedir(d);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *names[PEERS] = {"nobody", "daemon", "root"};

	(void)argc;
	(void)argv;
	broker_verbose = -1;
	for (int i = 0; i < PEERS; i++) {
		struct passwd *pw = getpwnam(names[i]);
		if (pw == NULL)
			abort();
		uids[i] = pw->pw_uid;
	}
	if (harness_open(&b, NULL, FUZZ_RULES_DIR) < 0)
		abort();
	return 0;
}

/* What server.c does with a frame read from a connection. */
static void deliver(struct peer *p, Frame *f)
{
	if (!peer_open(&b, p))
		return;
	if (dispatch_frame(p->c, f) < 0)
		conn_close(p->c, NULL);
	event_base_loop(b.base, EVLOOP_NONBLOCK);
}

static void reset(struct peer *peers)
{
	struct session_result gone = {.exit_status = -1, .reason = "fuzz"};

	for (int i = 0; i < PEERS; i++) {
		if (peer_open(&b, &peers[i]))
			conn_close(peers[i].c, NULL);
		peer_close(&b, &peers[i]);
	}
	while (b.sessions)
		session_finish(&b, b.sessions, &gone, 0);
	harness_turn(&b);
	sessions_tick(&b);
	pending_tick(&b);
	conns_tick(&b);
	clear_logs();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct peer peers[PEERS];

	for (int i = 0; i < PEERS; i++)
		peer_connect(&b, &peers[i], uids[i]);
	while (size >= 3) {
		struct peer *p = &peers[data[0] % PEERS];
		size_t len = (size_t)data[1] | (size_t)data[2] << 8;
		data += 3;
		size -= 3;
		if (len > size)
			len = size;
		Frame *f = escort__frame__unpack(NULL, len, data);
		data += len;
		size -= len;
		if (f == NULL)
			continue;
		deliver(p, f);
		frame_free(f);
		jobs_drain(&b);
	}
	reset(peers);
	return 0;
}
