# The kernel reads connect's address again after the gate allowed it: a
# process sharing the page swaps 127.0.0.1 for a refused address between.
import ctypes, errno, mmap, os, socket, struct, sys, time
libc = ctypes.CDLL(None, use_errno=True)
m = mmap.mmap(-1, 4096)
ok = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(1), socket.inet_aton("127.0.0.1"))
bad = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(80), socket.inet_aton("192.0.2.1"))
m[0:16] = ok
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
child = os.fork()
if child == 0:
    while True:
        m[0:16] = ok
        for _ in range(100): pass
        m[0:16] = bad
won = None
deadline = time.time() + float(sys.argv[1])
while time.time() < deadline and won is None:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    r = libc.connect(s.fileno(), ctypes.c_void_p(addr), 16)
    e = ctypes.get_errno()
    if r < 0 and e in (errno.EINPROGRESS, errno.ENETUNREACH, errno.EHOSTUNREACH):
        won = errno.errorcode[e]
    s.close()
os.kill(child, 9); os.waitpid(child, 0)
print("won " + won if won else "lost", flush=True)
