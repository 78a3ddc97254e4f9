"""escort itself is out of the session's reach: a root session sees its log,
keys, rules, index and escortd's socket as empty read-only files or folders,
cannot signal escortd, and nothing it started keeps running once it ends."""
import os
import pathlib
import pwd
import shutil
import subprocess
import tempfile
import time

import pytest
from test_broker import Broker, make_user
from test_gate import Session, python_calls, site_rules

from conftest import escort_bin, events, session_end

root_only = pytest.mark.skipif(os.geteuid() != 0, reason="a root session needs root")


@pytest.fixture
def signing_key(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    subprocess.run([escort_bin(), "keygen", "--dir", str(keys)], check=True,
                   capture_output=True)
    return keys / "signing.key"


@root_only
def test_a_root_session_finds_escorts_files_empty(escort, tmp_path, signing_key, monkeypatch):
    rules = site_rules(tmp_path)
    index = os.environ["ESCORT_INDEX"]
    monkeypatch.setenv("ESCORT_SIGN_KEY", str(signing_key))
    s = Session(escort, tmp_path, rules=rules)
    assert os.path.getsize(index) > 0 and os.path.getsize(signing_key) > 0
    for path in (index, signing_key, s.log):
        out, status = s.run(f"wc -c < {path}")
        assert status == 0 and out.split()[-1] == "0", out
    out, status = s.run(f"ls -A {rules} | wc -l")
    assert out.split()[-1] == "0", out
    out, status = s.run(f": > {s.log}")
    assert status != 0 and "Read-only file system" in out
    out, status = s.run(f"echo forged >> {signing_key}")
    assert status != 0 and "Read-only file system" in out
    out, status = s.run(f"touch {rules}/99-mine.yaml")
    assert status != 0 and "Read-only file system" in out
    # The hiding cannot be undone from inside: the gate refuses umount.
    out, status = s.run(python_calls(tmp_path, "umount.py", f"""
call("umount2", libc.umount2(b"{s.log}", 2))
"""))
    assert "umount2 rc -1 Operation not permitted" in out
    assert os.path.getsize(s.log) > 0  # the session host keeps writing it
    evs = s.close()
    assert session_end(evs)["reason"] == "exit"
    assert [e for e in evs if e["type"] == "output" and "Read-only file system" in e["data"]]
    assert not (rules / "99-mine.yaml").exists()
    v = subprocess.run([escort, "verify", "--key", str(signing_key.parent / "signing.pub"), str(s.log)],
                       capture_output=True, text=True)
    assert v.returncode == 0, v.stdout + v.stderr


@root_only
def test_escortd_cannot_be_killed_from_a_root_session(escort, tmp_path, monkeypatch):
    world = tmp_path / "broker"
    world.mkdir()
    shutil.copytree(os.path.dirname(os.environ["ESCORT_INDEX"]), world / "index")
    shutil.copytree(site_rules(tmp_path), world / "rules")
    broker = Broker(str(world), config="operators: [root]\nescorts: {root: critical}\n")
    try:
        monkeypatch.setenv("ESCORT_SOCKET", broker.socket)
        s = Session(escort, tmp_path, rules=world / "rules")
        pid = broker.proc.pid
        out, status = s.run(f"kill -9 {pid}")
        assert status != 0
        assert f"escort: refused: kill signal 9 to process {pid} (escortd)" in out
        out, status = s.run(f"wc -c < {broker.socket}")
        assert out.split()[-1] == "0"  # the socket itself is hidden
        s.close()
        assert broker.proc.poll() is None and broker.ping()
    finally:
        broker.stop()


JOB_PY = """
import signal, time
if os.fork() == 0:
    os.setsid()
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    if os.fork() == 0:
        open("{pid}", "w").write(str(os.getpid()))
        while True:
            with open("{out}", "a") as f:
                f.write("x\\n")
            time.sleep(0.2)
    os._exit(0)
"""


def jobs(tmp_path, kind, out, pid):
    if kind == "setsid-nohup":
        return python_calls(tmp_path, "job.py", JOB_PY.format(out=out, pid=pid))
    return (f"(trap '' HUP; echo $BASHPID > {pid}; while :; do echo x >> {out}; sleep 0.2; "
            f"done) >/dev/null 2>&1 & disown")


def assert_stopped_after(out, pid, started):
    """The file stops growing within a second of the session's end."""
    try:
        time.sleep(max(0, started + 1.0 - time.time()))
        size = out.stat().st_size
        time.sleep(1.0)
        assert out.stat().st_size == size, "the job kept writing after the session ended"
    finally:
        try:
            os.kill(int(pid.read_text()), 9)
        except (ProcessLookupError, ValueError, FileNotFoundError):
            pass


def wait_growing(out):
    deadline = time.time() + 10
    while not out.exists() or out.stat().st_size < 4:
        assert time.time() < deadline, "the job never started"
        time.sleep(0.05)


@pytest.mark.parametrize("kind", ["disown", "setsid-nohup"])
def test_nothing_started_in_a_session_outlives_it(escort, tmp_path, kind):
    out, pid = tmp_path / "out", tmp_path / "pid"
    s = Session(escort, tmp_path, rules=site_rules(tmp_path))
    s.run(jobs(tmp_path, kind, out, pid))
    wait_growing(out)
    evs = s.close()
    ended = time.time()
    assert_stopped_after(out, pid, ended)
    assert int(session_end(evs)["processes_ended"]) >= 1


@root_only
def test_nothing_an_account_started_outlives_its_session(escort):
    name = "escort-sweep"
    make_user(name)
    pw = pwd.getpwnam(name)
    base = pathlib.Path(tempfile.mkdtemp(prefix="escort-sweep-"))
    try:
        os.chmod(base, 0o755)
        rules = site_rules(base)
        work = base / "work"
        work.mkdir()
        os.chown(work, pw.pw_uid, pw.pw_gid)
        out, pid = work / "out", work / "pid"
        s = Session(escort, work, rules=rules, wrap=["runuser", "-u", name, "--"])
        s.run(jobs(base, "setsid-nohup", out, pid))
        wait_growing(out)
        evs = s.close()
        assert_stopped_after(out, pid, time.time())
        assert int(session_end(evs)["processes_ended"]) >= 1
    finally:
        shutil.rmtree(base, ignore_errors=True)
