"""Red team of the gate, seventh round: rights of root that reach past the
gate in the kernel's own checks (raw disk commands, modules loaded by name),
NVMe pass-through and quotas, tried as an operator with a shell, python3 and
root would.

Each attack is a real session on a real PTY, as root; the program they run is
tests/e2e/red/red7.py. Tests marked FIXED failed before the fix that came
with them."""
import os
import pathlib
import subprocess

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
