# Calls the gate makes wait in its event loop, each holding a socket, up to
# a limit. PROCESSES processes (1 by default) of N threads each keep making
# blocking connects to HOST:53 (allowed: DNS) that take seconds (nobody
# answers ARP); meanwhile another process makes one blocking connect to a
# listener of ours on 127.0.0.1. manyconnects.py HOST N [PROCESSES].
# Prints "local connect: OUTCOME". The local connect is libc's, as a C
# program makes it: Python's own would wait for the socket itself after an
# EINTR.
import ctypes, errno, os, signal, socket, sys, threading, time
host, n = sys.argv[1], int(sys.argv[2])
processes = int(sys.argv[3]) if len(sys.argv) > 3 else 1
deadline = time.time() + 8
def slow():
    while time.time() < deadline:
        s = socket.socket()
        try:
            s.connect((host, 53))
        except OSError:
            pass
        s.close()
def hog():
    threads = [threading.Thread(target=slow, daemon=True) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
children = []
for _ in range(processes):
    pid = os.fork()
    if pid == 0:
        hog()
        os._exit(0)
    children.append(pid)
time.sleep(1.5)
lst = socket.socket(); lst.bind(("127.0.0.1", 0)); lst.listen(8)
c = socket.socket()
libc = ctypes.CDLL(None, use_errno=True)
to = socket.inet_aton("127.0.0.1")
addr = (ctypes.c_uint16(socket.AF_INET).value).to_bytes(2, "little") + \
    lst.getsockname()[1].to_bytes(2, "big") + to + bytes(8)
if libc.connect(c.fileno(), addr, 16) == 0:
    print("local connect: ok", flush=True)
else:
    print("local connect:", errno.errorcode[ctypes.get_errno()], flush=True)
for pid in children:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
