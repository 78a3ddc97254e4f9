/* Lines analysed per second by the risk engine on one core, over the
 * everyday corpus (typical lines) and the risky corpus.
 * It prints lines per second of wall-clock time and of the process's CPU time.
 *   risk-bench RULES_DIR FILE [SECONDS] */
#include "risk/risk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_now(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_now(CLOCK_MONOTONIC);
}

int main(int argc, char **argv)
{
	char *lines[1024], buf[4096];
	size_t n = 0, done = 0;
	double seconds = argc > 3 ? atof(argv[3]) : 3, start, cpu_start;
	struct error err;
	struct risk_engine *e;
	FILE *f;

	if (argc < 3 || (e = risk_engine_new(argv[1], 0, &err)) == NULL ||
	    !(f = fopen(argv[2], "r"))) {
		fprintf(stderr, "usage: risk-bench RULES_DIR FILE [SECONDS]\n");
		return 2;
	}
	while (n < 1024 && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0])
			lines[n++] = strdup(buf);
	}
	fclose(f);
	start = now();
	cpu_start = clock_now(CLOCK_PROCESS_CPUTIME_ID);
	while (now() - start < seconds) {
		for (size_t i = 0; i < n; i++) {
			struct risk_report r;
			risk_rate_line(e, lines[i], strlen(lines[i]), NULL, &r);
			risk_report_free(&r);
		}
		done += n;
	}
	/* per_cpu_second: on a shared machine, what one core of its own would do */
	printf("lines=%zu seconds=%.3f per_second=%.0f per_cpu_second=%.0f\n", done, now() - start,
	       (double)done / (now() - start),
	       (double)done / (clock_now(CLOCK_PROCESS_CPUTIME_ID) - cpu_start));
	risk_engine_free(e);
	return 0;
}
