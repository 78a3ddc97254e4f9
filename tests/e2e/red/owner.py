"""SIGIO without kill(2): a descriptor's owner (F_SETOWN, F_SETOWN_EX,
FIOSETOWN) receives SIGIO when it becomes readable, and SIGIO ends a process
that does not expect it. Prints each way's result."""
import ctypes, fcntl, os, signal, socket, struct, sys, time
if sys.argv[1] == "self":  # one's own process, which expects SIGIO
    signal.signal(signal.SIGIO, signal.SIG_IGN)
    target = os.getpid()
else:
    target = int(sys.argv[1])
libc = ctypes.CDLL(None, use_errno=True)

keep = []


def arm(way):
    a, b = socket.socketpair()
    keep.append((a, b))
    r, w = a.fileno(), b.fileno()
    if way == "F_SETOWN":
        fcntl.fcntl(r, fcntl.F_SETOWN, target)
    elif way == "F_SETOWN_EX":
        fcntl.fcntl(r, 15, struct.pack("ii", 1, target))  # F_OWNER_PID
    else:
        if libc.ioctl(r, 0x8901, ctypes.byref(ctypes.c_int(target))) < 0:  # FIOSETOWN
            raise OSError(ctypes.get_errno(), "FIOSETOWN")
    fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_ASYNC)
    os.write(w, b"x")

for way in ("F_SETOWN", "F_SETOWN_EX", "FIOSETOWN"):
    try:
        arm(way)
        print(way, "armed", flush=True)
    except OSError as e:
        print(way, "refused", e.errno, flush=True)
time.sleep(0.3)
print("target alive", os.path.exists(f"/proc/{target}"), flush=True)
