# A Unix socket's connect was left to the kernel, which read the path from
# the caller's memory again and looked the descriptor up again.
# unixrace.py MODE SECONDS OK_PATH REFUSED [PORT]:
#  path:   a process sharing the page swaps the path between OK_PATH (an
#          everyday listener) and REFUSED (a socket escort refuses);
#          won when a connection's peer is REFUSED.
#  fdswap: a thread dup2()s a TCP socket onto the Unix socket's descriptor
#          while the address goes from OK_PATH to REFUSED:PORT (another
#          machine); won when the connect is one under way (EINPROGRESS:
#          only a TCP connect the kernel made gives that).
#  link:   the path is a symbolic link that another process keeps turning
#          from OK_PATH to REFUSED and back (rename); won as for path.
#  sendswap: sendto on a Unix datagram socket named by an abstract name (a
#          Unix socket's sends were the kernel's): a thread dup2()s a
#          UDP socket onto the descriptor while the address becomes
#          REFUSED:PORT; won when sendto succeeds on that (counted by the
#          other machine).
#  sendpath: sendto on a Unix datagram socket while a process sharing the
#          page swaps the path between OK_PATH (a datagram socket) and
#          REFUSED; won when REFUSED's socket receives (the test reads it).
#  msgpath: the same with sendmsg.
#  mmsgpath: the same with sendmmsg (one message).
# Prints "won N after M tries" or "lost after M tries".
import ctypes, errno, mmap, os, socket, struct, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
mode, seconds, ok_path, refused = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4]
if refused.startswith("@"):  # a file naming it (a path in argv is rated on its own)
    refused = open(refused[1:]).read().strip()
def unix(path):
    return struct.pack("<H108s", socket.AF_UNIX, path.encode())
link = os.path.join(os.path.dirname(ok_path), "link.sock")
first = unix(link if mode == "link" else ok_path)
if mode == "sendswap":
    first = struct.pack("<H108s", socket.AF_UNIX, f"\0escort-race-{os.getpid()}".encode())
    sink = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); sink.bind(f"\0escort-race-{os.getpid()}")
    sink.setblocking(False)
if mode in ("path", "link", "sendpath", "msgpath", "mmsgpath"):
    second = unix(refused)
else:
    second = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(int(sys.argv[5])),
                         socket.inet_aton(refused)).ljust(len(first), b"\0")
m = mmap.mmap(-1, 4096)
m[0:len(first)] = first
addr = ctypes.c_void_p(ctypes.addressof(ctypes.c_char.from_buffer(m)))
def relink():
    while True:
        os.symlink(ok_path, link + ".a"); os.rename(link + ".a", link)
        os.symlink(refused, link + ".b"); os.rename(link + ".b", link)
child = os.fork()
if child == 0 and mode == "link":
    for name in (link + ".a", link + ".b"):
        if os.path.lexists(name):
            os.unlink(name)
    relink()
if child == 0:
    while True:
        m[0:len(first)] = first
        for _ in range(200): pass
        m[0:len(first)] = second
        for _ in range(200): pass
won = tries = 0
stop = False
spare = socket.socket(socket.AF_UNIX); fd = spare.fileno()
current = [None, None]
def swap():
    while not stop:
        u, t = current
        if u is not None:
            try:
                os.dup2(t.fileno(), fd); os.dup2(u.fileno(), fd)
            except OSError:
                pass
if mode in ("fdswap", "sendswap"):
    th = threading.Thread(target=swap); th.start()
payload = ctypes.create_string_buffer(b"swapped-datagram\n")
iov = ctypes.create_string_buffer(struct.pack("PQ", ctypes.addressof(payload), 17))
deadline = time.time() + seconds
while time.time() < deadline:
    tries += 1
    u = socket.socket(socket.AF_UNIX); u.setblocking(False)  # a full queue: EAGAIN
    if mode == "sendswap":
        u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        t = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        current[:] = [u, t]
        os.dup2(u.fileno(), fd)
        for _ in range(20):
            libc.sendto(fd, payload, 17, socket.MSG_DONTWAIT, addr, len(first))
        current[:] = [None, None]
        try:
            while sink.recv(100): pass
        except BlockingIOError:
            pass
        u.close(); t.close()
        continue
    if mode in ("sendpath", "msgpath", "mmsgpath"):
        u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        for _ in range(20):
            if mode == "sendpath":
                libc.sendto(u.fileno(), payload, 17, socket.MSG_DONTWAIT, addr, len(first))
            else:
                hdr = struct.pack("PIxxxxPQPQixxxx", addr.value, len(first), ctypes.addressof(iov),
                                  1, 0, 0, 0)
                if mode == "msgpath":
                    libc.sendmsg(u.fileno(), ctypes.c_char_p(hdr), socket.MSG_DONTWAIT)
                else:
                    libc.sendmmsg(u.fileno(), ctypes.c_char_p(hdr + b"\0" * 8), 1,
                                  socket.MSG_DONTWAIT)
        u.close()
        continue
    if mode != "fdswap":
        if libc.connect(u.fileno(), addr, len(first)) == 0 and u.getpeername() == refused:
            won += 1
        u.close()
        continue
    t = socket.socket(); t.setblocking(False)
    current[:] = [u, t]
    os.dup2(u.fileno(), fd)
    if libc.connect(fd, addr, len(first)) < 0 and ctypes.get_errno() == errno.EINPROGRESS:
        won += 1
    current[:] = [None, None]

    u.close(); t.close()
stop = True
if mode in ("fdswap", "sendswap"):
    th.join()
os.kill(child, 9); os.waitpid(child, 0)
print(f"won {won} after {tries} tries" if won else f"lost after {tries} tries", flush=True)
