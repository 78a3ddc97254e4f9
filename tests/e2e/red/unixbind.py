# bind of a Unix socket was left to the kernel, which read the address from
# the caller's memory again and looked the descriptor up again.
# unixbind.py SECONDS DIR PORT: a Unix socket is bound to a fresh path in
# DIR while a thread dup2()s a TCP socket onto its descriptor and a process
# sharing the page turns the address into 0.0.0.0 port PORT (every
# interface: refused). Won when the TCP socket is bound to PORT.
# Also checks that a bind the gate makes leaves the socket file where the
# program said, with its owner and umask, and the name as it was written.
import ctypes, mmap, os, socket, struct, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
seconds, where, port = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])

os.chdir(where)
os.umask(0o077)
plain = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
plain.bind("relative.sock")
mode = os.stat(os.path.join(where, "relative.sock")).st_mode & 0o777
print("bound as written:", plain.getsockname() == "relative.sock" and mode == 0o700,
      plain.getsockname(), oct(mode), flush=True)
plain.close()

m = mmap.mmap(-1, 4096)
addr = ctypes.c_void_p(ctypes.addressof(ctypes.c_char.from_buffer(m)))
inet = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(port), socket.inet_aton("0.0.0.0"))
names = [struct.pack("<H108s", socket.AF_UNIX, f"{where}/b{i}.sock".encode()) for i in range(64)]
current = [names[0]]
child = os.fork()
if child == 0:
    while True:
        first = current[0]
        m[0:len(first)] = first
        for _ in range(100): pass
        m[0:len(inet)] = inet
        for _ in range(100): pass
won = tries = 0
deadline = time.time() + seconds
while time.time() < deadline and not won:
    u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    fd = os.dup(u.fileno())
    stop = False

    def swap():
        while not stop:
            os.dup2(t.fileno(), fd); os.dup2(u.fileno(), fd)

    th = threading.Thread(target=swap); th.start()
    for _ in range(50):
        tries += 1
        libc.bind(fd, addr, 110)
        if t.getsockname()[1] == port:
            won += 1
            break
    stop = True; th.join()
    os.close(fd); u.close(); t.close()
    for name in os.listdir(where):
        if name.startswith("b"):
            os.unlink(os.path.join(where, name))
os.kill(child, 9); os.waitpid(child, 0)
print(f"won {won} after {tries} tries" if won else f"lost after {tries} tries", flush=True)
