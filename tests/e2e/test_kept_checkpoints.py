"""Checkpoints kept apart from the log (docs/THREAT-MODEL.md, "Anchors outside
the file"): a real escortd keeps every checkpoint its session host sends, and
its own, in STATE/checkpoints/SESSION.notes; `escort verify --checkpoints`
then catches what whoever holds the host's signing.key can do to the host's
log and plain verify cannot: roll it back to an earlier copy, cut it short,
or make it again with a fresh MAC chain."""
import os
import re
import shutil
import subprocess
import time

import eslog
import pytest
from conftest import escort_bin
from test_broker import OPERATOR, Broker, world  # noqa: F401 (world is a fixture)

REC_CHECKPOINT = 11
REC_SESSION_END = 2


@pytest.fixture
def broker(world):  # noqa: F811
    b = Broker(world)
    yield b
    b.stop()
    shutil.rmtree(b.state, ignore_errors=True)


@pytest.fixture(scope="module")
def host_keys(world):  # noqa: F811
    """The session host's keys, readable by the operator: the standalone
    deployment, where the operator can sign whatever they like."""
    d = os.path.join(world, "host-keys")
    os.makedirs(d, exist_ok=True)
    subprocess.run([escort_bin(), "keygen", "--dir", d], check=True, capture_output=True)
    os.chmod(d, 0o755)
    os.chmod(os.path.join(d, "signing.key"), 0o644)
    return d


def run_session(broker, host_keys, log, script, wait=True):
    cmd = ["runuser", "-u", OPERATOR, "--", os.path.join(broker.base, "escort"), "run",
           "--socket", broker.socket, "--log", log, "--sign-key",
           os.path.join(host_keys, "signing.key"), "--", "sh", "-c", script]
    env = dict(os.environ, ESCORT_RULES=os.path.join(broker.base, "rules"))
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env, cwd=os.path.join(broker.base, "work"))
    if wait:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
    return p


def host_log(broker, name):
    return os.path.join(broker.base, "logs", f"{name}-{time.time_ns()}.eslog")


def kept_file(broker):
    d = os.path.join(broker.state, "checkpoints")
    for _ in range(100):
        files = [f for f in os.listdir(d) if f.endswith(".notes")]
        if files:
            return os.path.join(d, files[0])
        time.sleep(0.05)
    raise AssertionError("escortd kept no checkpoints: " + broker.log())


def verify(key, log, kept=None):
    args = [escort_bin(), "verify", "--key", key]
    if kept:
        args += ["--checkpoints", kept]
    p = subprocess.run(args + [log], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def recover(host_keys, log):
    p = subprocess.run([escort_bin(), "recover", "--sign-key",
                        os.path.join(host_keys, "signing.key"), log],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr


def remove_segments(log):
    for name in os.listdir(os.path.dirname(log)):
        if name.startswith(os.path.basename(log) + "."):
            os.unlink(os.path.join(os.path.dirname(log), name))


def test_kept_checkpoints_are_in_the_hosts_and_escortds_logs(broker, host_keys):
    log = host_log(broker, "kept")
    run_session(broker, host_keys, log, "echo one; sleep 1.2; echo two")
    kept = kept_file(broker)
    session = os.path.basename(kept)[:-len(".notes")]
    host_pub = os.path.join(host_keys, "signing.pub")
    status, out = verify(host_pub, log, kept)
    assert status == 0, out
    assert "result:     complete" in out and "kept:" in out, out
    # The newest the host sent covers its session-end record.
    ends = [r for r in eslog.records(open(log, "rb").read()) if r.type == REC_SESSION_END]
    assert f"the newest of {ends[0].seq + 1} records" in out, out
    # The first one signs the log's first record, its MAC key: the MAC chain is anchored.
    host_session = re.search(r"^session: +([0-9a-f]+)$", out, re.M).group(1)
    notes = open(kept).read()
    assert re.search(r"^escort/[^\n]*/" + host_session + r"\n1\n", notes, re.M), notes
    status, out = verify(os.path.join(broker.state, "signing.pub"),
                         broker.session_log(session), kept)
    assert status == 0, out
    assert "kept:" in out, out


def test_a_log_rolled_back_to_an_earlier_copy_fails(broker, host_keys):
    log = host_log(broker, "rollback")
    p = run_session(broker, host_keys, log, "echo before; sleep 2; echo after-the-copy; sleep 1.5",
                    wait=False)
    time.sleep(1.2)
    shutil.copyfile(log, log + ".copy")
    _, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    kept = kept_file(broker)
    # The operator puts the earlier copy back and closes it with their key.
    os.replace(log + ".copy", log)
    remove_segments(log)
    recover(host_keys, log)
    host_pub = os.path.join(host_keys, "signing.pub")
    status, out = verify(host_pub, log)
    assert status == 0, out  # on its own, a rolled-back log verifies
    status, out = verify(host_pub, log, kept)
    assert status == 1, out
    assert "rolled back to an earlier copy" in out, out


def test_a_log_cut_after_a_kept_checkpoint_fails(broker, host_keys):
    log = host_log(broker, "cut")
    run_session(broker, host_keys, log, "echo one; sleep 1.2; echo two")
    kept = kept_file(broker)
    data = open(log, "rb").read()
    recs = eslog.records(data)
    end = [r for r in recs if r.type == REC_SESSION_END][0]
    # Cut right before the session's end, after the checkpoints before it.
    assert any(r.type == REC_CHECKPOINT for r in recs if r.seq < end.seq)
    with open(log, "wb") as f:
        f.write(data[:end.off])
    recover(host_keys, log)
    host_pub = os.path.join(host_keys, "signing.pub")
    status, out = verify(host_pub, log)
    assert status == 0, out
    status, out = verify(host_pub, log, kept)
    assert status == 1, out
    assert "rolled back" in out, out


def test_a_log_made_again_with_the_signing_key_fails(broker, host_keys):
    log = host_log(broker, "real")
    run_session(broker, host_keys, log, "echo the-real-session")
    kept = kept_file(broker)
    # A whole new log, fresh MAC chain, signed with the same key, put in its place.
    forged = log + ".forged"
    p = subprocess.run([escort_bin(), "run", "--log", forged, "--sign-key",
                        os.path.join(host_keys, "signing.key"), "--", "sh", "-c",
                        "echo an-innocent-session"], capture_output=True, timeout=60,
                       stdin=subprocess.DEVNULL,
                       env=dict(os.environ, ESCORT_RULES=os.path.join(broker.base, "rules")))
    assert p.returncode == 0, p.stderr
    os.replace(forged, log)
    host_pub = os.path.join(host_keys, "signing.pub")
    status, out = verify(host_pub, log)
    assert status == 0, out
    status, out = verify(host_pub, log, kept)
    assert status == 1, out
    assert "none of the" in out and "is of this log" in out, out


def test_hostile_kept_checkpoint_files_are_refused(broker, host_keys, tmp_path):
    log = host_log(broker, "hostile")
    run_session(broker, host_keys, log, "echo x")
    host_pub = os.path.join(host_keys, "signing.pub")
    garbage = tmp_path / "garbage.notes"
    garbage.write_bytes(b"escort/h/x\n1\nnot base64\n\n\xe2\x80\x94 k AAAA\n\n")
    status, out = verify(host_pub, log, str(garbage))
    assert status == 1 and "malformed" in out, out
    fifo = tmp_path / "fifo.notes"
    os.mkfifo(fifo)
    status, out = verify(host_pub, log, str(fifo))
    assert status == 1 and "not a regular file" in out, out
    big = tmp_path / "big.notes"
    with open(big, "wb") as f:
        f.truncate((64 << 20) + 1)
    status, out = verify(host_pub, log, str(big))
    assert status == 1 and "larger than" in out, out
