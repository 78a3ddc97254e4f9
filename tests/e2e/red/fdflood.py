# Blocking sends on Unix datagram sockets to a receiver that reads nothing
# (its queue full), each passing 60 descriptors, from N processes: the gate
# holds its copies while a send waits for room. fdflood.py DIR N. Prints
# how many descriptors the session host (the shell's parent) holds
# meanwhile, "exec after flood: ok" when a program starts, and how the
# sends ended.
import array, errno, os, socket, subprocess, sys, time
d, n = sys.argv[1], int(sys.argv[2])
path = f"{d}/full.sock"
r = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
r.bind(path)
fillers = []
while True:  # fresh senders until the receiver's queue itself is full
    f = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    f.setblocking(False)
    fillers.append(f)
    try:
        f.sendto(b"x", path)
    except BlockingIOError:
        break
    try:
        while True:
            f.sendto(b"x", path)
    except BlockingIOError:
        pass
passed = [os.open("/dev/null", os.O_RDONLY) for _ in range(60)]
rd, wr = os.pipe()
children = []
for _ in range(n):
    pid = os.fork()
    if pid == 0:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            s.sendmsg([b"y"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                array.array("i", passed))], 0, path)
            end = "sent"
        except OSError as e:
            end = errno.errorcode.get(e.errno, "?")
        os.write(wr, (end + "\n").encode())
        os._exit(0)
    children.append(pid)
time.sleep(2)
host = open(f"/proc/{os.getppid()}/stat").read().rsplit(")", 1)[1].split()[1]
print(f"session host descriptors: {len(os.listdir(f'/proc/{host}/fd'))}", flush=True)
ok = subprocess.run(["/bin/true"]).returncode == 0
print(f"exec after flood: {'ok' if ok else 'failed'}", flush=True)
r.setblocking(False)
deadline = time.time() + 10
while children and time.time() < deadline:
    try:
        while True:
            for fd in socket.recv_fds(r, 10, 253)[1]:
                os.close(fd)
    except BlockingIOError:
        pass
    pid, _ = os.waitpid(-1, os.WNOHANG)
    if pid:
        children.remove(pid)
    time.sleep(0.05)
os.close(wr)
print("ends:", sorted(os.read(rd, 4096).decode().split()), flush=True)
