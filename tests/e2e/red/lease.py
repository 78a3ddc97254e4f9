"""Tries to stall the gate: a read lease on a scratch file of one's own; an
open of it for writing waits until the holder gives it up or the kernel's
lease-break-time (45 s) passes. Prints how long another change to a scratch
file took meanwhile.

SCRATCH SECONDS: takes the lease itself (a session's is refused now), then
the writer. SCRATCH SECONDS hold: only takes it and keeps it (run outside the
session). SCRATCH SECONDS held: only the writer, the lease held outside."""
import fcntl, os, signal, subprocess, sys, time
scratch, hold = sys.argv[1], float(sys.argv[2])
mode = sys.argv[3] if len(sys.argv) > 3 else ""
path = os.path.join(scratch, "leased")
if mode != "held":
    open(path, "w").close()
    signal.signal(signal.SIGIO, signal.SIG_IGN)  # the holder ignores the break notice
    fd = os.open(path, os.O_RDONLY)
    taken = False
    for attempt in range(100):  # the gate closes its copy of the new file just after we resume
        try:
            fcntl.fcntl(fd, 1024, fcntl.F_RDLCK)  # F_SETLEASE
            taken = True
            break
        except BlockingIOError:
            time.sleep(0.02)
        except PermissionError:
            print("lease refused", flush=True)
            sys.exit(0)
    print("lease", "taken" if taken else "not taken", flush=True)
    if mode == "hold":
        time.sleep(hold)
        sys.exit(0)
w = subprocess.Popen(["/usr/bin/python3", "-c", f"open({path!r}, 'w')"])
time.sleep(0.5)
t0 = time.time()
p = subprocess.Popen(["/usr/bin/touch", os.path.join(scratch, "after-lease")])
while p.poll() is None and time.time() - t0 < hold:
    time.sleep(0.1)
print("touch took", round(time.time() - t0, 1), flush=True)
if mode != "held":
    os.close(fd)  # gives the lease up: whatever waited goes on
w.wait()
print("writer", w.returncode, flush=True)
