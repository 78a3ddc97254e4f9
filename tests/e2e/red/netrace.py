# The kernel read an allowed call's address again after the gate judged it:
# a process sharing the page swaps the allowed address for a refused one in
# between. netrace.py MODE SECONDS [HOST PORT]:
#   connect  allowed: a listener of ours on 127.0.0.1; refused: 192.0.2.1:80.
#            Won when a socket reaches the refused address (no route, still
#            connecting after half a second, or another peer).
#   bind     allowed: 127.0.0.1:P; refused: 0.0.0.0:P (every interface).
#            Won when a socket is bound to 0.0.0.0.
#   sendto   allowed: a UDP socket of ours on 127.0.0.1; refused: HOST:PORT
#            (another machine's listener, which the test reads). Prints
#            "sent" and how many reached 127.0.0.1.
#   sendmsg  the same through sendmsg (the address in its msghdr).
import ctypes, errno, mmap, os, select, socket, struct, sys, time
libc = ctypes.CDLL(None, use_errno=True)
mode, seconds = sys.argv[1], float(sys.argv[2])


def sockaddr(host, port):
    return struct.pack("<HH4s8x", socket.AF_INET, socket.htons(port), socket.inet_aton(host))


datagram = mode in ("sendto", "sendmsg")
mine = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if datagram else socket.SOCK_STREAM)
mine.bind(("127.0.0.1", 0))
port = mine.getsockname()[1]
if mode == "connect":
    mine.listen(4096)
    mine.setblocking(False)
    ok, bad = sockaddr("127.0.0.1", port), sockaddr("192.0.2.1", 80)
elif mode == "bind":
    mine.close()  # its port, free again: both addresses name it
    ok, bad = sockaddr("127.0.0.1", port), sockaddr("0.0.0.0", port)
else:
    mine.setblocking(False)
    ok, bad = sockaddr("127.0.0.1", port), sockaddr(sys.argv[3], int(sys.argv[4]))
m = mmap.mmap(-1, 4096)
m[0:16] = ok
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
payload = b"swapped-datagram\n"
buf = ctypes.create_string_buffer(payload)
child = os.fork()
if child == 0:
    while True:  # each state for some tens of microseconds: about the gate's look
        m[0:16] = ok
        for _ in range(1000): pass
        m[0:16] = bad
        for _ in range(1000): pass


def try_connect():
    s = socket.socket()
    s.setblocking(False)
    r, e = libc.connect(s.fileno(), ctypes.c_void_p(addr), 16), ctypes.get_errno()
    won = None
    if r < 0 and e in (errno.ENETUNREACH, errno.EHOSTUNREACH):
        won = errno.errorcode[e]
    elif r == 0 or e == errno.EINPROGRESS:
        _, w, _ = select.select([], [s], [], 0.5)
        if not w:
            won = "still connecting to the refused address"
        else:
            try:
                peer = s.getpeername()[0]
                won = None if peer == "127.0.0.1" else "connected to " + peer
            except OSError:
                pass
    s.close()
    try:
        while True:
            mine.accept()[0].close()
    except BlockingIOError:
        pass
    return won


def try_bind():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    r = libc.bind(s.fileno(), ctypes.c_void_p(addr), 16)
    won = None
    if r == 0 and s.getsockname()[0] == "0.0.0.0":
        won = "bound to every interface"
    s.close()
    return won


class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


class msghdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.POINTER(iovec)), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]


iov = iovec(ctypes.cast(buf, ctypes.c_void_p), len(payload))
msg = msghdr(addr, 16, ctypes.pointer(iov), 1, None, 0, 0)


def try_sendmsg():
    global sent
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if libc.sendmsg(s.fileno(), ctypes.byref(msg), 0) > 0:
        sent += 1
    s.close()
    return None


sent = 0
def try_sendto():
    global sent
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if libc.sendto(s.fileno(), buf, len(payload), 0, ctypes.c_void_p(addr), 16) > 0:
        sent += 1
    s.close()
    return None


attempt = {"connect": try_connect, "bind": try_bind, "sendto": try_sendto,
           "sendmsg": try_sendmsg}[mode]
won, tries = None, 0
deadline = time.time() + seconds
while time.time() < deadline and won is None:
    won = attempt()
    tries += 1
os.kill(child, 9); os.waitpid(child, 0)
if datagram:
    arrived = 0
    try:
        while True:
            mine.recv(100)
            arrived += 1
    except BlockingIOError:
        pass
    print(f"sent {sent} arrived here {arrived} after {tries} tries", flush=True)
else:
    print(f"won {won}" if won else f"lost after {tries} tries", flush=True)
