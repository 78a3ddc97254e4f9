# The gate keeps a thread's umask between its changes to files and forgets it
# when umask(2) is trapped, before the kernel applies it: a thread whose file
# change the gate handles in between is read with the old umask, and keeps
# it. umaskrace.py DIR SECONDS: thread A creates files all the time; the main
# thread sets umask 0, then 077. Won when a file A creates after umask(077)
# returned has group or other bits.
import os, sys, threading, time
d, seconds = sys.argv[1], float(sys.argv[2])
won = None
rounds = 0
deadline = time.time() + seconds
while time.time() < deadline and not won:
    rounds += 1
    os.umask(0)
    after = threading.Event()
    stop = threading.Event()
    bad = []

    def creator():
        i = 0
        while not stop.is_set():
            p = f"{d}/f{rounds}-{i}"
            late = after.is_set()
            fd = os.open(p, os.O_CREAT | os.O_WRONLY, 0o666)
            os.close(fd)
            if late:
                m = os.stat(p).st_mode & 0o777
                if m & 0o077:
                    bad.append(oct(m))
            os.unlink(p)
            i += 1

    t = threading.Thread(target=creator)
    t.start()
    time.sleep(0.01)
    os.umask(0o077)
    after.set()
    time.sleep(0.05)
    stop.set()
    t.join()
    if bad:
        won = f"files made with umask 0 after umask(077): {bad[:3]} ({len(bad)})"
print(f"won {won}" if won else f"lost after {rounds} rounds", flush=True)
