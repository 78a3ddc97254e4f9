# Blocking Unix connects the gate makes wait (a listener whose queue is
# full): N processes of one program each keep one waiting; then another
# process makes one blocking connect to a full listener that is drained a
# second later. unixflood.py DIR N. Prints "victim connect: OUTCOME" (ok, or
# the errno's name), how many descriptors the session host (the shell's
# parent) holds meanwhile and "exec after flood: ok" when a program starts.
import ctypes, errno, os, socket, subprocess, sys, time
d, n = sys.argv[1], int(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
def raw_connect(path):
    s = socket.socket(socket.AF_UNIX)
    addr = socket.AF_UNIX.to_bytes(2, "little") + path.encode() + b"\0"
    r = libc.connect(s.fileno(), ctypes.c_char_p(addr), len(addr))
    return s, ("ok" if r == 0 else errno.errorcode.get(ctypes.get_errno(), "?"))
def listener(path):
    lst = socket.socket(socket.AF_UNIX); lst.bind(path); lst.listen(0)
    filler, how = raw_connect(path)  # the queue is full
    print(f"filler of {os.path.basename(path)}: {how}", flush=True)
    return lst, filler
hog, _f1 = listener(f"{d}/hog.sock")
children = []
for _ in range(n):
    pid = os.fork()
    if pid == 0:
        s, how = raw_connect(f"{d}/hog.sock")
        time.sleep(60)
    children.append(pid)
time.sleep(3)
host = open(f"/proc/{os.getppid()}/stat").read().rsplit(")", 1)[1].split()[1]
print(f"session host descriptors: {len(os.listdir(f'/proc/{host}/fd'))}", flush=True)
ok = subprocess.run(["/bin/true"]).returncode == 0
print(f"exec after flood: {'ok' if ok else 'failed'}", flush=True)
vic, _f2 = listener(f"{d}/victim.sock")
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    s, how = raw_connect(f"{d}/victim.sock")
    os.write(w, how.encode()); os._exit(0)
time.sleep(1)
vic.settimeout(0.5)
for _ in range(2):
    try:
        vic.accept()
    except OSError:
        pass
os.waitpid(pid, 0)
print(f"victim connect: {os.read(r, 64).decode()}", flush=True)
for c in children:
    os.kill(c, 9)
for c in children:
    os.waitpid(c, 0)
