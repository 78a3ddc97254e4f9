"""What `escort verify` reports is covered by the signature: the seal flag
and the other fields of a checkpoint record, every segment header, how the
log ends (complete, truncated after record N, crashed and recovered), and
the session it is of. What it prints from the log cannot forge its lines."""
import base64
import json
import os
import shutil
import subprocess

import pytest

import eslog
from conftest import escort_bin


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    escort = escort_bin()
    base = tmp_path_factory.mktemp("coverage")
    keys = base / "keys"
    keys.mkdir()
    subprocess.run([escort, "keygen", "--dir", str(keys)], check=True, capture_output=True)
    p = subprocess.run([escort, "run", "--log", str(base / "a.eslog"), "--sign-key",
                        f"{keys}/signing.key", "--auditor-key", f"{keys}/auditor.pub",
                        "--epoch-seconds", "1", "--", "sh", "-c",
                        "echo one; sleep 1.2; echo two"], capture_output=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([escort, "run", "--log", str(base / "plain.eslog"), "--sign-key",
                        f"{keys}/signing.key", "--", "true"], capture_output=True, timeout=60,
                       stdin=subprocess.DEVNULL, env={**os.environ, "ESCORT_AUDITOR_KEY": ""})
    assert p.returncode == 0, p.stderr
    return {"base": base, "keys": keys}


def verify(golden, path, auditor=False, extra=()):
    keys = golden["keys"]
    args = [escort_bin(), "verify", "--key", f"{keys}/signing.pub", *extra]
    if auditor:
        args += ["--auditor-key", f"{keys}/auditor.key"]
    p = subprocess.run(args + [str(path)], capture_output=True, timeout=60, text=True)
    return p.returncode, p.stdout + p.stderr


def copy(golden, tmp_path, name="a.eslog"):
    dst = tmp_path / name
    shutil.copy(golden["base"] / name, dst)
    return dst, bytearray(dst.read_bytes())


def checkpoints(data):
    return [r for r in eslog.records(data) if r.type == 11]


def test_a_complete_log_says_so_and_names_its_session(golden):
    rc, out = verify(golden, golden["base"] / "a.eslog", auditor=True)
    assert rc == 0 and "result:     complete" in out, out
    data = (golden["base"] / "a.eslog").read_bytes()
    assert f"session:    {data[20:36].hex()}" in out
    assert f"operator:   {os.environ.get('USER', 'root')}" in out or "operator:   " in out
    assert "started:    20" in out and "ended:      20" in out


def test_a_log_cut_after_a_checkpoint_with_the_seal_bit_set_is_caught(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    cp = checkpoints(data)[1]
    assert not cp.flags & 2
    data = data[:cp.end]
    eslog.set_field(data, cp, "<H", 6, cp.flags | 2)
    eslog.fix_crc(data, cp)
    log.write_bytes(bytes(data))
    rc, out = verify(golden, log)
    assert rc == 1 and "NOT INTACT" in out, out
    assert "own fields" in out, out


def test_a_checkpoints_time_cannot_be_changed(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    last = eslog.records(data)[-1]
    eslog.set_field(data, last, "<Q", 28, last.wall + 3600 * 10**9)
    eslog.fix_crc(data, last)
    log.write_bytes(bytes(data))
    rc, out = verify(golden, log)
    assert rc == 1 and "own fields" in out, out


def test_a_log_cut_short_says_after_which_record(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    last = eslog.records(data)[-1]
    log.write_bytes(bytes(data[:last.off]))
    rc, out = verify(golden, log)
    assert rc == 1 and f"truncated after record {last.seq - 1}" in out, out


def test_a_recovered_log_says_crashed_recovered_never_intact(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    end = [r for r in eslog.records(data) if r.type == 2][0]
    log.write_bytes(bytes(data[:end.off]))
    keys = golden["keys"]
    r = subprocess.run([escort_bin(), "recover", "--sign-key", f"{keys}/signing.key",
                        "--auditor-key", f"{keys}/auditor.key", str(log)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    rc, out = verify(golden, log, auditor=True)
    assert rc == 0 and "result:     crashed, recovered" in out, out
    assert "intact" not in out.split("result:")[1]
    assert "ended:      not recorded" in out


def test_an_empty_segment_added_after_the_seal_is_caught(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    recs = eslog.records(data)
    leaves = [eslog.leaf_hash(r.leaf(data)) for r in recs]
    extra = eslog.segment_header(1, 1, bytes(data[20:36]), len(recs),
                                 eslog.tree_head(leaves), len(data))
    (tmp_path / "a.eslog.1").write_bytes(extra)
    rc, out = verify(golden, log, auditor=True)
    assert rc == 1 and "added after the log was sealed" in out, out


def test_a_segment_headers_chain_cannot_be_changed(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    end = [r for r in eslog.records(data) if r.type == 2][0]
    log.write_bytes(bytes(data[:end.off]))
    keys = golden["keys"]
    subprocess.run([escort_bin(), "recover", "--sign-key", f"{keys}/signing.key",
                    "--auditor-key", f"{keys}/auditor.pub", str(log)], check=True,
                   capture_output=True)
    seg = bytearray((tmp_path / "a.eslog.1").read_bytes())
    seg[44] ^= 1  # the chain's tree head
    seg[84:88] = eslog.crc32c(bytes(seg[:84])).to_bytes(4, "little")
    (tmp_path / "a.eslog.1").write_bytes(bytes(seg))
    rc, out = verify(golden, log)
    assert rc == 1 and "segment 1" in out, out


def test_a_log_of_another_session_is_an_error_with_session(golden):
    log = golden["base"] / "a.eslog"
    rc, out = verify(golden, log, extra=["--session", "00" * 16])
    assert rc == 1 and "not of session " + "00" * 16 in out, out
    sid = log.read_bytes()[20:36].hex()
    rc, out = verify(golden, log, extra=["--session", sid])
    assert rc == 0, out


def test_sealing_turned_off_is_caught_with_the_auditor_key(golden):
    rc, out = verify(golden, golden["base"] / "plain.eslog", auditor=True)
    assert rc == 1 and "sealing was turned off" in out, out
    rc, out = verify(golden, golden["base"] / "plain.eslog")
    assert rc == 0, out


def test_a_log_cannot_print_a_result_line(golden, tmp_path):
    vkey = (golden["keys"] / "signing.pub").read_text().strip()
    session = os.urandom(16)
    payload = eslog.encode_fields([
        ("epoch", "0"), ("sealed_key", "none"),
        ("signer", vkey + "\n\x1b[2Aresult:     intact\n"), ("signer_ephemeral", "no"),
        ("session", session.hex())])
    start = eslog.encode_fields([("user", "x\nresult:     intact\x1b]0;t\x07"),
                                 ("host", "h\x1b[1A")])
    log = tmp_path / "evil.eslog"
    log.write_bytes(eslog.segment_header(0, 0, session) + eslog.encode_record(13, 0, 0, payload) +
                    eslog.encode_record(1, 1, 0, start))
    for extra in ([], ["--key", str(golden["keys"] / "signing.pub")]):
        p = subprocess.run([escort_bin(), "verify", *extra, str(log)], capture_output=True,
                           timeout=60)
        assert p.returncode == 1
        lines = p.stdout.split(b"\n")
        assert [l for l in lines if l.startswith(b"result:")] == \
            [l for l in lines if l.startswith(b"result:     NOT INTACT")], p.stdout
        assert b"\x1b" not in p.stdout and b"\x07" not in p.stdout, p.stdout


def test_export_json_cannot_drive_the_terminal_it_is_printed_on(golden, tmp_path):
    """Strings of a log in export's JSON: ESC, BEL and the C1 controls
    (U+0080-U+009F: CSI, OSC, ST) are escaped, so a JSON printed on a
    terminal shows them as text; parsed, they mean the same."""
    session = os.urandom(16)
    payload = eslog.encode_fields([
        ("epoch", "0"), ("sealed_key", "none"), ("signer", "k\u009b2J\x1b]0;t\x07"),
        ("signer_ephemeral", "yes"), ("signer_ephemeral_why", "w\u009d0;TITLE\u009c"),
        ("session", session.hex())])
    start = eslog.encode_fields([("user", "x\u009b1A"), ("host", "h\u0090q\u009c")])
    log = tmp_path / "c1.eslog"
    log.write_bytes(eslog.segment_header(0, 0, session) + eslog.encode_record(13, 0, 0, payload) +
                    eslog.encode_record(1, 1, 0, start))
    p = subprocess.run([escort_bin(), "export", "--format", "json", str(log)],
                       capture_output=True, timeout=60)
    assert b"\\u009b2J" in p.stdout, p.stdout + p.stderr
    for raw in (b"\x1b", b"\x07", b"\xc2\x9b", b"\xc2\x9d", b"\xc2\x9c", b"\xc2\x90"):
        assert raw not in p.stdout, (raw, p.stdout)
    users = [json.loads(line).get("user") for line in p.stdout.decode().splitlines()
             if line.startswith("{")]
    assert "x\u009b1A" in users, p.stdout


def test_a_fake_failed_sync_segment_is_reported_as_unsigned(golden, tmp_path):
    """Someone without the key cuts a log before its end and adds a segment
    whose header says "after a failed sync", with a record of their own: the
    report says that no checkpoint signs that segment, not just that a sync
    failed."""
    log, data = copy(golden, tmp_path)
    end = [r for r in eslog.records(data) if r.type == 2][0]
    cut = bytearray(data[:end.off])
    log.write_bytes(bytes(cut))
    recs = eslog.records(cut)
    leaves = [eslog.leaf_hash(r.leaf(cut)) for r in recs]
    seg = eslog.segment_header(1, 1, bytes(cut[20:36]), len(recs), eslog.tree_head(leaves),
                               len(cut))
    seg += eslog.encode_record(4, recs[-1].seq + 1, recs[-1].epoch, b"FORGED output\n")
    (tmp_path / "a.eslog.1").write_bytes(seg)
    rc, out = verify(golden, log)
    assert rc == 1 and "result:     NOT INTACT" in out, out
    assert "(1 after a failed sync, 0 after recovery; 1 not signed by any checkpoint" in out, out
    rc, out = verify(golden, golden["base"] / "a.eslog")
    assert rc == 0 and "not signed by any checkpoint" not in out, out
