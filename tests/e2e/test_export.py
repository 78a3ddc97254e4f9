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


# What a terminal shows for each (checked against libvterm's screen, and for
# the C1 controls against xterm, which decodes UTF-8 first and then takes
# U+0080..U+009F as controls): the text export must say the same, no more
# and no less.
TERMINAL_PARSING = [
    # CAN and SUB abort a sequence: what follows is text.
    ("csi aborted by CAN", "a\\033[31\\030Xb\\n", b"aXb\n"),
    ("osc aborted by SUB", "a\\033]0;title\\032Yb\\n", b"aYb\n"),
    # ESC inside a string ends it and starts a new sequence.
    ("esc ends an osc", "a\\033]0;title\\033[31mBb\\n", b"aBb\n"),
    # A line feed inside CSI is executed; the CSI goes on and swallows its final byte.
    ("line feed inside csi", "a\\033[1\\nmc\\n", b"a\nc\n"),
    # C1 controls in UTF-8: U+009B is CSI, U+009D OSC, U+009C ST.
    ("c1 csi", "a\\302\\23331mZb\\n", b"aZb\n"),
    ("c1 osc ended by c1 st", "a\\302\\2350;t\\302\\234Wb\\n", b"aWb\n"),
    ("osc ended by bel", "a\\033]0;t\\007Vb\\n", b"aVb\n"),
    ("dcs ended by st", "a\\033Pq#0\\033\\\\Ub\\n", b"aUb\n"),
]


def test_text_follows_a_terminals_parsing(escort, tmp_path):
    for name, printf, shown in TERMINAL_PARSING:
        log = tmp_path / "t.eslog"
        record(escort, log, f"printf '{printf}'")
        text, _, _ = export(log, "text")
        assert text == shown, (name, text)
        log.unlink()
