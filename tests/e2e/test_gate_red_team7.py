"""Red team of the gate, seventh round: rights of root that reach past the
gate in the kernel's own checks (raw disk commands, modules loaded by name),
NVMe pass-through and quotas, tried as an operator with a shell, python3 and
root would.

Each attack is a real session on a real PTY, as root; the program they run is
tests/e2e/red/red7.py. Tests marked FIXED failed before the fix that came
with them."""
import os
import pathlib
import shutil
import stat
import subprocess
import uuid

import pytest
from test_gate import Session
from test_gate_red_team3 import refusals, shown

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="needs root: root's rights")

RED = pathlib.Path(__file__).resolve().parent / "red"
PY = "/usr/bin/python3"
SYS_MODULE, SYS_RAWIO = 16, 17


def attack(s, *args):
    out, _ = s.run(f"{PY} {RED}/red7.py {' '.join(str(a) for a in args)} 2>&1")
    return out


def bare(*args):
    return subprocess.run([PY, str(RED / "red7.py"), *map(str, args)], capture_output=True,
                          text=True, check=True).stdout


def caps(text):
    return {line.split(":")[0]: int(line.split(":")[1], 16)
            for line in text.splitlines() if line.startswith(("CapEff:", "CapBnd:"))}


def test_FIXED_a_root_session_never_holds_raw_io_or_module_loading(escort, tmp_path):
    """Root's CAP_SYS_RAWIO lets SG_IO write any block through a disk opened
    for reading (the file gate never sees an open for writing) and read the
    machine's memory (/dev/mem, /proc/kcore); CAP_SYS_MODULE makes a network
    device ioctl load any installed module by name, around the refused
    init_module. A root session had both, and so did every program it
    started. Now neither the shell nor anything it starts, setuid or not,
    has them; root's other rights stay."""
    outside = caps(bare("caps"))
    wanted = (1 << SYS_MODULE) | (1 << SYS_RAWIO)
    if outside["CapBnd"] & wanted != wanted:
        pytest.skip("this machine's root has no CAP_SYS_MODULE or CAP_SYS_RAWIO to lose")
    s = Session(escort, tmp_path)
    inside = caps(attack(s, "caps"))
    s.close()
    assert inside["CapBnd"] & wanted == 0, hex(inside["CapBnd"])
    assert inside["CapEff"] & wanted == 0, hex(inside["CapEff"])
    assert inside["CapEff"] == outside["CapEff"] & ~wanted, (hex(inside["CapEff"]),
                                                             hex(outside["CapEff"]))


def test_FIXED_nvme_pass_through_is_refused(escort, tmp_path):
    """NVMe admin and I/O pass-through on a disk opened for reading: root's
    CAP_SYS_ADMIN is what the kernel asks, so a format or sanitize (the
    whole disk erased) or a write to any block went through a descriptor
    the file gate never saw opened for writing. On /dev/null the kernel
    says the command is not for that file; escort's gate refuses it first."""
    assert "nvme Inappropriate ioctl for device" in bare("nvme", "/dev/null")
    s = Session(escort, tmp_path)
    out = attack(s, "nvme", "/dev/null")
    evs = s.close()
    assert "nvme Operation not permitted" in out, out
    assert "Sends a command straight to the disk /dev/null" in shown(evs), shown(evs)
    assert refusals(evs, "ioctl"), [e for e in evs if e["type"] == "decision"]


def test_FIXED_quota_changes_are_refused_and_reading_them_passes(escort, tmp_path):
    """quotactl turned an account's limits off or changed them with nothing
    held. The commands that change quotas are refused; reading them goes to
    the kernel as before (here: no such device)."""
    assert bare("quota").split() == ["quotaoff", "No", "such", "file", "or", "directory",
                                     "setquota", "No", "such", "file", "or", "directory",
                                     "xquotarm", "No", "such", "file", "or", "directory",
                                     "getquota", "No", "such", "file", "or", "directory"]
    s = Session(escort, tmp_path)
    out = attack(s, "quota")
    evs = s.close()
    for call in ("quotaoff", "setquota", "xquotarm"):
        assert f"{call} Operation not permitted" in out, out
    assert "getquota No such file or directory" in out, out
    assert "Changes how much disk space an account may use" in shown(evs), shown(evs)
    assert len(refusals(evs, "quotactl")) == 3, [e for e in evs if e["type"] == "decision"]


def test_a_root_without_those_rights_or_the_right_to_drop_them_still_starts(escort, tmp_path):
    """A container's root often has neither CAP_SYS_RAWIO, CAP_SYS_MODULE nor
    CAP_SETPCAP (which dropping them needs): the session starts all the same,
    and still without them."""
    log = tmp_path / "bounded.eslog"
    p = subprocess.run(["setpriv", "--bounding-set", "-setpcap,-sys_rawio,-sys_module", "--",
                        escort, "run", "--log", str(log), "--", PY, str(RED / "red7.py"),
                        "caps"], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                       timeout=60)
    assert p.returncode == 0, p.stderr
    inside = caps(p.stdout)
    assert inside["CapBnd"] & ((1 << SYS_MODULE) | (1 << SYS_RAWIO)) == 0, p.stdout


@pytest.fixture
def service_dir():
    """A service's folder for its socket, outside every scratch folder."""
    path = pathlib.Path("/srv") / f"escort-red7-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_FIXED_a_socket_file_outside_scratch_folders_is_held(escort, tmp_path, service_dir):
    """A Unix bind to a path makes a socket file, and was allowed wherever the
    caller could create one: root's session stood in for a service at its
    socket's name (a database's while it is down) and would have received
    what its clients send it, passwords included. Outside the folders for
    scratch work it is held like a connection (refused here: no escortd),
    however the path is written; in /tmp and the home it passes."""
    name = f"escort-red7-{uuid.uuid4().hex[:8]}.sock"
    mine = pathlib.Path(os.path.expanduser("~")) / name
    scratch = pathlib.Path("/tmp") / f"escort-red7-{uuid.uuid4().hex[:8]}.sock"
    absolute, relative = service_dir / "db.sock", f"..{service_dir}/rel.sock"
    try:
        s = Session(escort, tmp_path)
        out = attack(s, "bind", scratch, f"'~/{name}'", absolute, relative)
        evs = s.close()
        assert f"bound {scratch}" in out and f"bound {mine}" in out, out
        assert stat.S_ISSOCK(scratch.lstat().st_mode) and stat.S_ISSOCK(mine.lstat().st_mode)
    finally:
        for p in (mine, scratch):
            p.unlink(missing_ok=True)
    assert f"bind {absolute} Operation not permitted" in out, out
    assert f"bind {relative} Operation not permitted" in out, out
    assert list(service_dir.iterdir()) == [], "a socket file was made"
    text = shown(evs)
    assert f"Makes a local socket at {absolute}, outside the folders for scratch work" in text
    assert f"Makes a local socket at {service_dir}/rel.sock" in text, text
    refused = [e for e in evs if e["type"] == "decision" and e.get("change") == "bind"]
    assert sorted(e["path"] for e in refused) == [str(absolute), f"{service_dir}/rel.sock"]
    assert all(e["action"] == "deny" and e["level"] == "medium" for e in refused), refused


def test_FIXED_disk_reservations_and_self_encrypting_disk_commands_are_refused(escort, tmp_path):
    """A disk's persistent reservations (IOC_PR_*) and a self-encrypting
    disk's OPAL commands ask root's CAP_SYS_ADMIN, not a descriptor opened
    for writing: shared storage taken from another machine, the disk erased
    or locked with the session's key, through a descriptor the file gate
    never saw opened for writing (found by the round 7 red team on a loop
    device). On /dev/null the kernel says the command is not for that
    file; the gate refuses it first."""
    outside = bare("disk-owner", "/dev/null")
    assert outside.count("Inappropriate ioctl for device") == 3, outside
    s = Session(escort, tmp_path)
    out = attack(s, "disk-owner", "/dev/null")
    evs = s.close()
    for name in ("pr-register", "opal-secure-erase", "opal-revert-lsp"):
        assert f"{name} Operation not permitted" in out, out
    assert "Takes over, erases or locks the disk /dev/null" in shown(evs), shown(evs)


def test_FIXED_sctp_sockets_are_refused(escort, tmp_path):
    """An SCTP socket connects to other machines through a socket option
    (SCTP_SOCKOPT_CONNECTX; getsockopt's CONNECTX3) and listens on more
    addresses through another (BINDX_ADD): neither is a connect or bind the
    gate judges, so data could leave with nothing held. SCTP sockets are
    refused (where the kernel has no SCTP it says so instead)."""
    outside = bare("sctp").split("\n")
    assert all(line in ("sctp ok", "sctp Protocol not supported", "sctp Socket type not supported")
               for line in outside if line), outside
    s = Session(escort, tmp_path)
    out = attack(s, "sctp")
    evs = s.close()
    assert out.count("sctp Operation not permitted") == 2, out
    assert "Opens an SCTP socket" in shown(evs), shown(evs)
