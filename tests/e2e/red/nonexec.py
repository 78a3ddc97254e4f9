import ctypes, fcntl, os, struct, sys, termios
libc = ctypes.CDLL(None, use_errno=True)
def sc(nr, *a):
    r = libc.syscall(nr, *a); e = ctypes.get_errno()
    return r, os.strerror(e) if r < 0 else "ok"
what = sys.argv[1]
if what == "acct":
    print("acct", sc(163, ctypes.c_char_p(sys.argv[2].encode())))
    os.system("true")
    print("acct-off", sc(163, None))
elif what == "rie":
    print("personality", sc(135, 0x0400000))
    fd = os.open(sys.argv[2], os.O_RDONLY)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
    p = libc.mmap(None, 4096, 1, 2, fd, 0)
    for l in open("/proc/self/maps"):
        if sys.argv[2] in l: print("MAP", l.split()[1])
elif what == "hangup":
    fd = os.open(sys.argv[2], os.O_RDONLY | os.O_NOCTTY)
    try: fcntl.ioctl(fd, 0x5437); print("hangup ok")
    except OSError as e: print("hangup", e.strerror)
elif what == "steal":
    if os.fork():
        os.wait(); sys.exit(0)
    os.setsid()
    fd = os.open(sys.argv[2], os.O_RDONLY | os.O_NOCTTY)
    try: fcntl.ioctl(fd, termios.TIOCSCTTY, 1); print("steal ok")
    except OSError as e: print("steal", e.strerror)
elif what == "chattr":  # PATH [FLAGS]: FS_IOC_SETFLAGS, immutable unless told
    fd = os.open(sys.argv[2], os.O_RDONLY)
    flags = int(sys.argv[3], 0) if len(sys.argv) > 3 else 0x10
    old = struct.unpack("l", fcntl.ioctl(fd, 0x80086601, bytes(8)))[0]  # as chattr, keeps the rest
    try: fcntl.ioctl(fd, 0x40086602, struct.pack("l", old | flags)); print("chattr ok")
    except OSError as e: print("chattr", e.strerror)
elif what == "chattr-race":  # SCRATCH VICTIM: a second thread swaps the descriptor
    import threading
    a, b = os.open(sys.argv[2], os.O_RDONLY), os.open(sys.argv[3], os.O_RDONLY)
    x, done, counts = os.dup(a), [], {"ok": 0, "refused": 0}
    flags = struct.unpack("l", fcntl.ioctl(a, 0x80086601, bytes(8)))[0] | 0x20
    def swap():
        while not done:
            os.dup2(b, x); os.dup2(a, x)
    t = threading.Thread(target=swap); t.start()
    for i in range(400):
        try: fcntl.ioctl(x, 0x40086602, struct.pack("l", flags)); counts["ok"] += 1
        except OSError: counts["refused"] += 1
    done.append(1); t.join()
    print("race", counts["ok"], counts["refused"])
elif what == "ioperm":
    print("ioperm", sc(173, 0x80, 1, 1))
    print("iopl", sc(172, 3))
elif what == "syslog":
    print("syslog-console-level", sc(103, 8, None, 1))
elif what == "settings":
    fd = os.open(sys.argv[2], os.O_RDONLY | os.O_NOCTTY)
    for name, f in (("stop-output", lambda: fcntl.ioctl(fd, termios.TCXONC, termios.TCOOFF)),
                    ("echo-off", lambda: termios.tcsetattr(fd, termios.TCSANOW,
                                                           termios.tcgetattr(fd)[:3] + [0] + termios.tcgetattr(fd)[4:])),
                    ("winsize", lambda: fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 1, 1, 0, 0)))):
        try: f(); print(name, "ok")
        except (OSError, termios.error) as e: print(name, os.strerror(e.args[0]))
elif what == "ipcrm":
    # IPC_RMID (0): x86-64's semctl is 66, msgctl 71, shmctl 31, shmget 29
    kind, ident = sys.argv[2], int(sys.argv[3])
    if kind == "own-shm":
        ident = libc.shmget(0, 4096, 0o1600)
    if kind in ("own-sem", "own-msg"):  # IPC_PRIVATE, or a new key with IPC_CREAT
        key = ident or 0
        ident = libc.semget(key, 1, 0o1600) if kind == "own-sem" else libc.msgget(key, 0o1600)
        print("made", kind, ident >= 0)
    if kind in ("key-sem", "key-msg"):  # IPC_CREAT of a key a service has already made
        ident = libc.semget(ident, 1, 0o1600) if kind == "key-sem" else libc.msgget(ident, 0o1600)
        print("found", kind, ident >= 0)
    kind = kind.split("-")[-1]
    nr = {"sem": 66, "msg": 71, "shm": 31}[kind]
    args = (ident, 0, 0) if kind == "sem" else (ident, 0, None)
    print("ipcrm", kind, sc(nr, *args))
elif what == "ipcuse":  # KIND ID: use a semaphore set or queue (own-*: made here first)
    kind, ident = sys.argv[2], int(sys.argv[3])
    if kind.startswith("own-"):
        kind = kind[4:]
        ident = libc.semget(0, 1, 0o600) if kind == "sem" else libc.msgget(0, 0o600)
    if kind == "sem":  # x86-64: semop 65, semctl 66 (SETVAL 16)
        op = struct.pack("HhH", 0, 1, 0)  # struct sembuf: +1 on semaphore 0
        print("semop", sc(65, ident, ctypes.c_char_p(op), 1))
        print("setval", sc(66, ident, 0, 16, 5))
    else:  # msgsnd 69, msgrcv 70 (IPC_NOWAIT 04000)
        msg = struct.pack("l", 1) + b"hello\0\0\0"
        print("msgsnd", sc(69, ident, ctypes.c_char_p(msg), 8, 0o4000))
        buf = ctypes.create_string_buffer(64)
        print("msgrcv", sc(70, ident, buf, 8, 0, 0o4000))
