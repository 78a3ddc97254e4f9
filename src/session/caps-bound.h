/* The rights a root session never gets back: CAP_SYS_MODULE and
 * CAP_SYS_RAWIO are taken from the bounding set of the session's first
 * process before its program starts, so no program of the session, root or
 * setuid, has them. What each would give past the gate, in the kernel's own
 * checks on its own copy of the request:
 * - CAP_SYS_MODULE: a network device ioctl (SIOCGIFINDEX) with any name
 *   makes the kernel load the module of that name (init_module is refused,
 *   this is the way around it);
 * - CAP_SYS_RAWIO: raw SCSI and ATA commands (SG_IO, HDIO_DRIVE_CMD) and
 *   eMMC commands that write blocks through a disk opened for reading, which
 *   the file gate never saw opened for writing; /dev/mem, /dev/port and
 *   /proc/kcore (the machine's memory); ioperm and iopl.
 * Without CAP_SYS_RAWIO the kernel still lets a disk opened for reading take
 * the SCSI commands that only read (INQUIRY, READ CAPACITY, MODE SENSE), and
 * one opened for writing (a change the file gate judged) take writes. */
#ifndef ESCORT_CAPS_BOUND_H
#define ESCORT_CAPS_BOUND_H

#include "util/error.h"

/* Drops them from the calling process's bounding set (needs CAP_SETPCAP
 * when one is still there). A right the kernel does not know, or one
 * already out of the set, is skipped. */
int caps_bound_drop(struct error *err);
/* Takes them out of the calling thread's effective set (the gate's, which
 * acts for the session's root processes: with the same rights as theirs it
 * need not switch rights at every change it makes for them). */
void caps_bound_leave(void);

#endif
