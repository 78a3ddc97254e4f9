# A blocking connect interrupted by a signal whose handler has SA_RESTART:
# the kernel goes on waiting for the connection (the call is restarted and
# finds the socket connecting). connect to HOST:PORT, where nothing answers
# for a while, with SIGALRM every 50 ms. Prints "connect: OUTCOME".
import ctypes, errno, signal, socket, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
host, port, wait = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
signal.signal(signal.SIGALRM, lambda *a: None)
signal.siginterrupt(signal.SIGALRM, False)  # SA_RESTART, as C programs' handlers often are
signal.setitimer(signal.ITIMER_REAL, 0.05, 0.05)
s = socket.socket()
s.settimeout(None)
addr = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(port), socket.inet_aton(host))
t = socket.socket  # keep names short
import time
start = time.time()
r = libc.connect(s.fileno(), addr, 16)  # libc's own: Python would retry EINTR itself
e = ctypes.get_errno()
signal.setitimer(signal.ITIMER_REAL, 0, 0)
print("connect:", "ok" if r == 0 else errno.errorcode.get(e, e), "after %.1f s" % (time.time() - start), flush=True)
