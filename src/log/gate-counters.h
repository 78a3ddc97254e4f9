/* What the exec gate did in a session, counted by the gate, recorded in the
 * session-end record and sent to escortd: defined once, here, below both the
 * gate and the recorder. */
#ifndef ESCORT_GATE_COUNTERS_H
#define ESCORT_GATE_COUNTERS_H

#include <stdint.h>

struct gate_counters {
	uint64_t execs;		  /* execs the gate was asked about */
	uint64_t allowed;	  /* ... and let run */
	uint64_t denied;	  /* ... and refused */
	uint64_t held;		  /* ... and held for an escort */
	uint64_t cached;	  /* decided by an earlier decision */
	uint64_t verified;	  /* after the exec, the kernel ran what was judged */
	uint64_t unverified;	  /* ... could not be checked (ended, not completed) */
	uint64_t mismatched;	  /* ... something else ran */
	uint64_t gate_cpu_us;	  /* the gate's own CPU time */
	uint64_t changes;	  /* changes to files the gate was asked about */
	uint64_t changes_scratch; /* ... allowed in scratch folders (not recorded one by one) */
	uint64_t changes_denied;  /* ... refused */
};

#endif
