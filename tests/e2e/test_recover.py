"""`escort recover` signs only what it verified. An attacker who can write
the log directory but holds only the public keys appends a "recovery"
segment under a MAC key they chose and sealed to auditor.pub, adds records
to an unsealed log, or builds a whole log; the routine recovery must not
sign any of it as the session's. And recovery leaves a live session's log
alone."""
import base64
import os
import subprocess
import time

import nacl.public
import pytest

import eslog
from conftest import escort_bin, events


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("recover-keys")
    subprocess.run([escort_bin(), "keygen", "--dir", str(d)], check=True, capture_output=True)
    return d


def record_session(keys, log, script="echo real-output"):
    p = subprocess.run([escort_bin(), "run", "--log", str(log), "--sign-key",
                        f"{keys}/signing.key", "--auditor-key", f"{keys}/auditor.pub", "--",
                        "sh", "-c", script], capture_output=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr


def crashed_log(keys, tmp_path):
    """A real session's log with its sealing checkpoint cut off, as if the
    writer had died after its last signed checkpoint."""
    log = tmp_path / "s.eslog"
    record_session(keys, log)
    data = log.read_bytes()
    log.write_bytes(data[:eslog.records(data)[-1].off])
    return log


def recover(keys, log, auditor="auditor.pub"):
    return subprocess.run([escort_bin(), "recover", "--sign-key", f"{keys}/signing.key",
                           "--auditor-key", f"{keys}/{auditor}", str(log)],
                          capture_output=True, text=True, timeout=60)


def verify(keys, log):
    p = subprocess.run([escort_bin(), "verify", "--key", f"{keys}/signing.pub",
                        "--auditor-key", f"{keys}/auditor.key", str(log)],
                       capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout + p.stderr


def outputs(log):
    return "".join(e.get("data", "") for e in events(log, check=False)
                   if e["type"] == "output")


def forged_mac_key(keys, seq, epoch, session, key):
    pub = base64.b64decode((keys / "auditor.pub").read_text().split()[-1])
    sealed = nacl.public.SealedBox(nacl.public.PublicKey(pub)).encrypt(key)
    vkey = (keys / "signing.pub").read_text().strip()
    payload = eslog.encode_fields([
        ("epoch", str(epoch)), ("sealed_key", base64.b64encode(sealed).decode()),
        ("auditor", base64.b64encode(pub).decode()), ("signer", vkey),
        ("signer_ephemeral", "no"), ("session", session.hex())])
    return eslog.encode_record(13, seq, epoch, payload, key)


def forged_output(seq, epoch, key, text=b"FORGED-OUTPUT\r\n"):
    return eslog.encode_record(4, seq, epoch, text, key)


@pytest.mark.parametrize("auditor", ["auditor.pub", "auditor.key"])
def test_a_forged_recovery_segment_is_set_aside_not_signed(keys, tmp_path, auditor):
    log = crashed_log(keys, tmp_path)
    data = log.read_bytes()
    recs = eslog.records(data)
    leaves = [eslog.leaf_hash(r.leaf(data)) for r in recs]
    session = data[20:36]
    epoch = recs[-1].epoch + 1
    key = os.urandom(32)
    segment = eslog.segment_header(1, 2, session, len(recs), eslog.tree_head(leaves),
                                   len(data))
    segment += forged_mac_key(keys, len(recs), epoch, session, key)
    segment += forged_output(len(recs) + 1, epoch, key)
    (tmp_path / "s.eslog.1").write_bytes(segment)

    r = recover(keys, log, auditor)
    assert r.returncode == 0, r.stderr
    assert "FORGED-OUTPUT" not in outputs(log)
    assert "set aside unverified: 1 later segment" in r.stdout, r.stdout
    rc, out = verify(keys, log)
    assert rc == 0, out
    assert "real-output" in outputs(log)
    assert (tmp_path / "s.eslog.1.unverified").read_bytes() == segment


@pytest.mark.parametrize("auditor", ["auditor.pub", "auditor.key"])
def test_records_appended_after_the_last_checkpoint_are_set_aside(keys, tmp_path, auditor):
    log = crashed_log(keys, tmp_path)
    data = log.read_bytes()
    last = eslog.records(data)[-1]
    extra = forged_output(last.seq + 1, last.epoch, os.urandom(32))
    log.write_bytes(data + extra)

    r = recover(keys, log, auditor)
    assert r.returncode == 0, r.stderr
    assert "FORGED-OUTPUT" not in outputs(log)
    assert f"the records from {last.seq + 1} on" in r.stdout, r.stdout
    rc, out = verify(keys, log)
    assert rc == 0, out
    assert (tmp_path / "s.eslog.unverified").read_bytes() == extra


def test_a_whole_forged_log_is_refused(keys, tmp_path):
    log = tmp_path / "forged.eslog"
    session = os.urandom(16)
    key = os.urandom(32)
    start = eslog.encode_fields([("user", "root"), ("uid", "0"), ("host", "h"),
                                 ("argv", "sh")])
    forged = eslog.segment_header(0, 0, session) + forged_mac_key(keys, 0, 0, session, key) + \
        eslog.encode_record(1, 1, 0, start, key) + forged_output(2, 0, key)
    log.write_bytes(forged)

    r = recover(keys, log, "auditor.key")
    assert r.returncode != 0
    assert "none of its records is signed" in r.stderr, r.stderr
    assert log.read_bytes() == forged
    assert not os.path.exists(str(log) + ".1")
    rc, out = verify(keys, log)
    assert rc == 1, out


def test_the_log_of_a_live_session_is_not_recovered(keys, tmp_path):
    log = tmp_path / "live.eslog"
    p = subprocess.Popen([escort_bin(), "run", "--log", str(log), "--sign-key",
                          f"{keys}/signing.key", "--auditor-key", f"{keys}/auditor.pub", "--",
                          "sh", "-c", "echo started; sleep 2; echo still-alive"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    assert p.stdout.readline() == b"started\n"
    before = log.read_bytes()
    r = recover(keys, log)
    assert r.returncode != 0
    assert "being written by a live session" in r.stderr, r.stderr
    assert not os.path.exists(str(log) + ".1")
    assert log.read_bytes()[:len(before)] == before
    p.communicate(timeout=30)
    assert p.returncode == 0
    rc, out = verify(keys, log)
    assert rc == 0, out
    assert "still-alive" in outputs(log)
