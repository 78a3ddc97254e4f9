/* What the broker-load benches share: the clock, the sort order of
 * latencies and the ExecRequest frame of an auto-allowed exec. */
#ifndef ESCORT_BENCH_LOAD_FRAMES_H
#define ESCORT_BENCH_LOAD_FRAMES_H

#include "proto/frame.h"

#include <stdint.h>

struct load_ask {
	Escort__ExecRequest request;
	Frame frame;
};

uint64_t load_now_ns(void);
int load_cmp_u64(const void *a, const void *b);
/* Fills *a with the request for `ls -l /tmp` (auto-allowed), numbered id;
 * a->frame is what to write. */
void load_ask_init(struct load_ask *a, uint64_t id);

#endif
