"""escortd end to end: real, separate accounts for the operator and the
escorts (created here), a real escortd on a socket in a temporary directory,
sessions driven through real PTYs, and the console commands run as the
escorts. Approvals, denials, timeouts, the two-person rule, locks, a broker
killed and restarted in the middle of a session, a session host killed, and
hostile bytes on the socket."""
import json
import os
import pwd
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import types

import pexpect
import pytest
import wire
from conftest import ROOT, escort_bin, events, of_type
from opshell import PROMPT, OperatorShell

OPERATOR = "escort-t-op"
ESCORT = "escort-t-esc"     # cleared for everything
JUNIOR = "escort-t-junior"  # cleared up to medium
OUTSIDER = "escort-t-out"   # in no role at all

CONFIG = """
# test configuration
operators: [{op}, {esc}]
escorts:
  {esc}: critical
  {junior}: medium
  {op}: critical
approval_timeout: {timeout}
policy:
  levels: {{info: allow, low: allow, medium: ask, high: ask, critical: ask}}
  rules:
    destruction.shred: deny
    # This site asks about every rm and every interpreter run, whatever
    # else holds their effects (the tests use them as the held command).
    destruction.rm-files: ask
    exec.interactive-interpreter: ask
    unknown-program: ask
"""


def make_user(name):
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "-M", "-d", "/nonexistent", "-s", "/bin/bash", name],
                       check=True)


@pytest.fixture(scope="module")
def world():
    if os.geteuid() != 0:
        pytest.skip("creating the test accounts and running escortd needs root")
    for name in (OPERATOR, ESCORT, JUNIOR, OUTSIDER):
        make_user(name)
    base = tempfile.mkdtemp(prefix="escort-broker-")
    os.chmod(base, 0o755)
    shutil.copy(escort_bin(), os.path.join(base, "escort"))
    os.chmod(os.path.join(base, "escort"), 0o755)
    shutil.copytree(ROOT / "rules", os.path.join(base, "rules"))
    subprocess.run(["chmod", "-R", "a+rX", os.path.join(base, "rules")], check=True)
    for d in ("logs", "work"):
        os.makedirs(os.path.join(base, d))
        os.chmod(os.path.join(base, d), 0o1777)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def escortd_bin():
    return str(pathlib_parent(escort_bin()) / "escortd")


def pathlib_parent(p):
    import pathlib
    return pathlib.Path(p).parent


class Broker:
    def __init__(self, base, timeout=60, config=None):
        self.base = base
        self.state = os.path.join(base, "state")
        self.socket = os.path.join(base, "escortd.sock")
        self.config = os.path.join(base, "escortd.yaml")
        with open(self.config, "w") as f:
            f.write(config or CONFIG.format(op=OPERATOR, esc=ESCORT, junior=JUNIOR,
                                            timeout=timeout))
        self.proc = None
        self.start()

    def start(self):
        self.stderr = open(os.path.join(self.base, "escortd.stderr"), "ab")
        env = dict(os.environ, ESCORT_RULES=os.path.join(self.base, "rules"))
        self.proc = subprocess.Popen([escortd_bin(), "--config", self.config, "--state",
                                      self.state, "--socket", self.socket],
                                     stderr=self.stderr, env=env)
        for _ in range(200):
            if self.ping():
                return
            assert self.proc.poll() is None, self.log()
            time.sleep(0.05)
        raise AssertionError("escortd did not start: " + self.log())

    def ping(self):
        try:
            with socket.socket(socket.AF_UNIX) as s:
                s.connect(self.socket)
            return True
        except OSError:
            return False

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def log(self):
        with open(os.path.join(self.base, "escortd.stderr"), "rb") as f:
            return f.read().decode(errors="replace")

    def console(self, user, *args, input=None):
        return subprocess.run(["runuser", "-u", user, "--", os.path.join(self.base, "escort"),
                               *args, "--socket", self.socket], capture_output=True,
                              text=True, timeout=30, input=input)

    def pending(self, user=ESCORT):
        p = self.console(user, "pending", "--json")
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    def wait_pending(self, count=1, deadline=15):
        end = time.time() + deadline
        while time.time() < end:
            items = self.pending()
            if len(items) >= count:
                return items
            time.sleep(0.1)
        raise AssertionError("nothing became pending")

    def sessions(self):
        p = self.console(ESCORT, "sessions", "--json")
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)

    def session_log(self, session_id):
        return os.path.join(self.state, "logs", session_id + ".log")

    def verify(self, path):
        return subprocess.run([escort_bin(), "verify", "--key",
                               os.path.join(self.state, "signing.pub"), path],
                              capture_output=True, text=True, timeout=60)


@pytest.fixture
def broker(world):
    b = Broker(world)
    yield b
    b.stop()
    shutil.rmtree(b.state, ignore_errors=True)


class Operator(OperatorShell):
    """An interactive shell of the operator's account under escort run."""

    def __init__(self, broker, user=OPERATOR, expect_prompt=True):
        base = broker.base
        self.log = os.path.join(base, "logs", f"{user}-{time.time_ns()}.eslog")
        env = dict(os.environ, PS1=PROMPT, TERM="xterm",
                   ESCORT_RULES=os.path.join(base, "rules"))
        self.child = pexpect.spawn("runuser", ["-u", user, "--", os.path.join(base, "escort"),
                                               "run", "--socket", broker.socket, "--log",
                                               self.log, "--", "bash", "--norc",
                                               "--noprofile", "-i"],
                                   env=env, encoding="utf-8", timeout=20,
                                   dimensions=(40, 200), cwd=os.path.join(base, "work"))
        self.started(expect_prompt)


def victim(world, name):
    path = os.path.join(world, "work", name)
    os.makedirs(os.path.join(path, "inner"), exist_ok=True)
    subprocess.run(["chown", "-R", OPERATOR, path], check=True)
    return path


def ask_to_remove(op, broker, target):
    """The operator asks for a high-risk removal; returns the pending item."""
    op.send(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    return broker.wait_pending()[0]


def only_session(broker):
    live = [s for s in broker.sessions() if s["operator"] == OPERATOR]
    assert len(live) == 1, live
    return live[0]["id"]


def test_everyday_work_runs_and_escortds_signed_log_verifies(broker):
    op = Operator(broker)
    out, status = op.run("ls / >/dev/null && echo everyday-$((6*7))")
    assert status == 0 and "everyday-42" in out
    assert "escort:" not in out
    session = only_session(broker)
    op.close()
    log = broker.session_log(session)
    v = broker.verify(log)
    assert v.returncode == 0, v.stdout + v.stderr
    assert "escortd" in v.stdout  # signed by the broker's key, not the session host's
    evs = events(log)
    assert "everyday-42" in "".join(e.get("data", "") for e in of_type(evs, "output"))
    assert any(e.get("program") == "ls" for e in of_type(evs, "exec"))
    assert of_type(evs, "session-end")[0]["reason"] == "exit"


def test_approved_command_runs_and_the_approval_is_logged(broker, world):
    target = victim(world, "approve-me")
    op = Operator(broker)
    item = ask_to_remove(op, broker, target)
    assert item["argv"] == ["rm", "-rf", f"{target}/inner"]
    assert item["level"] == "high" and item["operator"] == OPERATOR
    assert item["program"] == "rm" and item["cwd"].endswith("/work")
    assert item["account"].startswith(OPERATOR + " (uid ")
    assert item["typed_line"] == f"rm -rf {target}/inner; echo ==DONE$?"
    assert len(item["ancestry"]) >= 2 and item["ancestry"][0].startswith("bash (")
    assert any(f["rule"] == "destruction.rm-recursive" for f in item["findings"])
    text = broker.console(ESCORT, "pending").stdout
    assert "[0] rm" in text and "[2] " + target + "/inner" in text
    p = broker.console(ESCORT, "approve", str(item["id"]), "--note", "planned cleanup")
    assert p.returncode == 0, p.stderr
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) == "0"
    assert not os.path.exists(f"{target}/inner")
    session = only_session(broker)
    op.close()
    approvals = of_type(events(broker.session_log(session)), "approval")
    assert approvals and approvals[0]["by"] == f"escort {ESCORT}"
    assert "planned cleanup" in approvals[0]["reason"]


def test_denied_command_is_refused_and_nothing_changes(broker, world):
    target = victim(world, "deny-me")
    op = Operator(broker)
    item = ask_to_remove(op, broker, target)
    p = broker.console(ESCORT, "deny", str(item["id"]), "--note", "not today")
    assert p.returncode == 0, p.stderr
    op.child.expect("refused: rm -rf")
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) != "0"
    assert os.path.isdir(f"{target}/inner")
    assert broker.pending() == []
    op.close()


def test_escortd_never_reads_a_script_the_operator_names(broker, world):
    """escortd runs as root: rating `sh FILE` must not read FILE and show its
    first line to the escorts. The operator cannot read the root-only file;
    escortd rates only the script text the session host sent (none here)."""
    secret = f"escortsecret{os.getpid()}"
    path = os.path.join(world, "root-only-secret")
    with open(path, "w") as f:
        f.write(f"{secret} --token\n")
    os.chown(path, 0, 0)
    os.chmod(path, 0o600)
    op = Operator(broker)
    op.send(f"sh {path}; echo ==DONE$?")
    held = op.child.expect([r"==DONE(\d+)", "held: sh"]) == 1
    shown = json.dumps(broker.pending()) + broker.console(ESCORT, "pending").stdout
    if held:  # only a rating that read the file holds it: deny, to end cleanly
        broker.console(ESCORT, "deny", str(broker.pending()[0]["id"]))
        op.child.expect(r"==DONE(\d+)")
    assert secret not in shown
    assert not held, "escortd rated the file's text: " + shown
    assert op.child.match.group(1) != "0"  # sh itself cannot read it
    session = only_session(broker)
    op.close()
    os.unlink(path)
    assert secret not in json.dumps(events(broker.session_log(session)))


def test_nobody_answers_and_the_timeout_refuses(world):
    b = Broker(world, timeout=2)
    try:
        target = victim(world, "timeout")
        op = Operator(b)
        op.send(f"rm -rf {target}/inner; echo ==DONE$?")
        op.child.expect("held: rm -rf")
        op.child.expect("no escort answered within 2 seconds", timeout=15)
        op.child.expect(r"==DONE(\d+)")
        assert op.child.match.group(1) != "0"
        assert os.path.isdir(f"{target}/inner")
        op.close()
    finally:
        b.stop()
        shutil.rmtree(b.state, ignore_errors=True)


def test_nobody_approves_their_own_command(broker, world):
    target = victim(world, "own")
    op = Operator(broker)
    item = ask_to_remove(op, broker, target)
    # The operator is an escort too in this configuration: still not for their own.
    p = broker.console(OPERATOR, "approve", str(item["id"]))
    assert p.returncode == 1
    assert "nobody approves their own command" in p.stderr
    assert broker.pending()[0]["id"] == item["id"]
    broker.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.close()


def test_clearance_must_cover_the_risk_and_critical_needs_typing(broker, world):
    target = victim(world, "clearance")
    op = Operator(broker)
    item = ask_to_remove(op, broker, target)
    p = broker.console(JUNIOR, "approve", str(item["id"]))
    assert p.returncode == 1 and "clearance (medium) does not cover a high" in p.stderr
    p = broker.console(OUTSIDER, "approve", str(item["id"]))
    assert p.returncode == 1 and "may not approve: only escorts may" in p.stderr
    broker.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")

    op.send("dd if=/dev/zero of=/dev/sdz count=0; echo ==DONE$?")
    op.child.expect("held: dd")
    item = broker.wait_pending()[0]
    assert item["level"] == "critical"
    p = broker.console(ESCORT, "approve", str(item["id"]))
    assert p.returncode == 1 and "typed confirmation" in p.stderr
    p = broker.console(ESCORT, "approve", str(item["id"]), "--confirm", "rm")
    assert p.returncode == 1
    p = broker.console(ESCORT, "approve", str(item["id"]), "--confirm", "dd")
    assert p.returncode == 0, p.stderr
    op.child.expect("approved: dd")
    # Approving the program is not approving what it does: its write to the
    # disk is asked about on its own, critical again.
    op.child.expect("held: Creates or overwrites /dev/sdz|held: Writes into /dev/sdz")
    item = [i for i in broker.wait_pending() if "change" in i][0]
    assert item["level"] == "critical" and item["change"]["path"] == "/dev/sdz"
    broker.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.close()


def test_a_rule_override_denies_without_asking(broker, world):
    target = victim(world, "shred")
    open(f"{target}/f", "w").close()
    op = Operator(broker)
    out, status = op.run(f"shred -u {target}/f")
    assert status != 0 and "refused: shred" in out
    assert os.path.exists(f"{target}/f")
    assert broker.pending() == []
    op.close()


def test_lock_ends_a_running_command_and_refuses_new_sessions(broker):
    op = Operator(broker)
    op.send("sleep 300")
    time.sleep(0.5)
    session = only_session(broker)
    started = time.monotonic()
    p = broker.console(ESCORT, "lock", OPERATOR, "--reason", "left the company")
    assert p.returncode == 0, p.stderr
    op.child.expect("locked by " + ESCORT)
    op.child.expect(pexpect.EOF, timeout=10)
    ended = time.monotonic() - started
    print(f"lock to session end: {ended:.3f}s")
    assert ended < 2.0  # the issue asks for one second; scheduling noise allowed for
    op.child.close()
    assert op.child.exitstatus != 0 or op.child.signalstatus
    again = Operator(broker, expect_prompt=False)
    again.child.expect("locked by " + ESCORT + ": left the company")
    again.child.expect(pexpect.EOF)
    locks = of_type(events(broker.session_log(session)), "lock")
    assert locks and locks[0]["reason"] == "left the company" and locks[0]["by"] == ESCORT
    assert broker.console(ESCORT, "unlock", OPERATOR).returncode == 0
    op = Operator(broker)
    op.close()


def test_terminate_ends_one_session(broker):
    op = Operator(broker)
    session = only_session(broker)
    p = broker.console(ESCORT, "terminate", session, "--note", "enough")
    assert p.returncode == 0, p.stderr
    op.child.expect("ended by " + ESCORT)
    op.child.expect(pexpect.EOF, timeout=10)


def wait_for_session(broker, deadline=20):
    end = time.time() + deadline
    while time.time() < end:
        live = [x for x in broker.sessions() if x["operator"] == OPERATOR]
        if live:
            return live[0]["id"]
        time.sleep(0.1)
    raise AssertionError("the session never reached escortd")


@pytest.mark.parametrize("verb", ["terminate", "lock"])
def test_a_client_that_stops_reading_does_not_delay_terminate_or_lock(broker, verb):
    """escort never waits on the operator (issue 14): its output pipe is full
    and nobody reads it, yet terminate and lock end the session at once."""
    rd, wr = os.pipe()  # nobody reads rd
    log = os.path.join(broker.base, "logs", f"{OPERATOR}-{time.time_ns()}.eslog")
    env = dict(os.environ, ESCORT_RULES=os.path.join(broker.base, "rules"))
    proc = subprocess.Popen(["runuser", "-u", OPERATOR, "--", os.path.join(broker.base, "escort"),
                             "run", "--socket", broker.socket, "--log", log, "--",
                             "yes", "stalled-output"], stdin=subprocess.DEVNULL, stdout=wr,
                            stderr=subprocess.DEVNULL, env=env,
                            cwd=os.path.join(broker.base, "work"))
    try:
        session = wait_for_session(broker)
        time.sleep(1)  # the pipe is full by now
        started = time.monotonic()
        if verb == "terminate":
            p = broker.console(ESCORT, "terminate", session, "--note", "stalled")
        else:
            p = broker.console(ESCORT, "lock", OPERATOR, "--reason", "stalled")
        assert p.returncode == 0, p.stderr
        proc.wait(timeout=10)
        ended = time.monotonic() - started
        print(f"{verb} to session end with a stalled client: {ended:.3f}s")
        assert ended < 2.0  # the issue asks for one second; scheduling noise allowed for
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(wr)
        os.close(rd)
        if verb == "lock":
            broker.console(ESCORT, "unlock", OPERATOR)


@pytest.mark.parametrize("how", ["kill -9", "SIGTERM"])
def test_broker_killed_and_restarted_mid_session(broker, world, how):
    target = victim(world, "restart")
    op = Operator(broker)
    out, _ = op.run("echo before-$((1+1))")
    session = only_session(broker)
    if how == "kill -9":
        broker.kill()
    else:
        broker.stop()
    # escortd is gone: everyday work goes on under the cached policy, what
    # needs approval is refused, the recording is spooled.
    out, status = op.run("ls / >/dev/null; echo during-$((2+2))")
    assert "during-4" in out and status == 0
    out, status = op.run(f"rm -rf {target}/inner")
    assert status != 0 and "escortd is not reachable" in out
    assert os.path.isdir(f"{target}/inner")
    broker.start()
    deadline = time.time() + 15
    while time.time() < deadline and not any(s["live"] for s in broker.sessions()):
        time.sleep(0.2)
    assert any(s["id"] == session and s["live"] for s in broker.sessions())
    out, _ = op.run("echo after-$((3+3))")
    op.close()
    log = broker.session_log(session)
    v = broker.verify(log)
    assert v.returncode == 0, v.stdout + v.stderr
    output = "".join(e.get("data", "") for e in of_type(events(log), "output"))
    for marker in ("before-2", "during-4", "after-6"):
        assert marker in output, marker
    assert of_type(events(log), "session-end")


def test_session_host_killed_nothing_new_runs(broker, world):
    marker = os.path.join(world, "work", "late-marker")
    op = Operator(broker)
    op.run(f"(trap '' HUP; sleep 2; touch {marker}) >/dev/null 2>&1 &")
    session = only_session(broker)
    # Only this test's session host (another run of the tests may share the account).
    host = subprocess.run(["pgrep", "-u", OPERATOR, "-f", f"escort run --socket {broker.socket}"],
                          capture_output=True, text=True).stdout.split()
    for pid in host:
        os.kill(int(pid), signal.SIGKILL)
    time.sleep(3)
    assert not os.path.exists(marker)
    deadline = time.time() + 10
    while time.time() < deadline:
        state = [s for s in broker.sessions() if s["id"] == session]
        if state and not state[0]["live"]:
            break
        time.sleep(0.2)
    assert state and not state[0]["live"]
    op.child.close(force=True)


def test_an_account_in_no_role_cannot_start_a_session(broker):
    op = Operator(broker, user=OUTSIDER, expect_prompt=False)
    op.child.expect("is not an operator in escortd's configuration")
    op.child.expect(pexpect.EOF)


def raw_connection(broker):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5)
    s.connect(broker.socket)
    return s


def closed_by_broker(s):
    try:
        while True:
            data = s.recv(65536)
            if not data:
                return True
    except (ConnectionResetError, socket.timeout):
        return False


@pytest.mark.parametrize("payload", [
    b"GET / HTTP/1.1\r\n\r\n",                                     # not a frame
    b"ES\x00\x07" + struct.pack(">I", 2),                           # another version
    b"ES\x00\x01" + struct.pack(">I", 2) + b"\x08\x02",             # the old version 1
    b"ES\x00\x02" + struct.pack(">I", 100 << 20),                   # oversized
    b"ES\x00\x02" + struct.pack(">I", 5) + b"\xff\xff\xff\xff\xff",  # does not decode
    b"ES\x00\x02" + struct.pack(">I", 4) + b"\x1a\x02\x08\x01",      # a record before hello
    wire.frame(wire.HELLO, wire.uint(1, 7)),                        # a hello of no known kind
    wire.hello_console() + wire.exec_request(1, ["ls"]),            # a console asking an exec
])
def test_malformed_frames_close_the_connection_and_escortd_lives(broker, payload):
    s = raw_connection(broker)
    s.sendall(payload)
    assert closed_by_broker(s)
    s.close()
    assert broker.proc.poll() is None
    assert broker.console(ESCORT, "sessions").returncode == 0
    assert "closed:" in broker.log() or "not expected" in broker.log()


def test_a_bad_configuration_is_refused_with_file_and_line(world):
    path = os.path.join(world, "bad.yaml")
    with open(path, "w") as f:
        f.write("operators: [a]\nescorts:\n  carol: hgh\n")
    p = subprocess.run([escortd_bin(), "--config", path, "--state",
                        os.path.join(world, "bad-state")], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 2
    assert f"{path}:3:" in p.stderr and "'hgh'" in p.stderr


def test_watch_shows_the_screen_safely_and_approves(broker, world):
    target = victim(world, "watched")
    op = Operator(broker)
    # The title text is assembled by the shell so that only the escape
    # sequence itself, never the typed line, could carry "PWNED".
    op.run(r"printf 'visible-\033]0;%s\007text\033[31m-red\n' PW''NED-TITLE")
    watch = pexpect.spawn("runuser", ["-u", ESCORT, "--", os.path.join(broker.base, "escort"),
                                      "watch", "--socket", broker.socket],
                          env=dict(os.environ, TERM="xterm"), timeout=15,
                          dimensions=(50, 160))
    watch.expect("visible-text-red")
    seen = watch.before + watch.after
    assert b"PWNED" not in seen and b"\x1b]0;" not in seen
    op.send(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    watch.expect("HIGH RISK")
    watch.expect_exact(b"[2] " + target.encode() + b"/inner")
    watch.send("T")  # approve the tree it starts
    op.child.expect("approved: rm")
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) == "0"
    watch.send("q")
    watch.expect(pexpect.EOF)
    session = only_session(broker)
    op.close()
    approvals = of_type(events(broker.session_log(session)), "approval")
    assert approvals[0]["scope"] == "tree" and approvals[0]["by"] == f"escort {ESCORT}"


def test_hidden_and_invalid_bytes_in_a_command_are_shown_to_the_escort(broker, world):
    target = victim(world, "hidden")
    op = Operator(broker)
    # An argument with invalid UTF-8 and a right-to-left override in it.
    op.send(f"rm -rf {target}/inner/$'\\xff'$'\\u202e'x; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    item = broker.wait_pending()[0]
    assert item["argv"][2].endswith("\\xff\u202ex")
    text = broker.console(ESCORT, "pending").stdout
    assert "\u202e" not in text and "<U+202E>" in text
    assert "hidden or control character" in text
    broker.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.close()


def test_a_program_that_does_not_exist_ends_the_brokers_session_too(broker):
    p = subprocess.run(["runuser", "-u", OPERATOR, "--", os.path.join(broker.base, "escort"),
                        "run", "--socket", broker.socket, "--log",
                        os.path.join(broker.base, "logs", f"missing-{time.time_ns()}.eslog"),
                        "--", "/nonexistent/program"],
                       capture_output=True, text=True, timeout=30,
                       env=dict(os.environ, ESCORT_RULES=os.path.join(broker.base, "rules")))
    assert p.returncode == 127, p.stderr
    assert broker.sessions() == []
    logs = os.listdir(os.path.join(broker.state, "logs"))
    ends = of_type(events(os.path.join(broker.state, "logs", logs[0])), "session-end")
    assert ends and ends[0]["reason"] == "exec-failed"


def test_a_console_that_does_not_read_is_dropped_and_nothing_else_suffers(broker):
    op = Operator(broker)
    session = only_session(broker)
    # An escort's console that follows the session and then never reads.
    hello = wire.hello_console()
    follow = wire.console_request("follow", 1, target=session)
    script = ("import socket, sys, time\n"
              "s = socket.socket(socket.AF_UNIX)\n"
              "s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)\n"
              f"s.connect({broker.socket!r})\n"
              f"s.sendall({hello + follow!r})\n"
              "time.sleep(300)\n")
    lazy = subprocess.Popen(["runuser", "-u", ESCORT, "--", "/usr/bin/python3", "-c", script])
    time.sleep(0.5)
    # 12 MB of output on the screen while this console reads nothing.
    op.child.maxread = 65536
    op.send("head -c 12000000 /dev/zero | tr '\\0' x; echo; echo ==DO''NE")
    op.child.expect("==DONE", timeout=180, searchwindowsize=4096)
    op.child.expect_exact(PROMPT)
    deadline = time.time() + 10
    while "does not read what escortd sends" not in broker.log() and time.time() < deadline:
        time.sleep(0.1)
    assert "does not read what escortd sends" in broker.log()
    out, status = op.run("echo still-$((2*21))")
    assert "still-42" in out
    assert broker.console(ESCORT, "sessions").returncode == 0
    lazy.kill()
    op.close()


HOSTILE_SESSION = r'''
import json, socket, sys
sys.path.insert(0, sys.argv[1])
import wire
broker_ids = json.loads(sys.argv[3])
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[2])
s.sendall(wire.hello_session())
kind, welcome = wire.read_answer(s)
assert kind == wire.WELCOME and welcome.get(1) == [1], welcome
argv = ["rm", "-rf", "/srv/hostile"]
variants = {
    "none": [],
    "some": [wire.finding(broker_ids[0], wire.LEVEL["high"])],
    "all": [wire.finding(r, wire.LEVEL["high"]) for r in broker_ids],
    "all-twice": [wire.finding(r, wire.LEVEL["low"]) for r in broker_ids * 2],
    "extra": [wire.finding(r, 2) for r in broker_ids] + [wire.finding("made.up", 2)],
    "unknown-only": [wire.finding("no.such.rule", 0), wire.finding("", 0)],
    "wrong-levels": [wire.finding(broker_ids[0], 99), wire.finding("x", -1)],
    "negative-level": [],
    "many": [wire.finding("r%d" % i, i % 5) for i in range(2000)],
}
answers = {}
for ask_id, (name, findings) in enumerate(variants.items(), 1):
    level = -7 if name == "negative-level" else (200 if name == "wrong-levels" else 0)
    s.sendall(wire.exec_request(ask_id, argv, level=level, findings=findings))
    kind, d = wire.read_frame(s)
    while kind == wire.HEARTBEAT:
        kind, d = wire.read_frame(s)
    assert kind == wire.DECISION and d[1] == [ask_id], (name, kind, d)
    answers[name] = d.get(2, [0])[0]
# Texts that once crashed escortd (65,535 backticks) or stalled it for 25 s.
for ask_id, text in ((97, "`" * 65536), (96, "'\"" * 30000)):
    s.sendall(wire.exec_request(ask_id, ["bash", "-c", text]))
    kind, d = wire.read_answer(s)
    assert kind == wire.DECISION and d[1] == [ask_id], (kind, d)
# A program name that would forge a line of escortd's log and drive its reader's terminal.
s.sendall(wire.exec_request(99, argv, program="rm\nescortd: FORGED approved by root\x1b[2J"))
kind, d = wire.read_frame(s)
while kind == wire.HEARTBEAT:
    kind, d = wire.read_frame(s)
assert kind == wire.DECISION, kind
print(json.dumps(answers), flush=True)
sys.stdin.read()  # stays connected (its approvals live) until the test is done
'''


def test_findings_that_disagree_with_escortds_never_harm_it(broker):
    """A hostile session host reports findings that disagree with escortd's in
    every way: escortd answers each, stays up, and shows sane levels."""
    explained = subprocess.run([escort_bin(), "explain", "--json", "--rules",
                                os.path.join(broker.base, "rules"), "rm -rf /srv/hostile"],
                               capture_output=True, text=True, check=True)
    ids = [f["rule"] for f in json.loads(explained.stdout)["findings"]]
    assert ids, explained.stdout
    here = os.path.dirname(os.path.abspath(__file__))
    shutil.copy(os.path.join(here, "wire.py"), os.path.join(broker.base, "wire.py"))
    os.chmod(os.path.join(broker.base, "wire.py"), 0o644)
    host = subprocess.Popen(["runuser", "-u", OPERATOR, "--", "/usr/bin/python3", "-c",
                             HOSTILE_SESSION, broker.base, broker.socket, json.dumps(ids)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = host.stdout.readline()
    assert line, host.stderr.read() + broker.log()
    answers = json.loads(line)
    assert broker.proc.poll() is None, broker.log()
    # rm -rf is high risk: asked about (or refused once too many wait), never allowed.
    assert all(a in (wire.ACTION_ASK, wire.ACTION_DENY) for a in answers.values()), answers
    pending = broker.pending()
    assert pending, broker.log()
    for item in pending:
        assert item["level"] in ("high", "critical"), item
        for f in item["findings"]:
            assert f["level"] in ("info", "low", "medium", "high", "critical"), f
    assert broker.console(ESCORT, "sessions").returncode == 0
    host.stdin.close()
    assert host.wait(timeout=30) == 0
    log = broker.log()
    assert "FORGED" in log and "\nescortd: FORGED" not in log and "\x1b" not in log


class SilentBroker(threading.Thread):
    """Answers a session's hello and its execs (allow), then, once told, goes
    silent while keeping the connection open: a half-open escortd."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.path, self.silent, self.execs = path, threading.Event(), 0
        self.server = socket.socket(socket.AF_UNIX)
        self.server.bind(path)
        os.chmod(path, 0o666)
        self.server.listen(4)

    def run(self):
        conn, _ = self.server.accept()
        kind, _ = wire.read_frame(conn)
        assert kind == wire.HELLO
        table = b"".join(wire.uint(1, wire.ACTION_ALLOW) for _ in range(5))
        conn.sendall(wire.frame(wire.WELCOME, wire.uint(1, 1) + wire.field(3, "silent0123")
                                + wire.field(5, table)))
        while True:
            try:
                kind, body = wire.read_frame(conn)
            except (EOFError, OSError):
                return
            if kind == wire.EXEC_REQUEST and not self.silent.is_set():
                self.execs += 1
                conn.sendall(wire.frame(wire.DECISION, wire.uint(1, body[1][0])
                                        + wire.uint(2, wire.ACTION_ALLOW) + wire.uint(6, 1)))


def test_a_silent_escortd_is_taken_as_gone_after_30_seconds(world):
    """The session host hears nothing from escortd (the connection stays
    open): after 30 s it treats escortd as gone and refuses what waits."""
    path = os.path.join(world, "silent.sock")
    fake = SilentBroker(path)
    fake.start()
    op = Operator(types.SimpleNamespace(base=world, socket=path))
    out, status = op.run("/bin/echo still-answered")
    assert status == 0 and "still-answered" in out and fake.execs >= 1
    fake.silent.set()
    op.send("/usr/bin/id -u; echo ==DONE$?")
    op.child.expect("silent for 30 seconds", timeout=60)
    op.child.expect(r"==DONE(\d+)", timeout=20)
    assert op.child.match.group(1) != "0"
    op.child.expect_exact(PROMPT)
    op.close()


def operator_script(broker, code, *args):
    """Runs python code as the operator with wire.py importable; returns the
    process (stdin, stdout pipes)."""
    here = os.path.dirname(os.path.abspath(__file__))
    shutil.copy(os.path.join(here, "wire.py"), os.path.join(broker.base, "wire.py"))
    os.chmod(os.path.join(broker.base, "wire.py"), 0o644)
    prelude = ("import json, socket, sys\nsys.path.insert(0, %r)\nimport wire\n" % broker.base)
    return subprocess.Popen(["runuser", "-u", OPERATOR, "--", "/usr/bin/python3", "-c",
                             prelude + code, broker.socket, *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


HUGE_ARGV = r'''
held = []
for n in range(3):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(wire.hello_session(["bash"] + ["x" * 3000] * 250))
    assert wire.read_answer(s)[0] == wire.WELCOME
    body = wire.uint(1, 1) + wire.field(3, "rm") + wire.field(3, "A" * 1900000)
    body += wire.field(4, "rm") + wire.field(4, "-rf") + wire.field(4, "/srv") + wire.field(7, "rm")
    s.sendall(wire.frame(wire.EXEC_REQUEST, body))
    kind, d = wire.read_answer(s)
    assert kind == wire.DECISION and d[2] == [wire.ACTION_ASK], d
    held.append(s)
print("held", flush=True)
sys.stdin.read()
'''


def test_requests_too_big_to_show_are_cut_and_the_console_still_answers(broker):
    """Three held requests of almost 2 MiB each, from sessions whose argv is 750 kB:
    escort pending and sessions still answer (uncut, either would pass the
    2 MiB frame limit), with the cuts marked."""
    host = operator_script(broker, HUGE_ARGV)
    assert host.stdout.readline().strip() == "held", host.stderr.read() + broker.log()
    items = broker.pending()
    assert len(items) == 3
    for item in items:
        assert item["level"] in ("high", "critical")
        assert "more bytes not shown" in item["argv"][1] and len(item["argv"][1]) < 2000
    sessions = broker.console(ESCORT, "sessions", "--json")
    assert sessions.returncode == 0, sessions.stderr
    listed = json.loads(sessions.stdout)
    assert len(listed) >= 3 and max(len(x["argv"]) for x in listed) <= 65, listed[0]["argv"][:3]
    host.stdin.close()
    assert host.wait(timeout=30) == 0


MANY_CONNECTIONS = r'''
import time
kept, refused = [], 0
for n in range(300):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.settimeout(5)
    try:
        s.sendall(wire.hello_console())
        kind, _ = wire.read_answer(s)
        kept.append(s)
    except (EOFError, OSError):
        refused += 1
print(json.dumps([len(kept), refused]), flush=True)
sys.stdin.read()
'''


def test_one_account_cannot_take_every_connection(broker):
    host = operator_script(broker, MANY_CONNECTIONS)
    line = host.stdout.readline()
    assert line, host.stderr.read()
    kept, refused = json.loads(line)
    assert kept == 256 and refused == 44, (kept, refused)
    assert broker.console(ESCORT, "sessions").returncode == 0  # others still get in
    host.stdin.close()
    assert host.wait(timeout=30) == 0


SESSION_STEPS = r'''
import time
steps = sys.argv[2].split(",")
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
resume = sys.argv[3] if len(sys.argv) > 3 else ""
if resume:
    s.sendall(wire.frame(wire.HELLO, wire.uint(1, wire.PEER_SESSION) + wire.field(3, resume)))
else:
    s.sendall(wire.hello_session())
kind, w = wire.read_answer(s)
print(json.dumps({"accepted": w.get(1, [0])[0], "session": w.get(3, [b""])[0].decode(),
                  "reason": w.get(2, [b""])[0].decode(errors="replace")}), flush=True)
for step in steps:
    if step == "record":
        s.sendall(wire.frame(wire.RECORD, wire.uint(1, 1) + wire.uint(2, 4) + wire.field(3, "out")))
    elif step == "end":
        s.sendall(wire.frame(wire.END, wire.field(3, "exit")))
    elif step == "ack":
        while True:
            kind, a = wire.read_answer(s)
            if kind == wire.ACK and a.get(2):
                break
        print("end-acked", flush=True)
    elif step == "ls":
        s.sendall(wire.exec_request(7, ["ls"]))
        kind, d = wire.read_answer(s)
        print(json.dumps({"action": d.get(2, [0])[0],
                          "reason": d.get(5, [b""])[0].decode()}), flush=True)
    elif step == "wait":
        sys.stdin.read()
'''


def session_steps(broker, steps, resume=""):
    host = operator_script(broker, SESSION_STEPS, steps, *([resume] if resume else []))
    welcome = json.loads(host.stdout.readline() or "{}")
    return host, welcome


def test_a_sealed_log_is_never_continued(broker):
    """A session sealed on disk whose database row says otherwise (a lost
    write): its resume is refused, and escortd keeps answering."""
    host, welcome = session_steps(broker, "end,ack")
    assert host.stdout.readline().strip() == "end-acked" and host.wait(timeout=10) == 0
    broker.stop()
    import sqlite3
    db = sqlite3.connect(os.path.join(broker.state, "escortd.db"))
    db.execute("UPDATE sessions SET ended = NULL WHERE id = ?", (welcome["session"],))
    db.commit()
    db.close()
    broker.start()
    again, back = session_steps(broker, "", resume=welcome["session"])
    assert back["accepted"] == 0, back
    again.wait(timeout=10)
    assert broker.console(ESCORT, "sessions").returncode == 0
    assert "is sealed" in broker.log()


def test_a_terminated_session_whose_host_ignores_it_is_ended_by_escortd(broker):
    host, welcome = session_steps(broker, "wait")
    assert welcome["accepted"] == 1
    assert broker.console(ESCORT, "terminate", welcome["session"]).returncode == 0
    deadline = time.time() + 15
    while time.time() < deadline and any(s["id"] == welcome["session"]
                                         for s in broker.sessions()):
        time.sleep(0.5)
    assert not any(s["id"] == welcome["session"] for s in broker.sessions())
    assert "did not end when told to" in broker.log()
    host.kill()
    time.sleep(0.5)
    assert broker.verify(broker.session_log(welcome["session"])).returncode == 0


def test_one_account_cannot_fill_escortd_with_sessions(broker):
    hosts = [session_steps(broker, "wait") for _ in range(65)]
    accepted = [w["accepted"] for _, w in hosts]
    assert accepted[:64] == [1] * 64 and accepted[64] == 0, accepted
    assert "sessions already" in hosts[64][1]["reason"]
    for h, _ in hosts:
        h.kill()


# The operator's program: execve("rm junk.txt") from the main thread while a
# second thread, once the exec is held, rewrites argv[1] in memory to
# "keep.txt" (same length). The escort approved removing junk.txt.
SWAP_ARGV = r'''
import ctypes, sys, threading, time
libc = ctypes.CDLL(None, use_errno=True)
arg0, arg1 = ctypes.create_string_buffer(b"rm"), ctypes.create_string_buffer(b"junk.txt")
argv = (ctypes.c_char_p * 3)(ctypes.addressof(arg0), ctypes.addressof(arg1), None)
envp = (ctypes.c_char_p * 1)(None)
def swap():
    time.sleep(float(sys.argv[1]))
    ctypes.memmove(arg1, b"keep.txt", 8)
    print("swapped-" + "argv", flush=True)
threading.Thread(target=swap, daemon=True).start()
libc.execve(b"/usr/bin/rm", argv, envp)
print("execve-failed-errno-%d" % ctypes.get_errno(), flush=True)
'''


def test_argv_changed_while_held_is_refused_after_the_approval(broker, world):
    work = os.path.join(world, "work")
    script = os.path.join(work, "swap_argv.py")
    with open(script, "w") as f:
        f.write(SWAP_ARGV)
    for name in ("junk.txt", "keep.txt"):
        with open(os.path.join(work, name), "w") as f:
            f.write(name)
        subprocess.run(["chown", OPERATOR, os.path.join(work, name)], check=True)
    os.chmod(script, 0o644)
    op = Operator(broker)
    op.send(f"/usr/bin/python3 {script} 2; echo ==DONE$?")
    op.child.expect("held: /usr/bin/python3")  # the operator's own script: asked
    p = broker.console(ESCORT, "approve", str(broker.wait_pending()[0]["id"]))
    assert p.returncode == 0, p.stderr
    op.child.expect("held: rm junk.txt")
    item = broker.wait_pending()[0]
    assert item["argv"] == ["rm", "junk.txt"]
    op.child.expect("swapped-argv")
    p = broker.console(ESCORT, "approve", str(item["id"]))
    assert p.returncode == 0, p.stderr
    op.child.expect("changed while it waited for approval")
    op.child.expect("execve-failed-errno-1")
    op.child.expect(r"==DONE(\d+)")
    assert os.path.exists(os.path.join(work, "keep.txt"))
    assert os.path.exists(os.path.join(work, "junk.txt"))
    session = only_session(broker)
    op.close()
    refusals = [e for e in of_type(events(broker.session_log(session)), "decision")
                if "changed while it waited for approval" in e.get("reason", "")]
    assert refusals and refusals[0]["action"] == "deny", refusals
    assert "its arguments" in refusals[0]["reason"]
