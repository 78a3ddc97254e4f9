"""Tampering with a signed session log: every kind of change is reported by
`escort verify` with the right message. Edits are made with eslog.py the way
an attacker with write access would make them, checksums fixed up."""
import base64
import os
import shutil
import subprocess

import nacl.public
import pytest

import eslog
from conftest import escort_bin


def run_session(escort, keys, log, script, stdin=b""):
    p = subprocess.run([escort, "run", "--log", str(log), "--sign-key", f"{keys}/signing.key",
                        "--auditor-key", f"{keys}/auditor.pub", "--epoch-seconds", "1", "--",
                        "sh", "-c", script], input=stdin, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr


@pytest.fixture(scope="module")
def golden(tmp_path_factory):
    """Two recorded sessions: A spans three MAC epochs with checkpoints in
    between; B is another session with the same keys."""
    escort = escort_bin()
    base = tmp_path_factory.mktemp("tamper")
    keys = base / "keys"
    keys.mkdir()
    subprocess.run([escort, "keygen", "--dir", str(keys)], check=True, capture_output=True)
    run_session(escort, keys, base / "a.eslog",
                "cat; echo first-output; sleep 2.3; echo second-output; echo third-output",
                stdin=b"typed line one\ntyped line two\n")
    run_session(escort, keys, base / "b.eslog", "echo other-session-output; echo more")
    return {"base": base, "keys": keys}


def verify(golden, path, auditor=True):
    keys = golden["keys"]
    args = [escort_bin(), "verify", "--key", f"{keys}/signing.pub"]
    if auditor:
        args += ["--auditor-key", f"{keys}/auditor.key"]
    p = subprocess.run(args + [str(path)], capture_output=True, timeout=60, text=True)
    return p.returncode, p.stdout + p.stderr


def copy(golden, tmp_path, name="a.eslog"):
    dst = tmp_path / name
    shutil.copy(golden["base"] / name, dst)
    return dst, bytearray(dst.read_bytes())


def pick(data, kind_type, n=0):
    """The n-th record of a type (4 output, 3 input, 11 checkpoint, ...)."""
    return [r for r in eslog.records(data) if r.type == kind_type][n]


def assert_broken(golden, path, *needles, auditor=True):
    rc, out = verify(golden, path, auditor)
    assert rc == 1, out
    assert "NOT INTACT" in out, out
    for needle in needles:
        assert needle in out, out
    return out


def test_untouched_logs_are_intact(golden):
    for name in ("a.eslog", "b.eslog"):
        for auditor in (True, False):
            rc, out = verify(golden, golden["base"] / name, auditor)
            assert rc == 0 and "result:     complete" in out, out
    rc, out = verify(golden, golden["base"] / "a.eslog")
    assert "checked with the auditor key" in out and "matches --key" in out


FIELDS = {"length": 0, "type": 4, "flags": 6, "seq": 8, "epoch": 16, "mono": 20, "wall": 28,
          "payload": 36, "mac": -36, "crc": -4}


@pytest.mark.parametrize("field", FIELDS)
def test_a_flipped_bit_in_any_field_is_caught(golden, tmp_path, field):
    log, data = copy(golden, tmp_path)
    rec = pick(data, 4, 1)
    at = rec.off + FIELDS[field] if FIELDS[field] >= 0 else rec.end + FIELDS[field]
    data[at] ^= 0x04
    log.write_bytes(bytes(data))
    assert_broken(golden, log, f"offset {rec.off}")


@pytest.mark.parametrize("auditor", [True, False])
@pytest.mark.parametrize("field,fmt,offset,value", [
    ("payload", "<B", 36, 0x41), ("mono", "<Q", 20, 1), ("wall", "<Q", 28, 7),
    ("type", "<H", 4, 3)])
def test_an_edit_with_fixed_checksum_is_caught(golden, tmp_path, auditor, field, fmt, offset,
                                               value):
    log, data = copy(golden, tmp_path)
    rec = pick(data, 4, 1)
    eslog.set_field(data, rec, fmt, offset, value)
    eslog.fix_crc(data, rec)
    log.write_bytes(bytes(data))
    if auditor:
        assert_broken(golden, log, f"offset {rec.off}", "the MAC does not match")
    else:
        assert_broken(golden, log, "signed tree head does not match", auditor=False)


def test_a_changed_mac_is_caught_with_the_auditor_key(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    rec = pick(data, 3)
    data[rec.mac_off] ^= 1
    eslog.fix_crc(data, rec)
    log.write_bytes(bytes(data))
    assert_broken(golden, log, f"offset {rec.off}", "the MAC does not match")


def test_a_changed_sequence_number_is_caught(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    rec = pick(data, 4, 1)
    eslog.set_field(data, rec, "<Q", 8, rec.seq + 1)
    eslog.fix_crc(data, rec)
    log.write_bytes(bytes(data))
    assert_broken(golden, log, f"offset {rec.off}", "out of order")


def test_a_changed_epoch_is_caught(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    rec = pick(data, 4, 0)
    eslog.set_field(data, rec, "<I", 16, rec.epoch + 1)
    eslog.fix_crc(data, rec)
    log.write_bytes(bytes(data))
    assert_broken(golden, log, f"offset {rec.off}", "epoch")


def middle(data, n=0):
    recs = eslog.records(data)
    return recs[len(recs) // 2 + n]


def test_a_deleted_record_is_caught(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    rec = middle(data)
    log.write_bytes(bytes(data[:rec.off] + data[rec.end:]))
    assert_broken(golden, log, f"offset {rec.off}", "out of order")


@pytest.mark.parametrize("auditor", [True, False])
def test_a_deleted_record_with_renumbering_is_caught(golden, tmp_path, auditor):
    log, data = copy(golden, tmp_path)
    gone = middle(data)
    data = data[:gone.off] + data[gone.end:]
    for rec in eslog.records(data):
        if rec.off >= gone.off:
            eslog.set_field(data, rec, "<Q", 8, rec.seq - 1)
            eslog.fix_crc(data, rec)
    log.write_bytes(bytes(data))
    if auditor:
        assert_broken(golden, log, f"offset {gone.off}", "the MAC does not match")
    else:
        assert_broken(golden, log, "records were removed or inserted before it", auditor=False)


def test_two_swapped_records_are_caught(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    first, second = middle(data), middle(data, 1)
    assert first.end == second.off
    swapped = data[:first.off] + data[second.off:second.end] + data[first.off:first.end] + \
        data[second.end:]
    log.write_bytes(bytes(swapped))
    assert_broken(golden, log, f"offset {first.off}", "out of order")


def test_truncation_at_a_record_boundary_is_caught(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    last = eslog.records(data)[-1]
    log.write_bytes(bytes(data[:last.off]))
    assert_broken(golden, log, "is not sealed")


def test_truncation_inside_a_record_is_caught(golden, tmp_path):
    log, data = copy(golden, tmp_path)
    last = eslog.records(data)[-1]
    log.write_bytes(bytes(data[:last.off + 10]))
    out = assert_broken(golden, log, "10 torn bytes", "not sealed")
    assert "torn bytes: 10" in out


@pytest.mark.parametrize("auditor", [True, False])
def test_a_record_spliced_from_another_session_is_caught(golden, tmp_path, auditor):
    log, data = copy(golden, tmp_path)
    other = bytearray((golden["base"] / "b.eslog").read_bytes())
    foreign = pick(other, 4)
    at = pick(data, 4, 1)
    piece = bytearray(other[foreign.off:foreign.end])
    spliced = data[:at.off] + piece + data[at.off:]
    recs = [r for r in eslog.records(spliced) if r.off >= at.off]
    for i, rec in enumerate(recs):
        eslog.set_field(spliced, rec, "<Q", 8, at.seq + i)
        eslog.set_field(spliced, rec, "<I", 16, at.epoch if i == 0 else rec.epoch)
        eslog.fix_crc(spliced, rec)
    log.write_bytes(bytes(spliced))
    if auditor:
        assert_broken(golden, log, f"offset {at.off}", "the MAC does not match")
    else:
        assert_broken(golden, log, "records were removed or inserted before it", auditor=False)


def recovered_copy(golden, tmp_path, name):
    """A two-segment log: the session's tail torn off, then recovered."""
    log, data = copy(golden, tmp_path, name)
    last = eslog.records(data)[-1]
    log.write_bytes(bytes(data[:last.off + 5]))
    keys = golden["keys"]
    subprocess.run([escort_bin(), "recover", "--sign-key", f"{keys}/signing.key",
                    "--auditor-key", f"{keys}/auditor.pub", str(log)], check=True,
                   capture_output=True)
    return log


def test_a_recovered_log_verifies_and_says_what_was_lost(golden, tmp_path):
    log = recovered_copy(golden, tmp_path, "a.eslog")
    rc, out = verify(golden, log)
    assert rc == 0, out
    assert "1 after recovery" in out and "torn bytes: 5" in out
    assert (tmp_path / "a.eslog.torn").read_bytes() == \
        (golden["base"] / "a.eslog").read_bytes()[-(len(eslog.records(
            (golden["base"] / "a.eslog").read_bytes())[-1].leaf(
            (golden["base"] / "a.eslog").read_bytes())) + 36):][:5]


def test_a_replaced_segment_is_caught(golden, tmp_path):
    a_dir, b_dir = tmp_path / "a", tmp_path / "b"
    a_dir.mkdir()
    b_dir.mkdir()
    a = recovered_copy(golden, a_dir, "a.eslog")
    b = recovered_copy(golden, b_dir, "b.eslog")
    a1 = (str(a) + ".1")
    saved = open(a1, "rb").read()
    shutil.copy(str(b) + ".1", a1)
    assert_broken(golden, a, "segment 1", "another session")
    open(a1, "wb").write(saved)
    shutil.copy(b, a)
    assert_broken(golden, a, "segment 1", "another session")


def test_a_missing_segment_is_caught(golden, tmp_path):
    a = recovered_copy(golden, tmp_path, "a.eslog")
    os.unlink(a)
    os.rename(str(a) + ".1", a)
    assert_broken(golden, a, "segment 0")


def auditor_secret(golden):
    text = (golden["keys"] / "auditor.key").read_text().split()[1]
    return nacl.public.PrivateKey(base64.b64decode(text))


def epoch_keys(golden, data):
    mac_key = pick(data, 13)
    sealed = base64.b64decode(dict(eslog.fields(data, mac_key))["sealed_key"])
    key = nacl.public.SealedBox(auditor_secret(golden)).decrypt(sealed)
    keys = [key]
    for _ in range(5):
        keys.append(eslog.next_key(keys[-1]))
    return keys


def test_a_tag_made_with_a_later_epochs_key_is_named(golden, tmp_path):
    """Someone who took over the writer in epoch 2 holds epoch 2's key but
    cannot derive epoch 1's: a record of epoch 1 they forge is caught."""
    log, data = copy(golden, tmp_path)
    keys = epoch_keys(golden, data)
    rec = [r for r in eslog.records(data) if r.epoch == 1][0]
    data[rec.payload_off] ^= 1
    data[rec.mac_off:rec.mac_off + 32] = eslog.mac_tag(keys[2], rec.leaf(data))
    eslog.fix_crc(data, rec)
    log.write_bytes(bytes(data))
    assert_broken(golden, log, f"offset {rec.off}",
                  "the MAC was made with epoch 2's key, but the record says epoch 1")


def test_a_correct_mac_does_not_hide_an_edit_from_the_signed_tree(golden, tmp_path):
    """Even with the right epoch key, an edit breaks the next signed checkpoint."""
    log, data = copy(golden, tmp_path)
    keys = epoch_keys(golden, data)
    rec = pick(data, 4, 1)
    data[rec.payload_off] ^= 1
    data[rec.mac_off:rec.mac_off + 32] = eslog.mac_tag(keys[rec.epoch], rec.leaf(data))
    eslog.fix_crc(data, rec)
    log.write_bytes(bytes(data))
    assert_broken(golden, log, "signed tree head does not match")


def test_the_wrong_public_key_is_refused(golden, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    subprocess.run([escort_bin(), "keygen", "--dir", str(other)], check=True,
                   capture_output=True)
    p = subprocess.run([escort_bin(), "verify", "--key", f"{other}/signing.pub",
                        str(golden["base"] / "a.eslog")], capture_output=True, text=True)
    assert p.returncode == 1 and "not by the key given with --key" in p.stdout


def test_usage_errors(golden):
    for args in (["verify"], ["verify", "--key"], ["verify", "--bogus", "x"],
                 ["verify", "--key", "/nonexistent", "x"]):
        p = subprocess.run([escort_bin()] + args, capture_output=True)
        assert p.returncode == 2, args
