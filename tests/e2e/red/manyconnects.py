# The gate waits for at most 64 blocking connects at once, for the whole
# session. Threads start N blocking connects to HOST:53 (allowed: DNS) that
# take seconds; meanwhile one more blocking connect to a listener of ours on
# 127.0.0.1 is made. manyconnects.py HOST N. Prints "local connect: OUTCOME".
import socket, sys, threading, time
host, n = sys.argv[1], int(sys.argv[2])
def slow():
    s = socket.socket()
    try:
        s.connect((host, 53))
    except OSError:
        pass
threads = [threading.Thread(target=slow, daemon=True) for _ in range(n)]
for t in threads:
    t.start()
time.sleep(1)
lst = socket.socket(); lst.bind(("127.0.0.1", 0)); lst.listen(8)
c = socket.socket()
try:
    c.connect(lst.getsockname())
    print("local connect: ok", flush=True)
except OSError as e:
    print("local connect:", e, flush=True)
