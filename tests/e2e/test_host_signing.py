"""A session host without a signing key (or that does not seal its MAC keys
to an auditor key) is said on the administrator's side too: in escortd's log,
in escortd's own copy of the session, in `escort sessions` (text and JSON) and
in `escort watch`; `host_signing: required` refuses such a session. Real
escortd, real sessions (issue 15)."""
import contextlib
import json
import os
import shutil
import subprocess
import time

import pexpect
import pytest
import eslog
from conftest import ROOT, escort_bin, events, of_type
from test_broker import CONFIG, ESCORT, JUNIOR, OPERATOR, Broker, world  # noqa: F401 (fixture)


@pytest.fixture(scope="module")
def host_keys(world):  # noqa: F811
    d = os.path.join(world, "signing-host-keys")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    subprocess.run([escort_bin(), "keygen", "--dir", d], check=True, capture_output=True)
    os.chmod(d, 0o755)
    for name in ("signing.key", "auditor.pub"):
        os.chmod(os.path.join(d, name), 0o644)
    return d


def start_broker(world, extra=""):  # noqa: F811
    config = CONFIG.format(op=OPERATOR, esc=ESCORT, junior=JUNIOR, timeout=60) + extra
    return Broker(world, config=config)


@contextlib.contextmanager
def running_broker(world, extra=""):
    """escortd with extra configuration, stopped and its state removed after."""
    b = start_broker(world, extra)
    try:
        yield b
    finally:
        b.stop()
        shutil.rmtree(b.state, ignore_errors=True)


@pytest.fixture
def broker(world):  # noqa: F811
    with running_broker(world) as b:
        yield b


def session(broker, keys=None, auditor=False, seconds=30):
    """escort run as the operator; keys: the directory of signing.key (and
    auditor.pub)."""
    cmd = ["runuser", "-u", OPERATOR, "--", os.path.join(broker.base, "escort"), "run",
           "--socket", broker.socket, "--log",
           os.path.join(broker.base, "logs", f"signing-{time.time_ns()}.eslog")]
    if keys:
        cmd += ["--sign-key", os.path.join(keys, "signing.key")]
    if keys and auditor:
        cmd += ["--auditor-key", os.path.join(keys, "auditor.pub")]
    cmd += ["--", "sleep", str(seconds)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ESCORT_")}
    env["ESCORT_RULES"] = os.path.join(broker.base, "rules")
    return subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env,
                            cwd=os.path.join(broker.base, "work"))


def listed(broker, deadline=20):
    end = time.time() + deadline
    while time.time() < end:
        live = [x for x in broker.sessions() if x["operator"] == OPERATOR]
        if live:
            return live[0]
        time.sleep(0.1)
    raise AssertionError("the session never reached escortd: " + broker.log())


def end(p):
    p.kill()
    p.wait(timeout=30)


def start_record(broker, session_id):
    return of_type(events(broker.session_log(session_id), check=False), "session-start")[0]


def test_a_session_without_a_signing_key_is_said_to_escorts_and_owners(broker):
    p = session(broker)
    try:
        s = listed(broker)
        assert s["host_log"]["signing"] == "ephemeral"
        assert "signing.key" in s["host_log"]["why"]
        assert "NO SIGNING KEY" in s["host_log"]["warning"]
        text = broker.console(ESCORT, "sessions")
        assert text.returncode == 0, text.stderr
        assert "WARNING: NO SIGNING KEY on its host (there is no" in text.stdout
        log = broker.log()
        assert f"WARNING: session {s['id']} of {OPERATOR}: NO SIGNING KEY" in log
        assert "host_log" in start_record(broker, s["id"])
        assert "NO SIGNING KEY" in start_record(broker, s["id"])["host_log"]
    finally:
        end(p)


def test_a_session_with_its_signing_key_and_sealing_has_no_warning(broker, host_keys):
    p = session(broker, host_keys, auditor=True)
    try:
        s = listed(broker)
        vkey = open(os.path.join(host_keys, "signing.pub")).read().strip()
        assert s["host_log"] == {"signing": "key", "why": "", "signer": vkey, "sealed": True,
                                 "unknown_signer": False, "bad_signature": False,
                                 "warning": None}
        assert "WARNING" not in broker.console(ESCORT, "sessions").stdout
        assert f"WARNING: session {s['id']}" not in broker.log()
        # escortd's copy says which key the host's own log is to be verified with.
        assert start_record(broker, s["id"])["host_log"] == \
            f"signed with its signing key {vkey}, MAC keys sealed"
    finally:
        end(p)


def test_a_session_that_does_not_seal_is_said_too(broker, host_keys):
    p = session(broker, host_keys, auditor=False)
    try:
        s = listed(broker)
        assert s["host_log"]["signing"] == "key" and not s["host_log"]["sealed"]
        assert "does not seal MAC keys" in s["host_log"]["warning"]
        assert f"WARNING: session {s['id']} of {OPERATOR}: its host does not seal" \
            in broker.log()
    finally:
        end(p)


def test_watch_shows_the_warning(broker):
    p = session(broker)
    try:
        listed(broker)
        watch = pexpect.spawn("runuser", ["-u", ESCORT, "--",
                                          os.path.join(broker.base, "escort"), "watch",
                                          "--socket", broker.socket],
                              env=dict(os.environ, TERM="xterm"), timeout=15,
                              dimensions=(50, 200))
        watch.expect("WARNING: NO SIGNING KEY on its host")
        watch.send("q")
        watch.expect(pexpect.EOF)
    finally:
        end(p)


def test_host_signing_required_refuses_a_host_without_a_key(world, host_keys):  # noqa: F811
    with running_broker(world, "host_signing: required\n") as b:
        p = session(b, seconds=1)
        out, err = p.communicate(timeout=30)
        assert p.returncode != 0
        assert b"requires a signing key on the session host" in err
        assert b"signing.key" in err
        assert [x for x in b.sessions() if x["operator"] == OPERATOR] == []
        assert f"refused a session of {OPERATOR}: escortd requires a signing key" in b.log()
        p = session(b, host_keys, auditor=True, seconds=1)
        out, err = p.communicate(timeout=30)
        assert p.returncode == 0, err


@pytest.mark.parametrize("value", ["maybe", "[required]", "''"])
def test_host_signing_takes_only_required_or_warn(world, value):  # noqa: F811
    path = os.path.join(world, "host-signing.yaml")
    with open(path, "w") as f:
        f.write(CONFIG.format(op=OPERATOR, esc=ESCORT, junior=JUNIOR, timeout=60) +
                f"host_signing: {value}\n")
    r = subprocess.run([os.path.join(os.path.dirname(escort_bin()), "escortd"),
                        "--check-config", path], capture_output=True, text=True,
                       env=dict(os.environ, ESCORT_RULES=os.path.join(world, "rules")))
    assert r.returncode == 2
    assert "'host_signing' must be required or warn" in r.stderr


HELLOS = r'''
import json, socket, sys
sys.path.insert(0, sys.argv[1])
import wire
variants = {
    "no-host-log": None,
    "unspecified": wire.host_log(wire.SIGNING_UNSPECIFIED, "x"),
    "unknown": wire.host_log(7, sealed=True),
    "negative": wire.host_log(-1, sealed=True),
    "ephemeral-no-why": wire.host_log(wire.SIGNING_EPHEMERAL),
    "ephemeral-forged-why": wire.host_log(
        wire.SIGNING_EPHEMERAL, "x\nescortd: FORGED all is well\x1b[2J"),
    "key": wire.host_log(wire.SIGNING_KEY, sealed=True),
}
answers = {}
for name, hl in variants.items():
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(sys.argv[2])
    s.sendall(wire.hello_session(host_log=hl))
    kind, welcome = wire.read_answer(s)
    answers[name] = [welcome.get(1) == [1], (welcome.get(2) or [b""])[0].decode()]
    s.close()
print(json.dumps(answers), flush=True)
'''


def test_a_host_that_does_not_say_or_says_nonsense_counts_as_unsigned(world):  # noqa: F811
    """What a hostile or older session host says in its Hello is never taken
    as a signing key unless it says SIGNING_KEY; its words cannot forge a line
    of escortd's log."""
    with running_broker(world, "host_signing: required\n") as b:
        here = os.path.dirname(os.path.abspath(__file__))
        shutil.copy(os.path.join(here, "wire.py"), os.path.join(b.base, "wire.py"))
        os.chmod(os.path.join(b.base, "wire.py"), 0o644)
        r = subprocess.run(["runuser", "-u", OPERATOR, "--", "/usr/bin/python3", "-c", HELLOS,
                            b.base, b.socket], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr + b.log()
        answers = json.loads(r.stdout)
        assert answers.pop("key")[0] is True
        for name, (accepted, reason) in answers.items():
            assert not accepted, name
            assert "requires a signing key" in reason, (name, reason)
        assert "did not say" in answers["no-host-log"][1]
        log = b.log()
        assert "FORGED" in log and "\nescortd: FORGED" not in log and "\x1b" not in log


def test_the_warning_survives_a_restart_of_escortd(broker):
    """A session escortd revives after a restart is said again, with the
    host's own reason: a resuming hello says how the host signs too."""
    p = session(broker, seconds=60)
    try:
        first = listed(broker)
        broker.kill()
        broker.start()
        deadline = time.time() + 20
        again = None
        while time.time() < deadline and again is None:
            again = next((x for x in broker.sessions()
                          if x["id"] == first["id"] and x["live"]), None)
            time.sleep(0.2)
        assert again, broker.log()
        assert again["host_log"] == first["host_log"]
        assert "there is no" in again["host_log"]["why"]
        restarted = broker.log().rsplit("continues after a restart", 1)[1]
        assert f"WARNING: session {first['id']} of {OPERATOR}: NO SIGNING KEY" in restarted
    finally:
        end(p)


@pytest.fixture(scope="module")
def own_keys(world):  # noqa: F811
    """A key pair the operator made: what a host without the real key could
    sign with if it may choose its key."""
    d = os.path.join(world, "operators-own-keys")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    subprocess.run([escort_bin(), "keygen", "--dir", d], check=True, capture_output=True)
    os.chmod(d, 0o755)
    for name in ("signing.key", "auditor.pub"):
        os.chmod(os.path.join(d, name), 0o644)
    return d


def known_hosts(world, host_keys):  # noqa: F811
    d = os.path.join(world, "known-host-keys")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    shutil.copy(os.path.join(host_keys, "signing.pub"), os.path.join(d, "host1.pub"))
    return d


def test_host_keys_pins_the_keys_a_host_may_sign_with(world, host_keys, own_keys):  # noqa: F811
    """With host_keys, a host that signs with a key of its own choosing is no
    better than one without a key: said, and refused by host_signing: required."""
    pinned = f"host_keys: {known_hosts(world, host_keys)}\n"
    with running_broker(world, pinned) as b:
        p = session(b, own_keys, auditor=True)
        try:
            s = listed(b)
            assert s["host_log"]["signing"] == "key" and s["host_log"]["unknown_signer"]
            assert "a key escortd does not know" in s["host_log"]["warning"]
            assert f"WARNING: session {s['id']} of {OPERATOR}: its host signs with a key " \
                "escortd does not know" in b.log()
        finally:
            end(p)
    with running_broker(world, pinned + "host_signing: required\n") as b:
        p = session(b, own_keys, auditor=True, seconds=1)
        out, err = p.communicate(timeout=30)
        assert p.returncode != 0 and b"signs with a key escortd does not know" in err, err
        p = session(b, host_keys, auditor=True, seconds=1)
        out, err = p.communicate(timeout=30)
        assert p.returncode == 0, err


@pytest.mark.parametrize("case", ["missing", "empty", "secret"])
def test_host_keys_that_cannot_be_used_are_refused(world, host_keys, case):  # noqa: F811
    d = os.path.join(world, f"host-keys-{case}")
    shutil.rmtree(d, ignore_errors=True)
    if case != "missing":
        os.makedirs(d)
    if case == "secret":
        shutil.copy(os.path.join(host_keys, "signing.key"), os.path.join(d, "host1.pub"))
    path = os.path.join(world, "host-keys.yaml")
    with open(path, "w") as f:
        f.write(CONFIG.format(op=OPERATOR, esc=ESCORT, junior=JUNIOR, timeout=60) +
                f"host_keys: {d}\n")
    r = subprocess.run([os.path.join(os.path.dirname(escort_bin()), "escortd"),
                        "--check-config", path], capture_output=True, text=True,
                       env=dict(os.environ, ESCORT_RULES=os.path.join(world, "rules")))
    assert r.returncode == 2, r.stdout + r.stderr
    assert {"missing": "cannot read the directory", "empty": "holds no *.pub key",
            "secret": "is a secret key"}[case] in r.stderr, r.stderr


NAMES_ONE_SIGNS_WITH_ANOTHER = r'''
import socket, sys, time
sys.path.insert(0, sys.argv[1])
import wire
signer, note = sys.argv[3], bytes.fromhex(sys.argv[4])
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[2])
s.sendall(wire.hello_session(host_log=wire.host_log(wire.SIGNING_KEY, sealed=True) +
                             wire.field(4, signer)))
kind, welcome = wire.read_answer(s)
assert kind == wire.WELCOME and welcome.get(1) == [1], welcome
s.sendall(wire.frame(wire.RECORD, wire.uint(1, 1) + wire.uint(2, 11) + wire.field(3, note)))
print("sent", flush=True)
sys.stdin.read()
'''


def checkpoint_note(keys, tmp_path):
    """A real checkpoint note signed by keys' signing.key."""
    log = tmp_path / "other.eslog"
    subprocess.run([escort_bin(), "run", "--log", str(log), "--sign-key",
                    os.path.join(keys, "signing.key"), "--", "true"], check=True,
                   capture_output=True, stdin=subprocess.DEVNULL, timeout=60,
                   env=dict(os.environ, ESCORT_RULES=os.path.join(ROOT, "rules")))
    data = bytearray(log.read_bytes())
    cp = [r for r in eslog.records(data) if r.type == 11][0]
    return bytes(data[cp.payload_off:cp.mac_off])


@pytest.mark.parametrize("named", ["other", "own"])
def test_checkpoints_not_signed_by_the_named_key_are_not_kept(broker, host_keys, own_keys,
                                                              tmp_path, named):
    note = checkpoint_note(own_keys, tmp_path)
    assert b"\n\n" in note, note
    key_dir = host_keys if named == "other" else own_keys
    vkey = open(os.path.join(key_dir, "signing.pub")).read().strip()
    here = os.path.dirname(os.path.abspath(__file__))
    shutil.copy(os.path.join(here, "wire.py"), os.path.join(broker.base, "wire.py"))
    os.chmod(os.path.join(broker.base, "wire.py"), 0o644)
    host = subprocess.Popen(["runuser", "-u", OPERATOR, "--", "/usr/bin/python3", "-c",
                             NAMES_ONE_SIGNS_WITH_ANOTHER, broker.base, broker.socket, vkey,
                             note.hex()], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert host.stdout.readline() == "sent\n", host.stderr.read() + broker.log()
        s = listed(broker)
        kept = os.path.join(broker.state, "checkpoints", s["id"] + ".notes")
        deadline = time.time() + 10
        while time.time() < deadline:
            if named == "other" and "not signed by the key it named" in broker.log():
                break
            if named == "own" and os.path.exists(kept) and note in open(kept, "rb").read():
                break
            time.sleep(0.1)
        s = listed(broker)
        notes = open(kept, "rb").read() if os.path.exists(kept) else b""
        if named == "other":
            assert f"WARNING: session {s['id']} of {OPERATOR}: its host sent a checkpoint " \
                f"not signed by the key it named ({vkey})" in broker.log()
            assert s["host_log"]["bad_signature"] and \
                "not signed by the key it named" in s["host_log"]["warning"]
            assert note not in notes
        else:
            assert note in notes and not s["host_log"]["bad_signature"], broker.log()
            assert s["host_log"]["warning"] is None
    finally:
        host.stdin.close()
        host.wait(timeout=30)
