# Sends on Unix sockets, made by the gate for the caller (net-unix-send.c):
# what a program sees must be what the kernel would have given it.
# unixsend.py CHECK DIR, CHECK one of:
#  rights:  a file descriptor passed over a socketpair with SCM_RIGHTS
#           (sendmsg, no name): the receiver reads the file through it.
#  creds:   a datagram to a socket file bound in DIR whose receiver has
#           SO_PASSCRED: the credentials it sees are the sender's.
#  mycreds: the same with the sender's own SCM_CREDENTIALS given.
#  othercreds: SCM_CREDENTIALS naming process 1: refused (EPERM) unless the
#           sender may claim another process (CAP_SYS_ADMIN).
#  stream:  1 MiB over a stream socketpair with a descriptor on the first
#           byte: every byte arrives in order, and the descriptor.
#  abstract: a datagram to an abstract name.
#  mmsg:    two datagrams with one sendmmsg to a socket file bound in DIR,
#           the first passing a descriptor: both arrive, with the sender's
#           credentials, and the file reads through the descriptor.
# unixsend.py CHECK DIR nobody: the same as nobody.
# Prints "CHECK: ok ..." or "CHECK: failed ...".
import array, os, socket, struct, sys

check, where = sys.argv[1], sys.argv[2]
if len(sys.argv) > 3 and sys.argv[3] == "nobody":  # without any capability
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)


def received_creds(r):
    data, anc, _, _ = r.recvmsg(100, socket.CMSG_SPACE(12))
    for level, kind, value in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            return data, struct.unpack("iII", value)
    return data, None


def receiver():
    path = os.path.join(where, f"recv-{os.getpid()}.sock")
    r = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    r.bind(path)
    os.chmod(path, 0o777)
    r.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    return r, path


def creds_check(given):
    r, path = receiver()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    anc = [] if given is None else [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS,
                                     struct.pack("iII", *given))]
    try:
        s.sendmsg([b"hello"], anc, 0, path)
    except OSError as e:
        return f"failed to send: {e.strerror}"
    data, creds = received_creds(r)
    mine = (os.getpid(), os.getuid(), os.getgid())
    return (f"ok {creds}" if data == b"hello" and creds == mine
            else f"failed: got {data!r} {creds}, mine {mine}")


if check == "rights":
    name = os.path.join(where, "passed.txt")
    with open(name, "w") as f:
        f.write("through the descriptor")
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    fd = os.open(name, os.O_RDONLY)
    socket.send_fds(a, [b"x"], [fd])
    os.close(fd)
    data, fds, _, _ = socket.recv_fds(b, 10, 4)
    got = os.read(fds[0], 100).decode() if fds else ""
    print(f"rights: {'ok' if got == 'through the descriptor' else 'failed'} {got!r}")
elif check == "creds":
    print("creds:", creds_check(None))
elif check == "mycreds":
    print("mycreds:", creds_check((os.getpid(), os.getuid(), os.getgid())))
elif check == "othercreds":
    r, path = receiver()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    try:
        s.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_CREDENTIALS,
                            struct.pack("iII", 1, os.getuid(), os.getgid()))], 0, path)
        print("othercreds: sent", received_creds(r)[1])
    except PermissionError:
        print("othercreds: refused")
elif check == "stream":
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    payload = bytes(range(256)) * 4096
    if os.fork() == 0:
        b.close()
        r, w = os.pipe()
        os.write(w, b"piped")
        sent = socket.send_fds(a, [payload[:1]], [r])
        a.sendall(payload[1:])
        os._exit(0)
    a.close()
    first, fds, _, _ = socket.recv_fds(b, 1, 4)
    got = first
    while len(got) < len(payload):
        more = b.recv(65536)
        if not more:
            break
        got += more
    os.wait()
    piped = os.read(fds[0], 10) if fds else b""
    print(f"stream: {'ok' if got == payload and piped == b'piped' else 'failed'} "
          f"{len(got)} {piped!r}")
elif check == "abstract":
    name = f"\0escort-send-{os.getpid()}"
    r = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    r.bind(name)
    socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b"abstract", name)
    print(f"abstract: {'ok' if r.recv(100) == b'abstract' else 'failed'}")
elif check == "mmsg":
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    r, path = receiver()
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    rfd, wfd = os.pipe()
    os.write(wfd, b"piped")
    name = ctypes.create_string_buffer(struct.pack("<H108s", socket.AF_UNIX, path.encode()))
    data = [ctypes.create_string_buffer(b"one"), ctypes.create_string_buffer(b"two")]
    iovs = [ctypes.create_string_buffer(struct.pack("PQ", ctypes.addressof(d), 3)) for d in data]
    control = ctypes.create_string_buffer(struct.pack("Qiii", 20, socket.SOL_SOCKET,
                                                      socket.SCM_RIGHTS, rfd) + b"\0" * 4)
    vec = b""
    for i in range(2):
        vec += struct.pack("PIxxxxPQPQixxxxIxxxx", ctypes.addressof(name), 110,
                           ctypes.addressof(iovs[i]), 1,
                           ctypes.addressof(control) if i == 0 else 0, 24 if i == 0 else 0, 0, 0)
    sent = libc.sendmmsg(s.fileno(), ctypes.c_char_p(vec), 2, 0)
    mine = (os.getpid(), os.getuid(), os.getgid())
    first, anc, _, _ = r.recvmsg(100, socket.CMSG_SPACE(12) + socket.CMSG_SPACE(4))
    fds = [struct.unpack("i", v[:4])[0] for lv, k, v in anc if k == socket.SCM_RIGHTS]
    creds = [struct.unpack("iII", v) for lv, k, v in anc if k == socket.SCM_CREDENTIALS]
    second = r.recv(100)
    piped = os.read(fds[0], 10) if fds else b""
    ok = (sent == 2 and first == b"one" and second == b"two" and piped == b"piped"
          and creds == [mine])
    print(f"mmsg: {'ok' if ok else 'failed'} {sent} {first} {second} {piped} {creds}")
