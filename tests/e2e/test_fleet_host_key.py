"""The host's key is not the operator's: escort is installed set-group-id to
escort-host, the group that alone (with root) may read /etc/escort/host
(`escort enroll --group`). The operator's session host reads the key with
that group, gives the group up for good and stays non-dumpable; the
operator's account cannot read the key, nor have escort read it for them.
The fixed directory is the enrolled host's, bind-mounted over
/etc/escort/host in a mount namespace of the session's own."""
import ctypes
import grp
import os
import pwd
import shutil
import subprocess
import time

import pexpect
import pytest

from test_broker import ESCORT, OPERATOR, PROMPT
from test_fleet_sessions import fleet_lab, session_of, victim, world  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="namespaces and accounts need root")

GROUP = "escort-host"
FIXED = "/etc/escort/host"


@pytest.fixture
def installed(fleet_lab, world):  # noqa: F811
    """escort set-group-id escort-host, db1's files given to that group."""
    if subprocess.run(["getent", "group", GROUP], capture_output=True).returncode != 0:
        subprocess.run(["groupadd", "--system", GROUP], check=True)
    sg = os.path.join(world, "escort-sg")
    shutil.copy(os.path.join(world, "escort"), sg)
    os.chown(sg, 0, grp.getgrnam(GROUP).gr_gid)
    os.chmod(sg, 0o2755)
    # db1 enrolled again, its files given to the group by escort enroll --group.
    directory = fleet_lab.dirs["db1"].parent / "db1-grouped"
    token, pin = fleet_lab.fleet.token("db1")
    broker = fleet_lab.lab.broker_address(fleet_lab.ns("db1"), fleet_lab.fleet.port)
    p = fleet_lab.lab.run(fleet_lab.ns("db1"), [sg, "enroll", "--broker", broker, "--token",
                                                token, "--pin", pin, "--group", GROUP, "--dir",
                                                str(directory)],
                          capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr + fleet_lab.fleet.log()
    made = not os.path.isdir(FIXED)
    os.makedirs(FIXED, exist_ok=True)
    yield sg, directory
    os.unlink(sg)
    if made:
        os.rmdir(FIXED)


def as_operator(argv, **kw):
    return subprocess.run(["runuser", "-u", OPERATOR, "--", *argv], capture_output=True,
                          text=True, timeout=30, **kw)


class Session:
    """The operator's shell under the set-gid escort run on db1, /etc/escort/host
    being db1's directory; env adds what the operator sets."""

    def __init__(self, fl, world, binary, directory, env=()):
        self.log = os.path.join(world, "logs", f"sg-{time.time_ns()}.eslog")
        e = {k: v for k, v in os.environ.items() if k != "ESCORT_SOCKET"}
        e.update(PS1=PROMPT, TERM="xterm", ESCORT_RULES=os.path.join(world, "rules"), **dict(env))
        script = (f"mount --bind {directory} {FIXED} && exec runuser -u {OPERATOR} -- "
                  f"{binary} run --log {self.log} -- bash --norc --noprofile -i")
        self.child = pexpect.spawn("ip", ["netns", "exec", fl.ns("db1"), "unshare", "-m",
                                          "--propagation", "private", "sh", "-c", script],
                                   env=e, encoding="utf-8", timeout=20, dimensions=(40, 200),
                                   cwd=os.path.join(world, "work"))

    def run(self, line):
        self.child.sendline(line + '; echo "=""=DONE$?"')
        self.child.expect(r"==DONE(\d+)")
        out, status = self.child.before, int(self.child.match.group(1))
        self.child.expect_exact(PROMPT)
        return out, status

    def host_pid(self):
        """The session host: escort-sg run, the operator's, child of runuser."""
        uid = pwd.getpwnam(OPERATOR).pw_uid
        for pid in os.listdir("/proc"):
            try:
                cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
                status = open(f"/proc/{pid}/status").read()
            except OSError:
                continue
            if cmd[0].endswith(b"escort-sg") and f"Uid:\t{uid}\t" in status and \
                    self.log.encode() in cmd:
                return int(pid)
        raise AssertionError("no session host")

    def close(self):
        self.child.sendline("exit")
        self.child.expect(pexpect.EOF, timeout=30)
        self.child.close()


def key_body(directory):
    """The base64 of host.key: what must appear in no output."""
    lines = open(os.path.join(directory, "host.key")).read().splitlines()
    return "".join(line for line in lines if not line.startswith("-----"))


def test_the_operator_cannot_read_the_key_yet_its_session_runs_over_tls(fleet_lab, world,  # noqa: F811
                                                                        installed):
    sg, directory = installed
    st = os.stat(os.path.join(directory, "host.key"))
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (0, grp.getgrnam(GROUP).gr_gid, 0o640)
    assert os.stat(directory).st_mode & 0o777 == 0o750
    p = as_operator(["cat", os.path.join(directory, "host.key")])
    assert p.returncode != 0 and "Permission denied" in p.stderr, p.stdout + p.stderr
    target = victim(world, "approved-set-gid")
    # What the operator names does not move the set-gid escort off the fixed directory.
    s = Session(fleet_lab, world, sg, directory,
                env={"ESCORT_HOST_DIR": "/nonexistent", "ESCORT_BROKER": "127.0.0.1:9"})
    s.child.expect_exact(PROMPT)
    out, status = s.run("echo over-tls-$((6*7))")
    assert status == 0 and "over-tls-42" in out
    assert session_of(fleet_lab, "db1")
    s.child.sendline(f"rm -rf {target}/inner; echo ==DONE$?")
    s.child.expect("held: rm -rf")
    item = fleet_lab.wait_pending()[0]
    assert item["host"] == "db1"
    assert fleet_lab.console(ESCORT, "approve", str(item["id"])).returncode == 0
    s.child.expect(r"==DONE0")
    s.child.expect_exact(PROMPT)
    assert not os.path.exists(os.path.join(target, "inner"))
    s.close()


def test_the_session_host_gave_the_group_up_and_cannot_be_read(fleet_lab, world,  # noqa: F811
                                                              installed):
    sg, directory = installed
    s = Session(fleet_lab, world, sg, directory)
    s.child.expect_exact(PROMPT)
    pid = s.host_pid()
    gid = pwd.getpwnam(OPERATOR).pw_gid
    gids = [line for line in open(f"/proc/{pid}/status") if line.startswith("Gid:")][0]
    assert gids.split()[1:] == [str(gid)] * 4, gids  # real, effective, saved, fs
    # Non-dumpable: its /proc files are root's; no memory, no ptrace, no core.
    assert os.stat(f"/proc/{pid}/mem").st_uid == 0
    p = as_operator(["cat", f"/proc/{pid}/mem"])
    assert p.returncode != 0 and "Permission denied" in p.stderr, p.stderr
    p = as_operator(["python3", "-c", f"""
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
sys.exit(0 if libc.ptrace(16, {pid}, 0, 0) == 0 else ctypes.get_errno())"""])
    assert p.returncode == 1, p.returncode  # EPERM
    # From inside its own session, asking is high risk; refused, and nothing read.
    s.child.sendline(f'cat /proc/{pid}/mem | head -c 64 | od | head -1; echo "=""=DONE$?"')
    item = fleet_lab.wait_pending()[0]
    assert fleet_lab.console(ESCORT, "deny", str(item["id"])).returncode == 0
    s.child.expect(r"==DONE(\d+)")
    s.child.expect_exact(PROMPT)
    assert "0000000" not in s.child.before
    s.close()


def test_escort_reads_nothing_for_the_operator_with_the_group(fleet_lab, world,  # noqa: F811
                                                             installed):
    sg, directory = installed
    key = os.path.join(directory, "host.key")
    body = key_body(directory)
    for argv in (["verify", key], ["export", key], ["replay", key], ["recover", key],
                 ["explain", "--file", key], ["run", "--sign-key", key, "--", "true"],
                 ["-c", f"cat {key}"], ["enroll", "--renew", "--dir", str(directory)]):
        p = as_operator([sg, *argv], stdin=subprocess.DEVNULL)
        assert body not in p.stdout + p.stderr, argv
        assert "PRIVATE KEY" not in p.stdout + p.stderr, argv
        assert p.returncode != 0, (argv, p.stdout, p.stderr)


def test_without_the_set_gid_bit_escort_run_says_it_cannot_read_the_key(fleet_lab, world,  # noqa: F811
                                                                       installed):
    _, directory = installed
    plain = os.path.join(world, "escort")
    s = Session(fleet_lab, world, plain, directory)
    s.child.expect(pexpect.EOF)
    s.child.close()
    out = s.child.before
    assert "cannot read the host's key" in out and "set-group-id" in out, out
    assert s.child.exitstatus != 0
    assert fleet_lab.sessions() == []
