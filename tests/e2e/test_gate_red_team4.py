"""Red team of the gate, fourth round: files changed, connections taken and
other programs reached through calls the gate did not trap (fanotify's
events, whole-file-system ioctls, System V shared memory, listen without
bind, another program's pipe through /proc), as an operator with a shell,
python3 and root would try them.

Each attack is a real session on a real PTY, as root; the program they run is
tests/e2e/red/red4.py. Tests marked FIXED failed before the fix in src/gate/
that came with them."""
import ctypes
import os
import pathlib
import shutil
import subprocess
import time
import uuid

import pytest
from test_gate import Session
from test_gate_red_team3 import refusals as denied, shown, srv  # noqa: F401 (srv: a fixture)

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="needs root: the victims live outside scratch folders")

RED = pathlib.Path(__file__).resolve().parent / "red"
PY = "/usr/bin/python3"


@pytest.fixture
def loop_ext4(tmp_path):
    """An ext4 file system on a loop device of its own, mounted outside the
    session (freezing or making read-only the machine's own would stop this
    test run too): (its loop device, its mount point)."""
    image, mnt = tmp_path / "fs.img", tmp_path / "mnt"
    mnt.mkdir()
    subprocess.run(["truncate", "-s", "32M", str(image)], check=True)
    if subprocess.run(["mkfs.ext4", "-q", "-F", str(image)]).returncode != 0 or \
            subprocess.run(["mount", "-o", "loop", str(image), str(mnt)]).returncode != 0:
        pytest.skip("cannot mount a loop device here")
    dev = subprocess.run(["findmnt", "-n", "-o", "SOURCE", str(mnt)], capture_output=True,
                         text=True, check=True).stdout.strip()
    yield dev, mnt
    subprocess.run(["fsfreeze", "-u", str(mnt)], stderr=subprocess.DEVNULL)
    subprocess.run(["blockdev", "--setrw", dev])
    subprocess.run(["umount", "-l", str(mnt)])


@pytest.fixture
def loop_fs(loop_ext4):
    return loop_ext4[1]


@pytest.fixture
def btrfs(tmp_path):
    """A btrfs file system of its own with a subvolume "data" holding a file."""
    image, mnt = tmp_path / "btrfs.img", tmp_path / "btrfs"
    mnt.mkdir()
    subprocess.run(["truncate", "-s", "160M", str(image)], check=True)
    try:
        made = subprocess.run(["mkfs.btrfs", "-q", "-f", str(image)], capture_output=True)
    except FileNotFoundError:
        pytest.skip("no mkfs.btrfs here")
    if made.returncode != 0 or \
            subprocess.run(["mount", "-o", "loop", str(image), str(mnt)]).returncode != 0:
        pytest.skip("cannot mount a btrfs loop device here")
    subprocess.run(["btrfs", "subvolume", "create", str(mnt / "data")], check=True,
                   capture_output=True)
    (mnt / "data" / "file").write_text("precious\n")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)])


def attack(s, *args):
    out, _ = s.run(f"{PY} {RED}/red4.py {' '.join(str(a) for a in args)} 2>&1")
    return out


def test_FIXED_fanotify_cannot_hand_out_files_opened_for_writing(escort, tmp_path, srv):
    """fanotify_init(FAN_CLASS_NOTIF, O_RDWR): the kernel opens every file a
    mark sees for the listener, for writing, and hands over the descriptor
    in the event. Root's session marked /srv's file, read it (reads are not
    trapped) and appended to it through the event's descriptor, with no open
    the file gate saw. Watching with read-only files still works."""
    victim = srv / "victim"
    s = Session(escort, tmp_path)
    out = attack(s, "fanotify", victim)
    watch = attack(s, "fanotify-read", victim)
    evs = s.close()
    assert "fanotify_init Operation not permitted" in out, out
    assert victim.read_text() == "precious\n"
    assert "fanotify read b'precious\\n'" in watch and "escort:" not in watch, watch
    assert len(denied(evs, "fanotify_init")) == 1
    assert "has the kernel open those files for it to change" in shown(evs)


def test_FIXED_a_file_system_cannot_be_frozen_or_shut_down(escort, tmp_path, loop_fs):
    """FIFREEZE and FS_IOC_SHUTDOWN on any descriptor of a file system,
    opened for reading: frozen, every write of the machine there waits
    (escort's log, escortd's state) until a thaw; shut down, every later one
    fails with EIO until it is mounted again. No open for writing, no call
    the gate held."""
    s = Session(escort, tmp_path)
    out = attack(s, "freeze", loop_fs)
    evs = s.close()
    for name in ("freeze", "thaw", "shutdown"):
        assert f"{name} Operation not permitted" in out, out
    (loop_fs / "still-writable").write_text("yes\n")
    assert len(denied(evs, "ioctl")) == 3
    assert f"escort: refused: ioctl on {loop_fs} -- Freezes, shuts down" in shown(evs)


def test_FIXED_a_services_shared_memory_cannot_be_written(escort, tmp_path):
    """shmat of a service's System V segment (made here, outside the
    session): root's session attached it for writing and changed the
    service's memory, no file and no signal involved. Attaching it read-only
    and writing a segment the session made itself still pass."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    shm = libc.shmget(0, 4096, 0o1600)
    assert shm >= 0
    mem = libc.shmat(shm, None, 0)
    try:
        ctypes.memmove(mem, b"service!", 8)
        s = Session(escort, tmp_path)
        out = attack(s, "shmat", shm)
        read = attack(s, "shmat", shm, "ro")
        own = attack(s, "own-shm")
        evs = s.close()
        assert "shmat Operation not permitted" in out, out
        assert ctypes.string_at(mem, 8) == b"service!"
        assert "shmat read b'service!'" in read and "escort:" not in read, read
        assert "own-shm b'mine'" in own and "escort:" not in own, own
        assert len(denied(evs, "shmat")) == 1
    finally:
        libc.shmdt(ctypes.c_void_p(mem))
        libc.shmctl(shm, 0, None)


def test_FIXED_listen_without_bind_cannot_open_a_port_to_other_machines(escort, tmp_path):
    """listen() on a TCP socket never bound: the kernel binds it first to
    every address on a port it picks, so the bind the gate judges (0.0.0.0
    is held) never happened, and other machines could connect to the
    session. A socket bound to loopback still listens and accepts."""
    s = Session(escort, tmp_path)
    out = attack(s, "listen")
    evs = s.close()
    assert out.count("listen Operation not permitted") == 2, out
    assert "loopback b'loopback'" in out, out
    assert len(denied(evs, "listen")) == 2
    assert "escort: refused: listen on every address, a port the kernel picks" in shown(evs)


def test_FIXED_another_programs_pipe_cannot_be_written(escort, tmp_path):
    """A program outside the session reading commands from a pipe (a shell
    fed by `ssh host bash`, a service): root's session opened
    /proc/PID/fd/0 for writing and fed it a command. A pipe has no path, so
    no rule rated it and it counted as scratch. The session's own pipes
    (`> /dev/stdout` in a pipeline) still pass."""
    victim = subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        s = Session(escort, tmp_path)
        out = attack(s, "pipe", victim.pid)
        own, status = s.run("echo mine > /dev/stdout | cat; echo 2 | tee /dev/stderr | cat")
        evs = s.close()
        assert "pipe Operation not permitted" in out, out
        assert status == 0 and "mine" in own and "escort:" not in own, own
        assert "a pipe of a program that is not part of this session" in shown(evs)
    finally:
        victim.stdin.close()
        got = victim.stdout.read()
        victim.wait()
    assert b"INJECTED" not in got


def test_FIXED_a_services_message_queue_cannot_be_used_or_removed(escort, tmp_path):
    """mq_open and mq_unlink are not opens or unlinks the file gate sees:
    root's session opened a service's POSIX message queue and put a message
    in it (or could take the service's messages), and removed the queue.
    A queue the session makes new (O_CREAT | O_EXCL) is its own."""
    rt = ctypes.CDLL("librt.so.1", use_errno=True)
    name = f"/escort-red4-{uuid.uuid4().hex[:8]}"
    q = rt.mq_open(name.encode(), os.O_RDWR | os.O_CREAT | os.O_NONBLOCK, 0o600, None)
    assert q >= 0
    try:
        s = Session(escort, tmp_path)
        out = attack(s, "mqueue", name)
        own = attack(s, "own-mqueue", name + "-own")
        evs = s.close()
        assert "mq_open Operation not permitted" in out, out
        assert "mq_unlink ok" not in out, out
        assert "own-mqueue b'mine'" in own and "escort:" not in own, own
        buf = ctypes.create_string_buffer(8192)
        assert rt.mq_receive(q, buf, 8192, None) == -1  # nothing was put in it
        assert rt.mq_open(name.encode(), os.O_RDONLY) >= 0  # still there
        assert len(denied(evs, "mq_open")) == 1 and len(denied(evs, "mq_unlink")) == 1
    finally:
        rt.mq_unlink(name.encode())
        rt.mq_unlink((name + "-own").encode())  # the session cannot remove it


def test_FIXED_the_machines_console_cannot_be_taken(escort, tmp_path):
    """TIOCCONS on a pseudo-terminal the session made (its own, so terminal
    settings passed): every write to /dev/console by any process of the
    machine went to the session instead of the console, where nobody saw it
    any more."""
    s = Session(escort, tmp_path)
    s.child.sendline(f"{PY} {RED}/red4.py console")
    s.child.expect_exact("ready")
    try:
        with open("/dev/console", "w") as console:
            console.write("escort-red4-console\n")
    except OSError:
        pass  # no console here: the refusal is what counts
    out, _ = s.run("true")
    evs = s.close()
    text = shown(evs)
    assert "console Operation not permitted" in text, text
    assert "escort-red4-console" not in text, text
    assert "escort: refused: ioctl TIOCCONS on /dev/pts/" in text
    assert len(denied(evs, "ioctl")) == 1


def test_FIXED_file_capabilities_are_held_like_a_set_user_id_bit(escort, tmp_path):
    """setxattr("security.capability") on a copy of a program in /tmp: a
    scratch change, so it passed unrecorded, and `cap_setuid=ep` made the
    copy a way for any account to become root after the session, where a
    set-user-id bit on it is held. Other attributes in scratch still pass."""
    scratch = pathlib.Path("/tmp") / f"escort-red4-{uuid.uuid4().hex[:8]}"
    scratch.mkdir()
    try:
        program = scratch / "id"
        shutil.copy("/usr/bin/id", program)
        s = Session(escort, tmp_path)
        out = attack(s, "setcap", program)
        evs = s.close()
        assert "setcap Operation not permitted" in out, out
        assert "fsetcap Operation not permitted" in out, out
        assert "user xattr ok" in out, out
        with pytest.raises(OSError):
            os.getxattr(program, "security.capability")
        assert os.getxattr(program, "user.note") == b"plain"
        assert "some of root's powers (file capabilities)" in shown(evs)
        assert [e for e in evs if e["type"] == "decision" and e["action"] == "deny"
                and "file-capabilities" in e.get("rule", [])]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@pytest.fixture
def other_machine():
    """Another machine: a network namespace at 10.99.N.2 behind a veth link,
    and what arrives on its wire (captured with a packet socket there)."""
    tag = f"{os.getpid() % 10000}"
    ns, near, far = f"esr4{tag}", f"vr4a{tag}", f"vr4b{tag}"
    net = f"10.99.{os.getpid() % 250}"
    try:
        for cmd in (["ip", "netns", "add", ns],
                    ["ip", "link", "add", near, "type", "veth", "peer", "name", far],
                    ["ip", "link", "set", far, "netns", ns],
                    ["ip", "addr", "add", f"{net}.1/24", "dev", near],
                    ["ip", "link", "set", near, "up"],
                    ["ip", "-n", ns, "addr", "add", f"{net}.2/24", "dev", far],
                    ["ip", "-n", ns, "link", "set", far, "up"]):
            subprocess.run(cmd, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as e:
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        pytest.skip(f"network namespaces are not available here: {e}")
    capture = subprocess.Popen(
        ["ip", "netns", "exec", ns, PY, "-c",
         "import socket; s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3));"
         "s.settimeout(8); print('listening', flush=True)\n"
         "try:\n while True:\n  d = s.recv(65535)\n  if b'SECRET' in d: print('ARRIVED', flush=True)\n"
         "except socket.timeout: pass"],
        stdout=subprocess.PIPE, text=True)
    assert capture.stdout.readline().strip() == "listening"
    yield f"{net}.2", capture
    capture.kill()
    subprocess.run(["ip", "link", "del", near], capture_output=True)
    subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def test_FIXED_a_send_to_loopback_cannot_be_source_routed_to_another_machine(escort, tmp_path,
                                                                              other_machine):
    """setsockopt(IP_OPTIONS) with a loose source route (LSRR), which root may
    set: a UDP send to 127.0.0.1 (loopback, allowed) went out to the first
    hop the route names, another machine, with its data. IPv6 routing
    headers the same way. Other socket options still pass."""
    hop, capture = other_machine
    s = Session(escort, tmp_path)
    out = attack(s, "route", hop, 9)
    evs = s.close()
    time.sleep(0.5)  # what was sent has reached the capture
    capture.kill()
    arrived = capture.stdout.read()
    assert "lsrr Operation not permitted" in out, out
    assert "rthdr Operation not permitted" in out, out
    assert "other options ok" in out, out
    assert "ARRIVED" not in arrived
    assert len(denied(evs, "setsockopt")) == 2
    assert "escort: refused: setsockopt -- Sends the socket's packets through another" in shown(evs)


def test_FIXED_a_btrfs_subvolume_cannot_be_deleted_through_a_folder_descriptor(escort, tmp_path,
                                                                                btrfs):
    """BTRFS_IOC_SNAP_DESTROY on a folder opened for reading deletes a whole
    subvolume (every file of /home, or the snapshots kept for a restore) in
    one ioctl, with no unlink or rmdir the gate saw."""
    s = Session(escort, tmp_path)
    out = attack(s, "subvol", btrfs, "data")
    evs = s.close()
    assert "subvol Operation not permitted" in out, out
    assert (btrfs / "data" / "file").read_text() == "precious\n"
    assert len(denied(evs, "ioctl")) == 1
    assert "Deletes, makes or changes a btrfs subvolume" in shown(evs)
