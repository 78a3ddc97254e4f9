# sendmmsg made by the gate went on sending every message after a signal
# interrupted its caller. A child sends 1024 datagrams of 1024 one-byte
# parts each to a loopback sink with one sendmmsg (each message takes the
# gate a while to read; the sink holds them all); once the first arrives,
# the child gets a signal it handles (SIGIO: the call ends with EINTR) and
# waits, its memory still there. Then a sendto of the parent's, which the
# gate answers only after the batch, and the sink is emptied. (A caller
# that died stopped the batch already: its memory cannot be read.)
# Prints "received N of 1024".
import ctypes, fcntl, os, signal, socket, struct

COUNT, PARTS, PART = 1024, 1024, 1
libc = ctypes.CDLL(None, use_errno=True)
sink = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sink.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE
sink.bind(("127.0.0.1", 0))
port = sink.getsockname()[1]
# The signal comes from the kernel (SIGIO on a pipe the child owns): a
# kill() would wait for the gate, busy with the batch.
r, w = os.pipe()
child = os.fork()
if child == 0:
    signal.signal(signal.SIGIO, lambda *a: None)
    signal.siginterrupt(signal.SIGIO, True)
    fcntl.fcntl(r, fcntl.F_SETOWN, os.getpid())
    fcntl.fcntl(r, fcntl.F_SETFL, fcntl.fcntl(r, fcntl.F_GETFL) | os.O_ASYNC)
    os.write(w, b"r")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    s.connect(("127.0.0.1", port))
    data = ctypes.create_string_buffer(PART)
    iov = (ctypes.c_uint64 * (2 * PARTS))()
    for i in range(PARTS):
        iov[2 * i], iov[2 * i + 1] = ctypes.addressof(data), PART
    hdr = struct.pack("PIxxxxPQPQixxxx", 0, 0, ctypes.addressof(iov), PARTS, 0, 0, 0) + b"\0" * 8
    vec = ctypes.create_string_buffer(hdr * COUNT)
    libc.sendmmsg(s.fileno(), vec, COUNT, 0)
    while True:
        signal.pause()
os.read(r, 1)  # the child owns the pipe
sink.recv(70000)
os.write(w, b"!")
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", 9))
got = 1
sink.setblocking(False)
try:
    while sink.recv(70000):
        got += 1
except BlockingIOError:
    pass
os.kill(child, signal.SIGKILL)
os.waitpid(child, 0)
print(f"received {got} of {COUNT}", flush=True)
