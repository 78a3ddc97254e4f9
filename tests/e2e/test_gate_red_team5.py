"""Red team of the gate, fifth round: the machine's disks and other programs'
files reached through calls the gate did not trap (a block device's ioctls,
file leases), as an operator with a shell, python3 and root would try them.

Each attack is a real session on a real PTY, as root; the program they run is
tests/e2e/red/red5.py. Tests marked FIXED failed before the fix in src/gate/
that came with them."""
import os
import pathlib
import shutil
import subprocess

import pytest
from test_gate import PROMPT, Session
from test_gate_red_team3 import refusals as denied, shown, srv  # noqa: F401 (srv: a fixture)
from test_gate_red_team4 import loop_ext4  # noqa: F401 (a fixture)

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="needs root: the victims live outside scratch folders")

RED = pathlib.Path(__file__).resolve().parent / "red"
PY = "/usr/bin/python3"


@pytest.fixture
def loop_disk(loop_ext4):
    return loop_ext4


def attack(s, *args):
    out, _ = s.run(f"{PY} {RED}/red5.py {' '.join(str(a) for a in args)} 2>&1")
    return out


def test_FIXED_a_disk_cannot_be_made_read_only_or_detached(escort, tmp_path, loop_disk):
    """BLKROSET on a block device opened for reading (root needs no more):
    the disk under a mounted file system became read-only for the whole
    machine, and every later write there failed ("Trying to write to
    read-only block-device"): escort's log and escortd's state, were they
    there. LOOP_CLR_FD detached the loop device (at once, or when a mounted
    one is unmounted). No open for writing, nothing held or recorded."""
    dev, mnt = loop_disk
    s = Session(escort, tmp_path)
    out = attack(s, "blockdev", dev)
    evs = s.close()
    got = subprocess.run(["blockdev", "--getro", dev], capture_output=True, text=True)
    assert got.stdout.strip() == "0", "the disk was made read-only"
    assert "roset Operation not permitted" in out and "clr Operation not permitted" in out, out
    (mnt / "still-writable").write_text("yes\n")
    os.sync()
    assert len(denied(evs, "ioctl")) == 2
    assert f"escort: refused: ioctl on {dev} -- Makes the disk {dev} read-only" in shown(evs)


def test_FIXED_a_lease_cannot_stall_other_programs(escort, tmp_path, srv):
    """fcntl(F_SETLEASE, F_WRLCK) on a file opened for reading (root holds
    CAP_LEASE; any account may on its own files), with SIGIO ignored: every
    other program's open of the file, a read too, waited for the holder up
    to lease-break-time (45 s), and the lease can be taken again at once. On
    /etc/ld.so.cache that stalls every program the machine starts, escortd's
    and sshd's too; on a service's file, the service."""
    victim = srv / "victim"
    s = Session(escort, tmp_path)
    s.child.sendline(f"{PY} {RED}/red5.py lease {victim} 4 2>&1")
    s.child.expect(r"lease (taken|Operation not permitted)")
    took = s.child.match.group(1)
    try:  # without O_NONBLOCK this open waits for the lease's holder
        os.close(os.open(victim, os.O_RDONLY | os.O_NONBLOCK))
        stalled = False
    except BlockingIOError:
        stalled = True
    s.child.expect_exact(PROMPT)
    evs = s.close()
    assert not stalled, "another program's open of the file had to wait for the session"
    assert took == "Operation not permitted"
    assert len(denied(evs, "fcntl")) == 1
    assert f"escort: refused: fcntl on {victim} -- Takes a lease on {victim}" in shown(evs)


def test_FIXED_the_folder_of_the_sessions_log_cannot_be_moved(escort, tmp_path):
    """The file gate refused changes to escort's own files and to what lies
    under escort's folders, judged by path, but not a rename of a folder
    above them: root's session moved the folder holding its own log (here
    a scratch folder; reached through the session host's /proc/PID/root,
    where it is not hidden). The session host wrote on into the moved file
    while the name escort records under, and its next segments' names,
    were free for the session to fill. A folder that holds none of escort's
    files still moves."""
    work = tmp_path / "work"
    work.mkdir()
    s = Session(escort, tmp_path)
    out, _ = s.run(f"mv /proc/$PPID/root{tmp_path} /proc/$PPID/root{tmp_path}-moved; "
                   f"mv {work} {tmp_path}/work2 && echo moved-work")
    still = (tmp_path / "s.eslog").exists()
    if not still:
        (tmp_path.parent / f"{tmp_path.name}-moved").rename(tmp_path)
    evs = s.close()
    assert still, "the folder of the session's log was moved"
    assert "Operation not permitted" in out and "moved-work" in out, out
    assert (tmp_path / "work2").is_dir()
    assert len(denied(evs, "rename")) == 1 or len(denied(evs, "renameat2")) == 1, \
        [e.get("call") for e in evs if e["type"] == "decision"]
    assert f"Moves the folder {tmp_path}, which holds escort's own files" in shown(evs)


def test_FIXED_a_core_dump_cannot_write_a_file_in_a_protected_folder(escort, tmp_path, srv):
    """The kernel writes a core file itself, in the folder the crashing
    process runs in (core_pattern "core"), after deleting a file of that
    name there, with the process's memory as its content: root's session
    raised RLIMIT_CORE (its own limit, not trapped), went into /srv's
    folder and crashed a child holding a crontab line in memory; /srv's
    "core" was replaced by 5 MB of the session's choosing (/etc/cron.d/core
    the same way), with no open, unlink or record. A session now starts
    with the limit at 0 and keeps it there: setting it for the session's
    own processes is told it succeeded (sudo sets it to 0) and changes
    nothing."""
    pattern = pathlib.Path("/proc/sys/kernel/core_pattern").read_text().strip()
    if pattern.startswith("|") or "/" in pattern:
        pytest.skip(f"core files go to {pattern} here, not the process's folder")
    victim = srv / pattern.replace("%%", "%").split("%")[0]
    victim.write_text("precious\n")
    s = Session(escort, tmp_path)
    out = attack(s, "core", srv)
    ulimit, status = s.run("ulimit -c unlimited; ulimit -c")
    evs = s.close()
    assert victim.read_bytes() == b"precious\n", "a core file replaced the file"
    assert sorted(p.name for p in srv.iterdir()) == sorted(["victim", victim.name]), \
        list(srv.iterdir())
    assert "core limit (0, 0)" in out and "child no core" in out, out
    assert "by pid (0, 0)" in out and "escort:" not in out, out
    assert status == 0 and "escort:" not in ulimit and ulimit.strip().endswith("0"), ulimit
    assert not denied(evs, "prlimit64")


def test_FIXED_hardware_ports_and_memory_failure_are_refused(escort, tmp_path):
    """iopl and ioperm give root's process the machine's I/O ports (outb to
    0xcf9 resets it; any device reprogrammed past its driver), and
    madvise(MADV_HWPOISON) marks a page as broken hardware: every process
    mapping it, a page of the C library's code mapped read-only by all,
    escortd's too, gets SIGBUS. None was trapped. This machine's kernel has
    neither (CONFIG_X86_IOPL_IOPERM, CONFIG_MEMORY_FAILURE: ENOSYS and EINVAL
    here, so the harm is not shown); most distributions' kernels have both.
    Now each is refused and recorded, whatever the kernel."""
    s = Session(escort, tmp_path)
    out = attack(s, "hardware")
    evs = s.close()
    for name in ("iopl", "ioperm", "hwpoison", "soft-offline"):
        assert f"{name} Operation not permitted" in out, out
    assert len(denied(evs, "iopl")) == 1 and len(denied(evs, "ioperm")) == 1
    assert len(denied(evs, "madvise")) == 2
    assert "escort: refused: madvise -- Marks a page of memory as broken hardware" in shown(evs)


@pytest.fixture
def runtime_folders():
    """Another account's /run/user/UID with a file in it, and root's own
    /run/user/0 (made for the test when the machine has none)."""
    uid = 42000 + os.getpid() % 1000
    other, own = pathlib.Path(f"/run/user/{uid}"), pathlib.Path("/run/user/0")
    made_own = not own.exists()
    (other / "systemd").mkdir(parents=True)
    (other / "file").write_text("theirs\n")
    for path in (other, other / "systemd", other / "file"):
        os.chown(path, uid, uid)
    own.mkdir(parents=True, exist_ok=True)
    yield other, own
    shutil.rmtree(other, ignore_errors=True)
    if made_own:
        shutil.rmtree(own, ignore_errors=True)
    else:
        (own / "escort-red5").unlink(missing_ok=True)


def test_FIXED_another_accounts_runtime_folder_is_not_scratch(escort, tmp_path, runtime_folders):
    """/run/user/* was scratch for everyone: root's session overwrote a file
    in another account's runtime folder and planted one in its systemd
    folder (that account's session bus, user units and agents' sockets live
    there, trusted by its programs), with nothing held. Only the account's
    own /run/user/UID is scratch now; root's /run/user/0 still is."""
    other, own = runtime_folders
    s = Session(escort, tmp_path)
    out = attack(s, "runtime", other / "file", other / "systemd" / "planted",
                 own / "escort-red5")
    evs = s.close()
    assert (other / "file").read_text() == "theirs\n"
    assert not (other / "systemd" / "planted").exists()
    assert f"wrote {own / 'escort-red5'}" in out, out
    assert out.count("Operation not permitted") == 2, out
    assert f"Changes {other / 'file'}, in another account's runtime folder" in shown(evs)


def test_a_process_cannot_change_which_program_it_says_it_runs(escort, tmp_path):
    """prctl(PR_SET_MM, PR_SET_MM_EXE_FILE or PR_SET_MM_MAP) lets root's
    process point /proc/PID/exe at another file: the exec gate's check after
    each exec reads that link, so a program that won a race against the gate
    could pass for the one it was shown. Both are refused and recorded
    (before, the kernel answered EBUSY or EINVAL: it checked, nobody else)."""
    s = Session(escort, tmp_path)
    out = attack(s, "exe-link")
    evs = s.close()
    assert "exe-file Operation not permitted" in out and "mm-map Operation not permitted" in out, out
    assert len(denied(evs, "prctl")) == 2
    assert "escort: refused: prctl -- Changes which program file this process says it runs" in shown(evs)
