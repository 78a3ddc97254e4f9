"""escort export: asciicast for the real asciinema, text, JSON, and damaged logs."""
import json
import subprocess

import pexpect

from conftest import events, export, session_end, session_start


def record(escort, log, script):
    subprocess.run([escort, "run", "--log", str(log), "--", "sh", "-c", script],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=30)


def test_asciicast_plays_in_real_asciinema(escort, tmp_path):
    log = tmp_path / "s.eslog"
    record(escort, log, "printf 'caf\\303\\251 \\033[1mbold\\033[0m\\n'; echo second")
    cast, _, _ = export(log, "asciicast")
    header = json.loads(cast.splitlines()[0])
    assert header["version"] == 2 and header["width"] == 80 and header["height"] == 24
    (tmp_path / "s.cast").write_bytes(cast)
    # asciinema needs a terminal (/dev/tty): give it a real one.
    shown, status = pexpect.run(f"asciinema cat {tmp_path}/s.cast", withexitstatus=True,
                                timeout=30)
    assert status == 0, shown
    assert shown.replace(b"\r\n", b"\n") == "café \033[1mbold\033[0m\nsecond\n".encode()
    played, status = pexpect.run(f"asciinema play -s 100 {tmp_path}/s.cast",
                                 withexitstatus=True, timeout=60)
    assert status == 0, played
    assert b"second" in played


def test_text_drops_terminal_control_sequences(escort, tmp_path):
    log = tmp_path / "s.eslog"
    record(escort, log, "printf '\\033]0;title\\007\\033[31mred\\033[0m\\r\\n'")
    text, _, _ = export(log, "text")
    assert text == b"red\n"


def test_json_has_every_record_in_order(escort, tmp_path):
    log = tmp_path / "s.eslog"
    record(escort, log, "echo one; exit 2")
    evs = events(log)
    assert [e["seq"] for e in evs] == list(range(len(evs)))
    assert [e["type"] for e in evs][:4] == ["mac-key", "checkpoint", "session-start", "window"]
    assert evs[-1]["type"] == "checkpoint" and evs[-1]["seal"] is True
    assert session_end(evs)["type"] == "session-end" and session_end(evs)["exit_status"] == 2


def test_damaged_log_is_reported_with_offset(escort, tmp_path):
    log = tmp_path / "s.eslog"
    record(escort, log, "echo something-long-enough-to-damage")
    data = bytearray(log.read_bytes())
    data[len(data) // 2] ^= 0x40
    log.write_bytes(bytes(data))
    out, err, rc = export(log, "json", check=False)
    assert rc == 1
    assert "offset" in err and "sequence" in err
    assert "CRC32C" in err or "out of range" in err


def test_truncated_log_reports_torn_bytes_and_keeps_the_rest(escort, tmp_path):
    log = tmp_path / "s.eslog"
    record(escort, log, "echo kept-output")
    data = log.read_bytes()
    log.write_bytes(data[:-7])
    out, err, rc = export(log, "text", check=False)
    assert rc == 1
    assert "torn bytes" in err
    assert out == b"kept-output\n"


def test_not_a_log(escort, tmp_path):
    bogus = tmp_path / "bogus"
    bogus.write_text("hello, I am not a log\n")
    _, err, rc = export(bogus, "json", check=False)
    assert rc == 1 and "not an escort session log" in err
    _, err, rc = export(tmp_path / "missing", "json", check=False)
    assert rc == 1 and "No such file" in err


def test_replay_plays_the_screen_with_its_timing(escort, tmp_path):
    import time
    log = tmp_path / "s.eslog"
    record(escort, log, "echo first-screen; sleep 1; echo second-screen")
    start = time.time()
    out, status = pexpect.run(f"{escort} replay {log}", withexitstatus=True, timeout=30)
    assert status == 0
    assert time.time() - start >= 0.8  # it waited as the session did
    text = out.replace(b"\r\n", b"\n")
    assert text.index(b"first-screen") < text.index(b"second-screen")
    assert b"exit status 0" in text
    out, status = pexpect.run(f"{escort} replay --from 5 --speed 3 {log}", withexitstatus=True,
                              timeout=30)
    assert status == 0 and b"second-screen" in out


def test_replay_errors(escort, tmp_path):
    for args in (["replay"], ["replay", "--speed", "0", "x"], ["replay", "--speed", "fast", "x"],
                 ["replay", "--from", "-1", "x"], ["replay", "a", "b"]):
        p = subprocess.run([escort] + args, capture_output=True)
        assert p.returncode == 2, args
    p = subprocess.run([escort, "replay", str(tmp_path / "missing")], capture_output=True)
    assert p.returncode == 1 and b"No such file" in p.stderr
