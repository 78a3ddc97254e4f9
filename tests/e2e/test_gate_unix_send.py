"""Sends on Unix sockets, made by the gate (net-unix-send.c): sendto and
sendmsg on a Unix socket were left to the kernel, which read the path from
the caller's memory again and looked the descriptor up again. Now the gate
resolves the path with the caller's rights, judges the socket file it found
and sends to that file on the socket it took; descriptors passed with
SCM_RIGHTS are copied from the caller, credentials are the caller's own.
A sendmmsg the gate makes stops when its caller no longer waits. The
programs run are in tests/e2e/red/."""
import os
import re
import pathlib
import shutil
import socket
import tempfile

import pytest
from test_gate import Session

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: sessions as root")

RED = pathlib.Path(__file__).resolve().parent / "red"
PY = "/usr/bin/python3"
REFUSED = "/run/docker.sock"  # a local service that makes its user root


@pytest.fixture
def shared_dir():
    """A folder every account can write (a receiver bound there is reached
    by nobody too)."""
    d = tempfile.mkdtemp(prefix="escort-unix-send-")
    os.chmod(d, 0o1777)
    yield d
    shutil.rmtree(d)


@pytest.fixture
def refused_datagram():
    """A datagram socket at /run/docker.sock, read by the test."""
    if os.path.lexists(REFUSED):
        pytest.skip(f"{REFUSED} exists on this machine: not replaced by a test")
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(REFUSED)
    s.setblocking(False)
    yield s
    s.close()
    os.unlink(REFUSED)


def got_any(s):
    try:
        return s.recv(100)
    except BlockingIOError:
        return b""


@pytest.mark.parametrize("check", ["rights", "creds", "mycreds", "stream", "abstract", "mmsg"])
def test_sends_on_unix_sockets_work_as_the_kernels(escort, tmp_path, shared_dir, check):
    s = Session(escort, tmp_path)
    out, status = s.run(f"{PY} {RED}/unixsend.py {check} {shared_dir}")
    s.close()
    assert f"{check}: ok" in out, out


@pytest.mark.parametrize("check", ["creds", "mycreds"])
def test_the_receiver_sees_an_ordinary_senders_credentials(escort, tmp_path, shared_dir, check):
    """As nobody: the credentials a receiver with SO_PASSCRED sees are
    nobody's and its process's, not the session host's."""
    s = Session(escort, tmp_path)
    out, status = s.run(f"{PY} {RED}/unixsend.py {check} {shared_dir} nobody")
    s.close()
    assert f"{check}: ok" in out, out


def test_credentials_of_another_process_are_refused(escort, tmp_path, shared_dir):
    """SCM_CREDENTIALS naming process 1, sent by nobody: the gate, which may
    claim any process, passes only the caller's own."""
    s = Session(escort, tmp_path)
    out, status = s.run(f"{PY} {RED}/unixsend.py othercreds {shared_dir} nobody")
    s.close()
    assert "othercreds: refused" in out, out


@pytest.mark.parametrize("mode", ["sendpath", "msgpath", "mmsgpath"])
def test_FIXED_a_datagrams_path_swapped_after_the_gate_looked(escort, tmp_path, shared_dir,
                                                              refused_datagram, mode):
    """sendto / sendmsg / sendmmsg on a Unix datagram socket to an everyday socket
    file, while a process sharing the page puts /run/docker.sock's path in
    its place: the kernel read the path again and the datagram reached
    Docker. Now the gate sends to the file it resolved and judged."""
    ok = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ok.bind(f"{shared_dir}/ok.sock")
    (tmp_path / "refused").write_text(REFUSED)
    s = Session(escort, tmp_path)
    out, _ = s.run(f"{PY} {RED}/unixrace.py {mode} 5 {shared_dir}/ok.sock @{tmp_path}/refused "
                   "2>&1 | grep -v '^escort:' | tail -1")
    s.close()
    ok.close()
    assert "after" in out, out
    assert got_any(refused_datagram) == b""


def test_FIXED_a_unix_bind_descriptor_swapped_for_a_tcp_one(escort, tmp_path, shared_dir):
    """bind of a Unix socket to a path (allowed) was left to the kernel: a
    thread dup2()ed a TCP socket onto the descriptor and a process sharing
    the page turned the address into every interface's port 8931 (refused),
    and the kernel bound a listener for other machines. Now the gate binds
    the socket it took to the address it read (net-unix-bind.c); a path is
    bound as written, in the caller's working directory, with its umask."""
    s = Session(escort, tmp_path)
    out, _ = s.run(f"{PY} {RED}/unixbind.py 5 {shared_dir} 8931 2>&1 | grep -v '^escort:'")
    s.close()
    assert "bound as written: True" in out, out
    assert "lost after" in out, out


def test_FIXED_sendmmsg_stops_when_its_caller_is_interrupted(escort, tmp_path):
    """The gate made every message of a sendmmsg after a signal had
    interrupted its caller (the call had already returned EINTR). Now it
    checks the call still waits before each message."""
    s = Session(escort, tmp_path)
    out, _ = s.run(f"{PY} {RED}/mmsgkill.py 2>&1 | grep -v '^escort:'")
    s.close()
    m = re.search(r"received (\d+) of 1024", out)
    assert m, out
    assert int(m.group(1)) < 1024, out


def test_FIXED_waiting_sends_passing_descriptors_leave_the_gate_descriptors(escort, tmp_path):
    """A blocking Unix send that waits for room holds the gate's copies of
    the descriptors it passes: 8 processes' sends of 60 descriptors each to
    a full receiver took every descriptor of a gate allowed 256, counted
    one wait each. Now what waits may hold besides its sockets is a quarter of the
    gate's limit; a send beyond is answered EINTR (net-made.c)."""
    s = Session(escort, tmp_path, wrap=("prlimit", "--nofile=256", "--"))
    s.child.timeout = 60
    out, _ = s.run(f"{PY} {RED}/fdflood.py {tmp_path} 8 2>&1 | grep -v '^escort:'")
    s.close()
    assert "exec after flood: ok" in out, out
    held = int(re.search(r"session host descriptors: (\d+)", out).group(1))
    assert held <= 192, out
    # EINTR beyond: Python tries again (PEP 475), so every send goes once
    # the receiver reads.
    assert "ends: ['sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'sent', 'sent']" in out, out
