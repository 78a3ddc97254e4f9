# The kernel read connect's address again after the gate allowed it: a
# process sharing the page swaps an allowed address (a listener of ours on
# 127.0.0.1) for a refused one (192.0.2.1 port 80) in between. Won when a
# socket reaches the refused address: the kernel says it cannot (no route)
# or the connection is still being made after half a second (a loopback
# one is made at once), or its peer is not 127.0.0.1.
import ctypes, errno, mmap, os, select, socket, struct, sys, time
libc = ctypes.CDLL(None, use_errno=True)
listener = socket.socket()
listener.bind(("127.0.0.1", 0))
listener.listen(4096)
listener.setblocking(False)
port = listener.getsockname()[1]
m = mmap.mmap(-1, 4096)
ok = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(port), socket.inet_aton("127.0.0.1"))
bad = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(80), socket.inet_aton("192.0.2.1"))
m[0:16] = ok
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
child = os.fork()
if child == 0:
    while True:  # each state for some tens of microseconds: about the gate's look
        m[0:16] = ok
        for _ in range(1000): pass
        m[0:16] = bad
        for _ in range(1000): pass


def outcome(s, r, e):
    if r < 0 and e in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        return errno.errorcode[e]
    if r < 0 and e != errno.EINPROGRESS:
        return None  # refused by escort: EPERM
    _, w, _ = select.select([], [s], [], 0.5)
    if not w:
        return "still connecting to the refused address"
    try:
        peer = s.getpeername()[0]
    except OSError:
        return None
    return None if peer == "127.0.0.1" else "connected to " + peer


won, tries = None, 0
deadline = time.time() + float(sys.argv[1])
while time.time() < deadline and won is None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    r = libc.connect(s.fileno(), ctypes.c_void_p(addr), 16)
    won = outcome(s, r, ctypes.get_errno())
    s.close()
    tries += 1
    try:
        while True:
            listener.accept()[0].close()
    except BlockingIOError:
        pass
os.kill(child, 9); os.waitpid(child, 0)
print(f"won {won}" if won else f"lost after {tries} tries", flush=True)
