"""Sessions on enrolled hosts over TLS, between network namespaces: escortd
in one, two hosts (db1, db2) in their own, enrolled with tokens, each with
its own sshd (fleetssh.py). The operators' shells run under `escort run`
inside the hosts' namespaces: logged in through the host's sshd (the whole
session with an approval, the lock reaching both hosts) or started there
directly; the escorts' consoles on escortd's socket (from another machine:
test_fleet_login.py). Real links, cut for real."""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time

import pexpect
import pytest

from conftest import ROOT, escort_bin, events, of_type
from fleetssh import HostSshd, SshOperator
from netns import make_lab
from opshell import PROMPT, OperatorShell
from test_broker import CONFIG, ESCORT, JUNIOR, OPERATOR, make_user, victim
from test_fleet_enroll import Fleet, enroll, escortd_bin, with_key_of

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="namespaces and accounts need root")


def make_world():
    """The tests' accounts, and a directory every account may read with
    escort, escortd, the rules, logs/ and work/ (bench/fleet-lock too)."""
    for name in (OPERATOR, ESCORT, JUNIOR):
        make_user(name)
    base = tempfile.mkdtemp(prefix="escort-fleet-")
    os.chmod(base, 0o755)
    for binary in (escort_bin(), escortd_bin()):
        shutil.copy(binary, base)
    shutil.copytree(ROOT / "rules", os.path.join(base, "rules"))
    subprocess.run(["chmod", "-R", "a+rX", base], check=True)
    for d in ("logs", "work"):
        os.makedirs(os.path.join(base, d))
        os.chmod(os.path.join(base, d), 0o1777)
    return base


@pytest.fixture(scope="module")
def world():
    base = make_world()
    yield base
    shutil.rmtree(base, ignore_errors=True)


class FleetLab:
    """escortd with the tests' people and policy, two enrolled hosts."""

    def __init__(self, world, tmp, hosts_policy="", esc=ESCORT, junior=JUNIOR, extra=""):
        self.world, self.esc = world, esc
        self.lab = make_lab(hosts=2)
        config = tmp / "escortd.yaml"
        text = CONFIG.format(op=OPERATOR, esc=esc, junior=junior, timeout=60)
        if hosts_policy:  # per-host levels, by the names in the hosts' certificates
            text = text.replace("\n  rules:\n", f"\n  hosts:\n{hosts_policy}  rules:\n", 1)
        config.write_text(extra + text)  # extra: top-level keys
        self.fleet = Fleet(self.lab, tmp, config=config, rules=os.path.join(world, "rules"))
        self.dirs, self.tokens = {}, {}
        hosts = tempfile.mkdtemp(prefix="hosts-", dir=world)
        os.chmod(hosts, 0o755)
        self.hosts_dir = pathlib.Path(hosts)
        for name, ns in zip(("db1", "db2"), self.lab.hosts):
            self.dirs[name] = self.enrol(name, ns, pathlib.Path(hosts) / name)

    def enrol(self, name, ns, directory):
        token, pin = self.fleet.token(name)
        self.tokens[name] = (token, pin)
        p = enroll(self.lab, self.fleet, ns, token, pin, directory)
        assert p.returncode == 0, p.stderr + self.fleet.log()
        return self.for_operator(directory)

    @staticmethod
    def for_operator(directory):
        """escort run runs as the operator here, not set-gid (that install is
        test_fleet_host_key.py's): the operator's group may read the key."""
        subprocess.run(["chgrp", "-R", OPERATOR, str(directory)], check=True)
        os.chmod(directory, 0o750)
        if (directory / "host.key").exists():
            os.chmod(directory / "host.key", 0o640)
        return directory

    def ns(self, host):
        return self.lab.hosts[["db1", "db2"].index(host)]

    def console(self, user, *args):
        return subprocess.run(["runuser", "-u", user, "--", os.path.join(self.world, "escort"),
                               *args, "--socket", str(self.fleet.socket)],
                              capture_output=True, text=True, timeout=30)

    def sessions(self):
        p = self.console(self.esc, "sessions", "--json")
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    def wait_pending(self, deadline=15):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            p = self.console(self.esc, "pending", "--json")
            items = json.loads(p.stdout) if p.returncode == 0 else []
            if items:
                return items
            time.sleep(0.1)
        raise AssertionError("nothing became pending:\n" + self.fleet.log())

    def session_log(self, session_id):
        return str(self.fleet.state / "logs" / (session_id + ".log"))

    def verify(self, path):
        return subprocess.run([escort_bin(), "verify", "--key",
                               str(self.fleet.state / "signing.pub"), path],
                              capture_output=True, text=True, timeout=60)

    def close(self):
        self.fleet.stop()
        self.lab.close()


@pytest.fixture
def fleet_lab(world):
    base = pathlib.Path(tempfile.mkdtemp(prefix="broker-", dir=world))
    os.chmod(base, 0o755)  # the consoles' accounts reach escortd's socket in it
    f = FleetLab(world, base)
    yield f
    f.close()


class HostOperator(OperatorShell):
    """The operator's shell under escort run started in an enrolled host's
    namespace directly (no sshd: SshOperator is the one through sshd)."""

    def __init__(self, fl, host, expect_prompt=True):
        world = fl.world
        self.log = os.path.join(world, "logs", f"{host}-{time.time_ns()}.eslog")
        env = {k: v for k, v in os.environ.items() if k != "ESCORT_SOCKET"}
        env.update(PS1=PROMPT, TERM="xterm", ESCORT_RULES=os.path.join(world, "rules"),
                   ESCORT_HOST_DIR=str(fl.dirs[host]))  # the broker its enrolment wrote
        self.child = pexpect.spawn("ip", ["netns", "exec", fl.ns(host), "runuser", "-u",
                                          OPERATOR, "--", os.path.join(world, "escort"), "run",
                                          "--log", self.log, "--", "bash", "--norc",
                                          "--noprofile", "-i"],
                                   env=env, encoding="utf-8", timeout=20, dimensions=(40, 200),
                                   cwd=os.path.join(world, "work"))
        self.started(expect_prompt)


def session_of(fl, host):
    live = [s for s in fl.sessions() if s["host"] == host]
    assert len(live) == 1, fl.sessions()
    return live[0]["id"]


@pytest.fixture
def sshds(fleet_lab):
    """Each host's own sshd, in its namespace (fleetssh.py)."""
    started = {host: HostSshd(fleet_lab, host) for host in ("db1", "db2")}
    yield started
    for sshd in started.values():
        sshd.stop()


def sleeping(fl, sshds, hosts):
    """The operator logged in through the sshd of each of hosts, in `sleep
    300`, each session live at escortd (bench/fleet-lock too)."""
    ops = [SshOperator(fl, sshds[h]) for h in hosts]
    for op in ops:
        op.child.sendline("sleep 300")
    end = time.monotonic() + 15
    while sorted(s["host"] for s in fl.sessions()) != sorted(hosts):
        assert time.monotonic() < end, fl.sessions()
        time.sleep(0.02)
    return ops


def test_a_session_on_an_enrolled_host_is_approved_over_tls(fleet_lab, sshds, world):
    """The operator logs in to db1 through db1's own sshd (ForceCommand
    escort run); escortd, in another namespace, holds the rm until an
    escort approves it."""
    target = victim(world, "approved-over-tls")
    op = SshOperator(fleet_lab, sshds["db1"])
    out, status = op.run("echo everyday-$((6*7))")
    assert status == 0 and "everyday-42" in out
    session = session_of(fleet_lab, "db1")  # the certificate's name, not the host's word
    op.child.sendline(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    item = fleet_lab.wait_pending()[0]
    assert item["host"] == "db1"
    p = fleet_lab.console(ESCORT, "approve", str(item["id"]), "--note", "over tls")
    assert p.returncode == 0, p.stderr
    op.child.expect(r"==DONE0")
    op.child.expect_exact(PROMPT)
    assert not os.path.exists(os.path.join(target, "inner"))
    op.close()
    log = fleet_lab.session_log(session)
    v = fleet_lab.verify(log)
    assert v.returncode == 0, v.stdout + v.stderr
    evs = events(log)
    assert "everyday-42" in "".join(e.get("data", "") for e in of_type(evs, "output"))
    assert of_type(evs, "session-end")[0]["reason"] == "exit"
    start = of_type(evs, "session-start")[0]
    assert start["host"] == "db1" and start["user"] == OPERATOR, start
    # sshd's SSH_CONNECTION: the operator came in over the network to db1's own sshd.
    assert start["ssh_connection"].split()[2] == sshds["db1"].address, start


def test_a_lock_reaches_both_hosts(fleet_lab, sshds):
    """A lock ends the operator's sessions on both hosts and refuses a new
    one; how soon is measured by bench/fleet-lock (docs/BENCHMARKS.md)."""
    ops = sleeping(fleet_lab, sshds, ("db1", "db2"))
    started = time.monotonic()
    p = fleet_lab.console(ESCORT, "lock", OPERATOR, "--reason", "fleet-wide")
    assert p.returncode == 0, p.stderr
    for op in ops:
        op.child.expect("locked by " + ESCORT)
        op.child.expect(pexpect.EOF, timeout=10)
    print(f"lock to the end of both sessions: {time.monotonic() - started:.3f}s "
          "(measured: bench/fleet-lock)")
    again = SshOperator(fleet_lab, sshds["db2"], expect_prompt=False)
    again.child.expect("locked by " + ESCORT)
    again.child.expect(pexpect.EOF)
    assert fleet_lab.console(ESCORT, "unlock", OPERATOR).returncode == 0


def test_a_session_over_a_slow_lossy_link_is_approved_and_locked(fleet_lab, sshds, world):
    """100 ms each way and 2% of packets lost (tc netem on both ends of db2's
    link to escortd; where the kernel has no netem, a 256 kbit/s link (tc htb)
    losing 3% of its packets both ways (nftables)): the session, through
    db2's sshd, works, an approval arrives, a lock ends it soon."""
    lab, db2 = fleet_lab.lab, fleet_lab.ns("db2")
    if lab.has_netem():
        lab.netem(db2, "delay", "100ms", "loss", "2%")
    elif lab.can_throttle():
        lab.throttle(db2, "256kbit", 3)
    else:
        pytest.skip("this kernel has neither tc netem nor tc htb with nftables")
    target = victim(world, "approved-over-netem")
    op = SshOperator(fleet_lab, sshds["db2"])
    out, status = op.run("echo slow-$((6*7))", timeout=30)
    assert status == 0 and "slow-42" in out
    # 64 KiB of screen to record: a few hundred packets through the lossy link.
    out, status = op.run("head -c 49152 /dev/zero | base64 -w 100 | wc -c; "
                         "head -c 49152 /dev/zero | base64 -w 100", timeout=60)
    assert status == 0 and "66192" in out
    op.child.sendline(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf", timeout=30)
    item = fleet_lab.wait_pending(deadline=30)[0]
    assert fleet_lab.console(ESCORT, "approve", str(item["id"])).returncode == 0
    op.child.expect(r"==DONE0", timeout=30)
    op.child.expect_exact(PROMPT)
    op.child.sendline("sleep 300")
    time.sleep(0.5)
    started = time.monotonic()
    assert fleet_lab.console(ESCORT, "lock", OPERATOR, "--reason", "slow link").returncode == 0
    op.child.expect("locked by " + ESCORT, timeout=30)
    op.child.expect(pexpect.EOF, timeout=30)
    print(f"lock to the end of a session over a slow lossy link: "
          f"{time.monotonic() - started:.3f}s")
    if not lab.has_netem():
        assert lab.dropped(db2) > 0, "the throttle lost no packet: the link was not lossy"
    assert fleet_lab.console(ESCORT, "unlock", OPERATOR).returncode == 0


def test_a_revoked_hosts_session_ends_and_it_cannot_start_another(fleet_lab, sshds):
    op = SshOperator(fleet_lab, sshds["db1"])
    other = SshOperator(fleet_lab, sshds["db2"])
    op.child.sendline("sleep 300")
    time.sleep(0.5)
    started = time.monotonic()
    p = subprocess.run([escortd_bin(), "revoke-host", "db1", "--state",
                        str(fleet_lab.fleet.state), "--socket", str(fleet_lab.fleet.socket)],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    op.child.expect("host db1 is revoked")
    op.child.expect(pexpect.EOF, timeout=10)
    print(f"revoke to the end of the session: {time.monotonic() - started:.3f}s")
    again = SshOperator(fleet_lab, sshds["db1"], expect_prompt=False)
    again.child.expect(pexpect.EOF, timeout=20)
    assert "refusing the session" in again.child.before, again.child.before
    assert "certificate revoked" in again.child.before, again.child.before
    # db2 works on.
    out, status = other.run("echo still-here")
    assert status == 0 and "still-here" in out
    other.close()


def test_no_session_through_sshd_with_a_stolen_token_or_another_hosts_certificate(fleet_lab,
                                                                                   world):
    """Through db2's own sshd: db1's token, used already, enrols nothing for
    a thief on db2, and escort run there has no certificate to open a
    session with; db1's certificate rewritten to db2's key (db1's key never
    left db1) opens no session, as db1 or at all."""
    fl = fleet_lab
    token, pin = fl.tokens["db1"]
    thief = fl.hosts_dir / "thief"
    p = enroll(fl.lab, fl.fleet, fl.ns("db2"), token, pin, thief)
    assert p.returncode != 0 and "unknown, used or expired" in p.stderr, p.stderr
    thief.mkdir(exist_ok=True)  # what the thief has: no certificate
    forged = fl.hosts_dir / "forged"
    shutil.copytree(fl.dirs["db2"], forged)
    (forged / "host.crt").write_text(with_key_of((fl.dirs["db1"] / "host.crt").read_text(),
                                                 (fl.dirs["db2"] / "host.crt").read_text()))
    target = victim(world, "not-by-a-thief")
    sshd = HostSshd(fl, "db2", directory=fl.for_operator(thief))
    try:  # a shell without escortd: recorded on db2 alone, nothing approved
        op = SshOperator(fl, sshd)
        out, status = op.run(f"rm -rf {target}/inner")
        assert status != 0 and "no escort is reachable" in out, out
        op.close()
    finally:
        sshd.stop()
    assert os.path.exists(os.path.join(target, "inner"))
    sshd = HostSshd(fl, "db2", directory=fl.for_operator(forged))
    try:  # escortd's CA never signed that certificate: the handshake fails
        op = SshOperator(fl, sshd, expect_prompt=False)
        op.child.expect(pexpect.EOF, timeout=20)
        assert "refusing the session" in op.child.before, op.child.before
    finally:
        sshd.stop()
    assert fl.fleet.log().count("host db1 connected") == 0, fl.fleet.log()
    assert [s for s in fl.sessions()] == []


def test_a_host_refuses_a_broker_of_another_ca(fleet_lab, tmp_path):
    """A man in the middle with a certificate of another CA, where db1's
    sshd sends the operator's sessions: db1's escort run refuses it."""
    mitm = Fleet(fleet_lab.lab, tmp_path, port=fleet_lab.fleet.port + 1, name="mitm")
    sshd = HostSshd(fleet_lab, "db1", broker=fleet_lab.lab.broker_address(fleet_lab.ns("db1"),
                                                                          mitm.port))
    try:
        op = SshOperator(fleet_lab, sshd, expect_prompt=False)
        op.child.expect(pexpect.EOF, timeout=20)
        assert "certificate verify failed" in op.child.before, op.child.before
        assert "host db1 connected" not in mitm.log()
    finally:
        sshd.stop()
        mitm.stop()


def test_the_link_cut_and_restored_mid_session_loses_and_repeats_nothing(fleet_lab, sshds,
                                                                          world):
    """db1's link to escortd is cut (ip link set down) and restored under a
    session the operator runs through db1's sshd (over the operators'
    network, which stays up): escortd's copy has every record once."""
    target = victim(world, "refused-offline")
    op = SshOperator(fleet_lab, sshds["db1"])
    op.run("echo before-the-cut")
    session = session_of(fleet_lab, "db1")
    fleet_lab.lab.link(fleet_lab.ns("db1"), up=False)
    out, status = op.run(f"rm -rf {target}/inner")
    # Asked on a link that is already dead: refused once no answer came in 5 s.
    assert status != 0 and "escortd went away before it answered" in out, out
    assert "lost escortd (escortd did not answer in time)" in out
    assert os.path.exists(os.path.join(target, "inner"))
    out, status = op.run(f"rm -rf {target}/inner")  # escortd known lost: refused at once
    assert status != 0 and "escortd is not reachable" in out, out
    out, status = op.run("for i in 1 2 3; do echo offline-line-$i; done")
    assert status == 0 and "offline-line-3" in out
    fleet_lab.lab.link(fleet_lab.ns("db1"), up=True)
    fleet_lab.fleet.wait_for(f"the session host of {session} is back", deadline=20)
    op.run("echo after-the-cut")
    op.close()
    log = fleet_lab.session_log(session)
    v = fleet_lab.verify(log)
    assert v.returncode == 0, v.stdout + v.stderr  # no gap: every record, in order
    evs = events(log)
    start = of_type(evs, "session-start")[0]
    assert start["ssh_connection"].split()[2] == sshds["db1"].address, start  # through sshd
    output = "".join(e.get("data", "") for e in of_type(evs, "output"))
    for line in ("before-the-cut", "offline-line-1", "offline-line-3", "after-the-cut"):
        assert output.count(line + "\r\n") == 1, (line, output)  # once, not lost, not twice


def test_escortd_killed_and_restarted_mid_session_the_host_resumes_over_tls(fleet_lab, world):
    target = victim(world, "restart-over-tls")
    op = HostOperator(fleet_lab, "db1")
    op.run("echo before-$((1+1))")
    session = session_of(fleet_lab, "db1")
    fleet_lab.fleet.kill()
    out, status = op.run("echo during-$((2+2))")
    assert status == 0 and "during-4" in out
    out, status = op.run(f"rm -rf {target}/inner")
    assert status != 0 and "escortd is not reachable" in out, out
    fleet_lab.fleet.start()
    fleet_lab.fleet.wait_for(f"session {session}", deadline=20)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not any(
            s["id"] == session and s["live"] for s in fleet_lab.sessions()):
        time.sleep(0.2)
    live = [s for s in fleet_lab.sessions() if s["id"] == session]
    assert live and live[0]["live"] and live[0]["host"] == "db1", live
    op.run("echo after-$((3+3))")
    op.close()
    log = fleet_lab.session_log(session)
    v = fleet_lab.verify(log)
    assert v.returncode == 0, v.stdout + v.stderr
    output = "".join(e.get("data", "") for e in of_type(events(log), "output"))
    for marker in ("before-2", "during-4", "after-6"):
        assert marker in output, marker


def test_per_host_policy_applies_by_the_certificates_name(world):
    """db2's policy denies what is merely low risk (even the shell itself);
    db1 is not touched. The policy is found by the name escortd's CA put in
    each host's certificate."""
    base = pathlib.Path(tempfile.mkdtemp(prefix="broker-", dir=world))
    os.chmod(base, 0o755)
    fl = FleetLab(world, base, hosts_policy="    db2: {low: deny}\n")
    try:
        op = HostOperator(fl, "db1")
        out, status = op.run("cat /etc/hostname >/dev/null; echo read-$((6*7))")
        assert status == 0 and "read-42" in out, out
        denied = HostOperator(fl, "db2", expect_prompt=False)
        denied.child.expect("low risk: the policy says deny")
        denied.child.expect(pexpect.EOF)
        op.close()
    finally:
        fl.close()


def test_an_enrolled_host_refuses_sessions_while_escortd_is_unreachable(fleet_lab):
    """An enrolled host is supervised or does nothing: with escortd down, no
    session starts (it does not fall back to running unsupervised)."""
    fleet_lab.fleet.kill()
    op = HostOperator(fleet_lab, "db1", expect_prompt=False)
    op.child.expect("refusing the session")
    op.child.expect(pexpect.EOF, timeout=30)
    fleet_lab.fleet.start()


def ask_to_remove(fl, op, target):
    op.child.sendline(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    item = fl.wait_pending()[0]
    assert item["host"] == "db1"
    return item


def test_the_two_person_rule_and_clearance_hold_over_tls(fleet_lab, world):
    """The operator the host claims is an escort too (cleared for critical):
    still not for their own command; a junior's clearance does not cover a
    high-risk one. The item stays pending until a real escort answers."""
    target = victim(world, "two-person-over-tls")
    op = HostOperator(fleet_lab, "db1")
    item = ask_to_remove(fleet_lab, op, target)
    p = fleet_lab.console(OPERATOR, "approve", str(item["id"]))
    assert p.returncode == 1 and "nobody approves their own command" in p.stderr, p.stderr
    p = fleet_lab.console(JUNIOR, "approve", str(item["id"]))
    assert p.returncode == 1 and "clearance (medium) does not cover a high" in p.stderr, p.stderr
    assert [i["id"] for i in fleet_lab.wait_pending()] == [item["id"]]
    assert os.path.isdir(os.path.join(target, "inner"))
    p = fleet_lab.console(ESCORT, "deny", str(item["id"]), "--note", "two people said no")
    assert p.returncode == 0, p.stderr
    op.child.expect("refused: rm -rf")
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) != "0"
    op.child.expect_exact(PROMPT)
    assert os.path.isdir(os.path.join(target, "inner"))
    session = session_of(fleet_lab, "db1")
    op.close()
    approvals = of_type(events(fleet_lab.session_log(session)), "approval")
    assert not any(a.get("state") == "approved" for a in approvals), approvals


def test_tree_and_session_scopes_cover_later_execs_over_tls(fleet_lab, world):
    one, two = victim(world, "tree-one-tls"), victim(world, "tree-two-tls")
    again = victim(world, "session-tls")
    op = HostOperator(fleet_lab, "db1")
    # Tree: the approved shell's later rm runs without asking.
    op.child.sendline(f"sh -c 'rm -rf {one}/inner; rm -rf {two}/inner; echo tree-$((6*7))';"
                      " echo ==DONE$?")
    op.child.expect("held: sh")
    item = fleet_lab.wait_pending()[0]
    p = fleet_lab.console(ESCORT, "approve", str(item["id"]), "--scope", "tree")
    assert p.returncode == 0, p.stderr
    op.child.expect("tree-42")
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) == "0", op.child.before
    op.child.expect_exact(PROMPT)
    assert not os.path.exists(f"{one}/inner") and not os.path.exists(f"{two}/inner")
    # Outside that tree, the same kind of command asks again.
    item = ask_to_remove(fleet_lab, op, again)
    p = fleet_lab.console(ESCORT, "approve", str(item["id"]), "--scope", "session")
    assert p.returncode == 0, p.stderr
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) == "0"
    op.child.expect_exact(PROMPT)
    # Session: the same command later in the session is not asked again.
    victim(world, "session-tls")  # made again (by root: mkdir here is a held change)
    out, status = op.run(f"rm -rf {again}/inner")
    assert status == 0 and "held" not in out, out
    assert not os.path.exists(f"{again}/inner")
    assert fleet_lab.console(ESCORT, "pending", "--json").stdout.strip() in ("[]", "")
    session = session_of(fleet_lab, "db1")
    op.close()
    approvals = of_type(events(fleet_lab.session_log(session)), "approval")
    assert {a["scope"] for a in approvals if a.get("by") == f"escort {ESCORT}"} >= {
        "tree", "session"}, approvals


@pytest.fixture
def appdir():
    path = pathlib.Path("/var") / f"escort-fleet-app-{os.getpid()}-{time.time_ns()}"
    (path / "data").mkdir(parents=True)
    subprocess.run(["chown", "-R", OPERATOR, str(path)], check=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def wait_change(fl, deadline=15):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        items = [i for i in fl.wait_pending(deadline) if "change" in i]
        if items:
            return items[0]
        time.sleep(0.1)
    raise AssertionError("no change became pending:\n" + fl.fleet.log())


def test_a_path_approval_of_a_held_change_over_tls(fleet_lab, appdir):
    """A change to a file held at escortd from an enrolled host; approved
    with a path scope, the same program's later changes under that folder
    are not asked about; another command's are."""
    data = appdir / "data"
    op = HostOperator(fleet_lab, "db1")
    op.child.sendline(f"sh -c 'echo one > {data}/a.txt && echo two > {data}/b.txt"
                      " && echo written-$((6*7))'; echo ==DONE$?")
    item = wait_change(fleet_lab)
    assert item["host"] == "db1" and item["change"]["path"].startswith(str(data)), item
    p = fleet_lab.console(ESCORT, "approve", str(item["id"]), "--scope", "path", "--path",
                          str(data))
    assert p.returncode == 0, p.stderr
    op.child.expect("written-42")
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) == "0", op.child.before
    op.child.expect_exact(PROMPT)
    assert (data / "a.txt").read_text() == "one\n" and (data / "b.txt").read_text() == "two\n"
    assert json.loads(fleet_lab.console(ESCORT, "pending", "--json").stdout) == []
    # Another command, the same folder: asked again.
    op.child.sendline(f"echo later > {data}/a.txt; echo ==DONE$?")
    item = wait_change(fleet_lab)
    assert fleet_lab.console(ESCORT, "deny", str(item["id"])).returncode == 0
    op.child.expect(r"==DONE(\d+)")
    op.child.expect_exact(PROMPT)
    assert (data / "a.txt").read_text() == "one\n"
    session = session_of(fleet_lab, "db1")
    op.close()
    approvals = of_type(events(fleet_lab.session_log(session)), "approval")
    assert any(a["scope"] == "path" and str(data) in a["reason"] for a in approvals), approvals


def test_terminate_from_the_console_ends_the_remote_session(fleet_lab):
    op = HostOperator(fleet_lab, "db1")
    other = HostOperator(fleet_lab, "db2")
    op.child.sendline("sleep 300")
    time.sleep(0.5)
    session = session_of(fleet_lab, "db1")
    started = time.monotonic()
    p = fleet_lab.console(ESCORT, "terminate", session, "--note", "enough over tls")
    assert p.returncode == 0, p.stderr
    op.child.expect("ended by " + ESCORT)
    op.child.expect(pexpect.EOF, timeout=10)
    print(f"terminate to the end of a remote session: {time.monotonic() - started:.3f}s "
          "(measured: bench/fleet-lock)")
    out, status = other.run("echo db2-goes-on")  # one session, not the host's others
    assert status == 0 and "db2-goes-on" in out
    other.close()
    evs = events(fleet_lab.session_log(session))
    end = of_type(evs, "session-end")
    assert end and end[0]["reason"] != "exit", end


def test_watch_shows_a_remote_sessions_screen(fleet_lab, world):
    op = HostOperator(fleet_lab, "db1")
    op.run("printf 'remote-%s-screen\\n' vis''ible")
    watch = pexpect.spawn("runuser", ["-u", ESCORT, "--", os.path.join(world, "escort"),
                                      "watch", "--socket", str(fleet_lab.fleet.socket)],
                          env=dict(os.environ, TERM="xterm"), timeout=15,
                          dimensions=(50, 160))
    try:
        watch.expect("remote-visible-screen")  # the screen as it was (the last 64 KiB)
        op.child.sendline("echo live-$((6*7))-line")
        watch.expect("live-42-line")  # and what comes after, as it comes
        watch.send("q")
        watch.expect(pexpect.EOF)
    finally:
        watch.close(force=True)
    op.close()


def test_a_host_back_on_a_new_connection_takes_its_session_over(fleet_lab, world):
    """The host's old connection is lost without a word (its address is
    gone: no FIN, no RST ever reaches escortd), the host notices first (an
    exec gets no answer in 5 s) and comes back on a new connection while
    escortd still holds the old one: the new one gets the session, the old
    one is closed, and escortd's copy has every record once."""
    target = victim(world, "taken-over")
    op = HostOperator(fleet_lab, "db1")
    op.run("echo before-the-loss")
    session = session_of(fleet_lab, "db1")
    started = time.monotonic()
    fleet_lab.lab.readdress(fleet_lab.ns("db1"), 3)
    out, status = op.run(f"rm -rf {target}/inner")
    assert status != 0 and "escortd went away before it answered" in out, out
    out, status = op.run("for i in 1 2 3; do echo between-line-$i; done")
    assert status == 0 and "between-line-3" in out
    fleet_lab.fleet.wait_for(f"the session host of {session} is back", deadline=20)
    back = time.monotonic() - started
    assert back < 25, back  # before escortd's own 30 s of silence
    log = fleet_lab.fleet.log()
    assert "its host is back on another connection" in log, log
    assert "silent for 30 seconds" not in log, log
    # The session works on, approvals included, on the new connection.
    item = ask_to_remove(fleet_lab, op, target)
    assert fleet_lab.console(ESCORT, "approve", str(item["id"])).returncode == 0
    op.child.expect(r"==DONE0")
    op.child.expect_exact(PROMPT)
    assert not os.path.exists(os.path.join(target, "inner"))
    op.run("echo after-the-loss")
    live = [s for s in fleet_lab.sessions() if s["host"] == "db1"]
    assert [s["id"] for s in live] == [session], live
    op.close()
    path = fleet_lab.session_log(session)
    v = fleet_lab.verify(path)
    assert v.returncode == 0, v.stdout + v.stderr  # no gap
    output = "".join(e.get("data", "") for e in of_type(events(path), "output"))
    for line in ("before-the-loss", "between-line-1", "between-line-3", "after-the-loss"):
        assert output.count(line + "\r\n") == 1, (line, output)  # once: no loss, no repeat


CLAIMING_HOST = r'''
import json, socket, ssl, sys
sys.path.insert(0, sys.argv[1])
import wire
addr, directory, account, uid = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.load_verify_locations(directory + "/ca.crt")
ctx.load_cert_chain(directory + "/host.crt", directory + "/host.key")
host, port = addr.rsplit(":", 1)
s = ctx.wrap_socket(socket.create_connection((host, int(port)), timeout=10))
meta = wire.field(6, "bash") + wire.field(11, wire.host_log())
s.sendall(wire.frame(wire.HELLO, wire.uint(1, wire.PEER_SESSION) + wire.field(2, meta)
                     + wire.field(4, account) + wire.uint(5, uid)))
kind, welcome = wire.read_answer(s)
assert kind == wire.WELCOME and welcome.get(1) == [1], welcome
s.sendall(wire.exec_request(1, ["rm", "-rf", "/srv/claimed"], level=wire.LEVEL["high"]))
kind, d = wire.read_answer(s)
print(json.dumps({"kind": kind, "action": d.get(2, [0])[0]}), flush=True)
kind, d = wire.read_answer(s)  # the escort's answer
print(json.dumps({"kind": kind, "action": d.get(2, [0])[0]}), flush=True)
sys.stdin.read()
'''


def test_a_hosts_uid_claim_is_not_compared_with_the_escorts_own_uid(fleet_lab, world):
    """A uid on an enrolled host is a number on another machine: an escort
    whose uid on escortd's machine happens to be the one the remote operator
    has there is another person, and may approve (their account's name is
    what the two-person rule compares across machines)."""
    import pwd
    here = os.path.dirname(os.path.abspath(__file__))
    shutil.copy(os.path.join(here, "wire.py"), os.path.join(world, "wire.py"))
    same_uid = pwd.getpwnam(ESCORT).pw_uid
    addr = fleet_lab.lab.broker_address(fleet_lab.ns("db1"), fleet_lab.fleet.port)
    host = fleet_lab.lab.popen(fleet_lab.ns("db1"), [
        "/usr/bin/python3", "-c", CLAIMING_HOST, world, addr, str(fleet_lab.dirs["db1"]),
        OPERATOR, str(same_uid)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        first = json.loads(host.stdout.readline())
        assert first["action"] == 2, first  # ACTION_ASK: pending
        item = fleet_lab.wait_pending()[0]
        assert item["host"] == "db1" and item["operator"] == OPERATOR, item
        p = fleet_lab.console(OPERATOR, "approve", str(item["id"]))  # the same name: refused
        assert p.returncode == 1 and "nobody approves their own command" in p.stderr, p.stderr
        p = fleet_lab.console(ESCORT, "approve", str(item["id"]))
        assert p.returncode == 0, p.stderr
        answer = json.loads(host.stdout.readline())
        assert answer["action"] == 0, answer  # ACTION_ALLOW
    finally:
        host.kill()
        host.wait()

