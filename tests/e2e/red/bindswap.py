# bind(0.0.0.0, port 0) is allowed for a UDP socket (a client's port), judged
# by the socket's protocol name in /proc; a second thread dup2()s a TCP socket
# over the descriptor in between. Won when a TCP socket is bound to every
# interface (then listen() makes it a listener for other machines).
# bindswap.py SECONDS
import os, socket, sys, threading, time
seconds = float(sys.argv[1])
stop = False
won = None
tries = 0
deadline = time.time() + seconds
while time.time() < deadline and not won:
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    n = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    fd = n.fileno()
    stop = False

    def swap():
        while not stop:
            os.dup2(u.fileno(), fd)
            os.dup2(t.fileno(), fd)

    th = threading.Thread(target=swap)
    th.start()
    for _ in range(200):
        tries += 1
        try:
            n.bind(("0.0.0.0", 0))
        except OSError:
            pass
        if t.getsockname()[1] != 0:
            t.listen(1)
            won = f"TCP listener on {t.getsockname()}"
            break
    stop = True
    th.join()
    for s in (u, t, n):
        s.close()
print(f"won {won}" if won else f"lost after {tries} tries", flush=True)
