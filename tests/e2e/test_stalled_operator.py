"""escort never waits on the operator: a client that stops reading while the
program prints does not keep SIGTERM from ending the session (issue 14)."""
import os
import pty
import signal
import subprocess
import time

from conftest import events, joined, session_end

LOUD = ["sh", "-c", "echo started; exec yes escort-output-line"]


def wait_for_log_output(log, deadline):
    """Until the log shows the program's output (recorded as it is read)."""
    while time.time() < deadline:
        if log.exists() and "escort-output-line" in joined(events(log, check=False), "output"):
            return
        time.sleep(0.1)
    raise AssertionError("the program never printed")


def ends_within(proc, seconds):
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return time.monotonic() - start <= seconds


def test_sigterm_ends_a_session_whose_pipe_is_not_read(escort, tmp_path):
    log = tmp_path / "s.eslog"
    rd, wr = os.pipe()  # nobody reads rd
    try:
        proc = subprocess.Popen([escort, "run", "--log", str(log), "--"] + LOUD,
                                stdin=subprocess.DEVNULL, stdout=wr, stderr=subprocess.PIPE)
        wait_for_log_output(log, time.time() + 20)
        time.sleep(0.5)  # the pipe is full by now: escort's writes would wait
        assert ends_within(proc, 1.0)
    finally:
        os.close(wr)
        os.close(rd)
    assert proc.returncode == 128 + signal.SIGTERM
    assert session_end(events(log))["reason"] == "hangup"


def test_sigterm_ends_a_session_whose_terminal_is_not_read(escort, tmp_path):
    log = tmp_path / "s.eslog"
    master, slave = pty.openpty()  # nobody reads master
    try:
        proc = subprocess.Popen([escort, "run", "--log", str(log), "--"] + LOUD,
                                stdin=slave, stdout=slave, stderr=slave,
                                start_new_session=True)
        wait_for_log_output(log, time.time() + 20)
        time.sleep(0.5)
        assert ends_within(proc, 1.0)
    finally:
        os.close(slave)
        os.close(master)
    assert proc.returncode == 128 + signal.SIGTERM
    assert session_end(events(log))["reason"] == "hangup"
