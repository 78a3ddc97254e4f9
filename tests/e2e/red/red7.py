"""Seventh round of the red team: each attack prints what it got."""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
what = sys.argv[1]
NR_QUOTACTL = 179


def err():
    e = ctypes.get_errno()
    return os.strerror(e) if e else "ok"


def quotactl(sub):
    """quotactl(QCMD(sub, USRQUOTA)) on a device that does not exist: the
    kernel answers ENOENT, escort's gate EPERM."""
    r = libc.syscall(NR_QUOTACTL, ctypes.c_int((sub << 8) | 0), b"/dev/escort-red7-none",
                     0, None)
    return "ok" if r == 0 else err()


if what == "caps":  # the rights a root session holds and may ever hold
    for line in open("/proc/self/status"):
        if line.startswith(("CapEff", "CapBnd")):
            print(line.strip())
elif what == "nvme":  # FILE: NVMe admin pass-through on a descriptor opened for reading
    fd = os.open(sys.argv[2], os.O_RDONLY)
    buf = ctypes.create_string_buffer(72)  # struct nvme_admin_cmd
    NVME_IOCTL_ADMIN_CMD = (3 << 30) | (72 << 16) | (ord("N") << 8) | 0x41
    r = libc.ioctl(fd, ctypes.c_ulong(NVME_IOCTL_ADMIN_CMD), buf)
    print("nvme", "ok" if r == 0 else err())
elif what == "disk-owner":  # FILE: reservations and OPAL on a descriptor opened for reading
    fd = os.open(sys.argv[2], os.O_RDONLY)
    buf = ctypes.create_string_buffer(272)
    for name, nr, size in (("pr-register", 200, 24), ("opal-secure-erase", 231, 272),
                           ("opal-revert-lsp", 240, 272)):
        cmd = (1 << 30) | (size << 16) | (ord("p") << 8) | nr
        r = libc.ioctl(fd, ctypes.c_ulong(cmd), buf)
        print(name, "ok" if r == 0 else err())
elif what == "sctp":  # SCTP sockets: connectx and bindx are socket options
    import socket
    for family, kind in ((socket.AF_INET, socket.SOCK_STREAM),
                         (socket.AF_INET6, socket.SOCK_SEQPACKET)):
        try: socket.socket(family, kind, 132).close(); print("sctp ok")
        except OSError as e: print("sctp", e.strerror)
elif what == "quota":  # quotas off, limits set; limits read
    print("quotaoff", quotactl(0x800003))
    print("setquota", quotactl(0x800008))
    print("xquotarm", quotactl(0x5806))
    print("getquota", quotactl(0x800007))
elif what == "bind":  # PATH...: Unix binds, from /tmp as the working folder
    import socket
    os.chdir("/tmp")
    for p in sys.argv[2:]:
        p = os.path.expanduser(p)  # "~/NAME": the home, unnamed on the line
        s = socket.socket(socket.AF_UNIX)
        try: s.bind(p); print("bound", p)
        except OSError as e: print("bind", p, e.strerror)
