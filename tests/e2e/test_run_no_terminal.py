"""escort run without a terminal on standard input: pipes, files, CI, ssh host cmd."""
import hashlib
import json
import os
import signal
import subprocess
import time

import pytest

import eslog
from conftest import escort_bin, events, export, joined, of_type, session_end, session_start


def kill_when_running(cmdline, sig):
    """Signals the session's program from outside (a program killing itself is
    itself a risky command the gate holds)."""
    deadline = time.time() + 20
    while time.time() < deadline:
        if subprocess.run(["pkill", f"-{int(sig)}", "-f", f"^{cmdline}$"]).returncode == 0:
            return
        time.sleep(0.05)
    raise AssertionError(f"{cmdline} never ran")


@pytest.fixture(scope="module")
def signing_key(tmp_path_factory):
    """A deployment's signing key: without one, escort warns on standard
    error, which these tests compare byte for byte."""
    directory = tmp_path_factory.mktemp("keys")
    subprocess.run([escort_bin(), "keygen", "--dir", str(directory)], check=True,
                   capture_output=True)
    return directory / "signing.key"


def run(escort, log, args, stdin=None, input=None, env=None, timeout=60, key=None):
    cmd = [escort, "run", "--log", str(log)] + (["--sign-key", str(key)] if key else []) + \
        ["--"] + args
    return subprocess.run(cmd, input=input, stdin=stdin, capture_output=True, env=env,
                          timeout=timeout)


def test_output_and_status_pass_through(escort, tmp_path):
    p = run(escort, tmp_path / "s.eslog", ["sh", "-c", "printf 'a\\nb'; exit 3"],
            stdin=subprocess.DEVNULL)
    assert p.stdout == b"a\nb"
    assert p.returncode == 3


def test_piped_input_reaches_the_program_and_ends_with_eof(escort, tmp_path):
    log = tmp_path / "s.eslog"
    p = run(escort, log, ["cat"], input=b"first line\nno newline at end")
    assert p.stdout == b"first line\nno newline at end"
    assert p.returncode == 0
    evs = events(log)
    assert "first line" in joined(evs, "input")
    assert "no newline at end" in joined(evs, "output")
    assert "tty" not in session_start(evs)


def test_input_is_data_not_terminal_keys(escort, tmp_path):
    """Bytes that a terminal would treat as keys (interrupt, erase, line-kill)
    arrive unchanged when there is no terminal."""
    data = b"keep\x03this\x7fand\x15that\r\n"
    p = run(escort, tmp_path / "s.eslog", ["od", "-An", "-c"], input=data)
    assert p.returncode == 0
    assert b"003" in p.stdout and b"177" in p.stdout and b"025" in p.stdout
    assert b"\\r" in p.stdout


def recorded_input(log):
    data = open(log, "rb").read()
    return b"".join(data[r.payload_off:r.mac_off] for r in eslog.records(data) if r.type == 3)


def test_terminal_keys_in_piped_input_are_bytes(escort, tmp_path):
    """printf 'a\\n\\x04b\\nc\\n' | escort run -- sh -c 'cat | od -c': all of it
    arrives (a pty would have taken 0x04 for end of input)."""
    data = b"a\n\x04b\nc\n"
    log = tmp_path / "s.eslog"
    p = run(escort, log, ["sh", "-c", "cat | od -c"], input=data)
    direct = subprocess.run(["od", "-c"], input=data, capture_output=True).stdout
    assert p.stdout == direct
    assert p.returncode == 0
    assert recorded_input(log) == data


def test_random_bytes_round_trip_exactly(escort, tmp_path):
    data = bytearray(os.urandom(3000))
    for i, b in enumerate((0x04, 0x03, 0x1a, 0x0d, 0x00, 0x11, 0x13, 0x7f, 0x15, 0x1c)):
        data[i * 7] = b
    data = bytes(data)
    log = tmp_path / "s.eslog"
    p = run(escort, log, ["cat"], input=data)
    assert len(p.stdout) == 3000
    assert p.stdout == data
    assert p.returncode == 0
    assert recorded_input(log) == data


def test_standard_error_stays_apart_and_is_recorded(escort, tmp_path, signing_key):
    log = tmp_path / "s.eslog"
    p = run(escort, log, ["sh", "-c", "echo to-out; echo to-err >&2; exit 5"],
            stdin=subprocess.DEVNULL, key=signing_key)
    assert p.stdout == b"to-out\n"
    assert p.stderr == b"to-err\n"
    assert p.returncode == 5
    evs = events(log)
    assert joined(evs, "output") == "to-out\n"
    assert joined(evs, "error-output") == "to-err\n"
    assert session_end(evs)["exit_status"] == 5
    assert "pty" not in session_start(evs)


def test_end_of_input_ends_cat_and_the_program_sees_no_terminal(escort, tmp_path):
    proc = subprocess.Popen([escort, "run", "--log", str(tmp_path / "s.eslog"), "--", "sh",
                             "-c", "cat; test -t 0 || echo no-tty"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdin.write(b"partial line without newline")
    proc.stdin.close()
    out = proc.stdout.read()
    assert proc.wait(timeout=20) == 0
    assert out == b"partial line without newlineno-tty\n"


def test_stdin_from_a_regular_file(escort, tmp_path):
    src = tmp_path / "input.txt"
    src.write_bytes(b"".join(b"line %d\n" % i for i in range(1000)))
    with open(src, "rb") as f:
        p = run(escort, tmp_path / "s.eslog", ["wc", "-l"], stdin=f)
    assert p.stdout.strip() == b"1000"


def test_bulk_output_is_exact_and_recorded_whole(escort, tmp_path):
    blob = tmp_path / "blob"
    blob.write_bytes(os.urandom(3 * 1024 * 1024).hex().encode())
    log = tmp_path / "s.eslog"
    p = run(escort, log, ["cat", str(blob)], stdin=subprocess.DEVNULL)
    assert p.returncode == 0
    assert hashlib.sha256(p.stdout).digest() == hashlib.sha256(blob.read_bytes()).digest()
    text, _, _ = export(log, "text")
    assert text == blob.read_bytes()


def test_signal_status(escort, tmp_path):
    proc = subprocess.Popen([escort, "run", "--log", str(tmp_path / "s.eslog"), "--",
                             "sleep", "31.25"], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    kill_when_running("sleep 31.25", signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGKILL


def test_closed_output_pipe_ends_the_session(escort, tmp_path):
    p = subprocess.run(f"{escort} run --log {tmp_path}/s.eslog -- yes | head -n 2",
                       shell=True, capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
    assert p.stdout == b"y\ny\n"
    end = session_end(events(tmp_path / "s.eslog"))
    assert end["type"] == "session-end" and end["reason"] == "hangup"


def test_ssh_original_command_is_run_by_the_account_shell(escort, tmp_path):
    env = dict(os.environ, SSH_ORIGINAL_COMMAND="echo forced-$((6*7))")
    p = subprocess.run([escort, "run", "--log", str(tmp_path / "s.eslog")], env=env,
                       capture_output=True, stdin=subprocess.DEVNULL, timeout=30)
    assert p.stdout == b"forced-42\n"
    start = session_start(events(tmp_path / "s.eslog"))
    assert start["origin"] == "ssh-forced-command"
    assert start["ssh_original_command"] == "echo forced-$((6*7))"
    assert start["argv"][1:] == ["-c", "echo forced-$((6*7))"]


def test_default_log_directory(escort, tmp_path):
    env = dict(os.environ, ESCORT_LOG_DIR=str(tmp_path))
    p = subprocess.run([escort, "run", "true"], env=env, capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=30)
    assert p.returncode == 0
    logs = list(tmp_path.glob("*.eslog"))
    assert len(logs) == 1
    assert logs[0].name.startswith(session_start(events(logs[0]))["user"] + "-")


# --- error paths ---------------------------------------------------------------

def test_command_not_found_is_127_and_recorded(escort, tmp_path):
    log = tmp_path / "s.eslog"
    p = run(escort, log, ["no-such-program-here"], stdin=subprocess.DEVNULL)
    assert p.returncode == 127
    assert b"no-such-program-here: command not found" in p.stderr
    end = session_end(events(log))
    assert end["reason"] == "exec-failed" and end["exit_status"] == 127


def test_not_executable_is_126(escort, tmp_path):
    script = tmp_path / "script.sh"
    script.write_text("#!/bin/sh\necho no\n")
    script.chmod(0o644)
    p = run(escort, tmp_path / "s.eslog", [str(script)], stdin=subprocess.DEVNULL)
    assert p.returncode == 126
    assert b"Permission denied" in p.stderr


@pytest.mark.parametrize("where", ["missing-dir", "existing-file", "directory"])
def test_refuses_to_start_when_the_log_cannot_be_written(escort, tmp_path, where):
    marker = tmp_path / "ran"
    log = {"missing-dir": tmp_path / "nope" / "s.eslog",
           "existing-file": tmp_path / "exists.eslog",
           "directory": tmp_path}[where]
    (tmp_path / "exists.eslog").write_text("precious")
    p = run(escort, log, ["touch", str(marker)], stdin=subprocess.DEVNULL)
    assert p.returncode == 125
    assert b"refusing to start an unrecorded session" in p.stderr
    assert str(log).encode() in p.stderr
    assert not marker.exists()
    assert (tmp_path / "exists.eslog").read_text() == "precious"


def test_refuses_to_start_on_a_read_only_filesystem(escort, tmp_path, small_fs):
    mnt = small_fs("ro")
    p = run(escort, mnt / "s.eslog", ["true"], stdin=subprocess.DEVNULL)
    assert p.returncode == 125
    assert b"Read-only file system" in p.stderr


def test_full_disk_ends_the_session_and_keeps_what_was_recorded(escort, tmp_path, small_fs):
    mnt = small_fs("size=256k")
    log = mnt / "s.eslog"
    p = run(escort, log, ["sh", "-c", "echo first-line; sleep 0.3; exec yes recorded-bytes"],
            stdin=subprocess.DEVNULL)
    assert p.returncode == 125
    assert b"No space left on device" in p.stderr
    assert b"everything recorded until now is kept" in p.stderr
    out, err, rc = export(log, "json", check=False)
    assert rc == 1 and "cut short" in err and "damaged" not in err
    evs = [json.loads(l) for l in out.decode().splitlines()]
    assert session_start(evs)["type"] == "session-start"
    assert joined(evs, "output").startswith("first-line\nrecorded-bytes")
    assert log.stat().st_size > 200 * 1024


def test_usage_errors_exit_2(escort, tmp_path):
    for args in (["run", "--log"], ["run", "--bogus"], ["bogus"], [],
                 ["export", "--format", "pdf", "x"], ["export"]):
        p = subprocess.run([escort] + args, capture_output=True, stdin=subprocess.DEVNULL)
        assert p.returncode == 2, args
        assert p.stderr, args


def test_closed_standard_streams_do_not_leak_into_the_log(escort, tmp_path, signing_key):
    """With stdout closed, the log (or the pty) must not take descriptor 1."""
    log = tmp_path / "s.eslog"
    p = subprocess.run(f"{escort} run --log {log} --sign-key {signing_key} -- "
                       "sh -c 'echo shown; echo err >&2' "
                       f"<&- >&-", shell=True, capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert p.stderr == b"err\n"
    evs = events(log)
    assert joined(evs, "output") == "shown\n"
    assert joined(evs, "error-output") == "err\n"
    v = subprocess.run([escort, "verify", str(log)], capture_output=True, text=True)
    assert v.returncode == 0, v.stdout
