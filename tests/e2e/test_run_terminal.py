"""escort run with an operator terminal, driven through a real PTY by pexpect."""
import os
import subprocess
import termios
import signal
import time

import pexpect

from conftest import events, joined, of_type, session_end, session_start

BASH = ["bash", "--norc", "--noprofile"]
ENV = dict(os.environ, PS1="$ ", TERM="xterm")


def spawn(escort, log, args, **kw):
    child = pexpect.spawn(escort, ["run", "--log", str(log), "--"] + args, env=ENV,
                          encoding="utf-8", timeout=10, dimensions=(24, 80), **kw)
    wait_until_raw(child)
    return child


def wait_until_raw(child, seconds=20):
    """Types nothing until escort has taken the terminal (raw mode, no echo): keys
    typed while it still loads its rules would meet the cooked terminal instead."""
    deadline = time.time() + seconds
    while time.time() < deadline and child.isalive():
        try:
            if not termios.tcgetattr(child.child_fd)[3] & termios.ECHO:
                return
        except termios.error:
            return
        time.sleep(0.01)


def finish(child):
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.signalstatus


def test_echo_is_relayed_and_recorded(escort, tmp_path):
    log = tmp_path / "s.eslog"
    child = spawn(escort, log, BASH)
    child.expect_exact("$ ")
    child.sendline("echo hello-$((40+2))")
    child.expect_exact("hello-42")
    child.expect_exact("$ ")
    child.sendline("exit 5")
    assert finish(child) == (5, None)

    evs = events(log)
    start = session_start(evs)
    assert start["type"] == "session-start"
    assert start["user"] == "root" or start["uid"] == os.getuid()
    assert start["argv"] == BASH
    assert start["tty"].startswith("/dev/pts/")
    assert start["host"] == os.uname().nodename
    assert "echo hello-$((40+2))" in joined(evs, "input")
    assert "hello-42" in joined(evs, "output")
    end = session_end(evs)
    assert end["type"] == "session-end" and end["exit_status"] == 5 and end["reason"] == "exit"


def test_exit_status_of_a_signal_is_128_plus_n(escort, tmp_path):
    child = spawn(escort, tmp_path / "s.eslog", ["sleep", "32.25"])
    deadline = time.time() + 20
    while subprocess.run(["pkill", "-TERM", "-f", "^sleep 32.25$"]).returncode != 0:
        assert time.time() < deadline, "sleep never ran"
        time.sleep(0.05)
    assert finish(child) == (128 + signal.SIGTERM, None)
    end = session_end(events(tmp_path / "s.eslog"))
    assert end["signal"] == signal.SIGTERM and end["reason"] == "signal"


def test_ctrl_c_reaches_the_program_not_escort(escort, tmp_path):
    script = 'trap "echo got-interrupt; exit 9" INT; echo ready; while :; do sleep 0.1; done'
    child = spawn(escort, tmp_path / "s.eslog", ["sh", "-c", script])
    child.expect_exact("ready")
    child.sendcontrol("c")
    child.expect_exact("got-interrupt")
    assert finish(child) == (9, None)


def test_ctrl_c_kills_a_program_without_handler(escort, tmp_path):
    child = spawn(escort, tmp_path / "s.eslog", ["sh", "-c", "echo ready; exec sleep 30"])
    child.expect_exact("ready")
    child.sendcontrol("c")
    assert finish(child) == (128 + signal.SIGINT, None)


def test_ctrl_z_stops_a_job_inside_the_shell(escort, tmp_path):
    child = spawn(escort, tmp_path / "s.eslog", BASH)
    child.expect_exact("$ ")
    child.sendline("sleep 30")
    time.sleep(0.5)
    child.sendcontrol("z")
    child.expect("Stopped")
    child.expect_exact("$ ")
    child.sendline("jobs; kill -9 %1; while jobs %1 >/dev/null 2>&1; do sleep 0.05; done; "
                   "echo done-gone")
    child.expect_exact("done-gone")
    child.sendline("exit")
    assert finish(child) == (0, None)


def proc_state(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def wait_state(pid, want, timeout=5):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc_state(pid) == want:
            return True
        time.sleep(0.05)
    return False


def test_window_size_at_start_and_on_resize(escort, tmp_path):
    log = tmp_path / "s.eslog"
    child = spawn(escort, log, BASH)
    child.expect_exact("$ ")
    child.sendline("stty size")
    child.expect_exact("24 80")
    child.setwinsize(33, 101)
    # The resize reaches the program when escort has handled its SIGWINCH: on
    # a busy machine that may take a moment, so ask until it has.
    for _ in range(50):
        time.sleep(0.2)
        child.sendline("stty size")
        if child.expect([r"33 101", r"24 80"]) == 0:
            break
    else:
        raise AssertionError("the window never became 33x101 inside the session")
    child.sendline("exit")
    finish(child)
    windows = of_type(events(log), "window")
    assert (windows[0]["cols"], windows[0]["rows"]) == (80, 24)
    assert (windows[-1]["cols"], windows[-1]["rows"]) == (101, 33)


def test_eof_ends_the_program_input(escort, tmp_path):
    child = spawn(escort, tmp_path / "s.eslog", ["cat"])
    child.sendline("line-one")
    child.expect_exact("line-one")
    # ^D itself: sendeof() asks the terminal for its EOF key, and escort may
    # just be switching it to raw mode (where that slot means something else).
    child.send("\x04")
    assert finish(child) == (0, None)


def test_default_command_is_the_login_shell(escort, tmp_path):
    child = spawn(escort, tmp_path / "s.eslog", [])
    child.expect(r"[$#] ")
    child.sendline("echo zero=$0")
    child.expect(r"zero=-(\w+)")
    shell = child.match.group(1)
    child.sendline("exit")
    finish(child)
    start = session_start(events(tmp_path / "s.eslog"))
    assert start["origin"] == "login-shell"
    assert start["argv"] == ["-" + shell]
    assert shell != "escort"


def wait_for_descendant(pid, name, timeout=10):
    """Until a process called name runs below pid."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = open(f"/proc/{entry}/stat").read()
            except OSError:
                continue
            comm = stat[stat.index("(") + 1:stat.rindex(")")]
            if comm == name and descends(int(entry), pid):
                return
        time.sleep(0.01)
    raise AssertionError(f"no {name} below {pid}")


def descends(child, ancestor):
    while child > 1:
        if child == ancestor:
            return True
        try:
            stat = open(f"/proc/{child}/stat").read()
        except OSError:
            return False
        child = int(stat[stat.rindex(")") + 2:].split()[1])
    return False


def test_terminal_restored_after_normal_exit_and_signals(escort, tmp_path):
    """The operator's terminal settings are the same after escort ends,
    whether the program exits or escort is killed by SIGTERM or SIGHUP."""
    shell = pexpect.spawn("bash", ["--norc", "--noprofile"], env=ENV, encoding="utf-8",
                          timeout=10)
    shell.expect_exact("$ ")
    shell.sendline(f"stty -g > {tmp_path}/before")
    shell.expect_exact("$ ")
    for i, how in enumerate(["exit", "TERM", "HUP", "INT"]):
        log = tmp_path / f"{how}.eslog"
        shell.sendline(f"{escort} run --log {log} -- sh -c 'echo started-$((100+{i})); sleep 30'")
        shell.expect_exact(f"started-{100 + i}")
        pid = int(open(f"/proc/{shell.pid}/task/{shell.pid}/children").read().split()[0])
        if how == "exit":
            # Ctrl-C once sleep runs: sent while sh is between fork and exec,
            # dash's SIGINT handler, inherited by the child until the exec,
            # swallows it and both wait 30 s — dash's race, with or without
            # escort (escort's gate only widens it).
            wait_for_descendant(pid, "sleep")
            shell.sendcontrol("c")
        else:
            os.kill(pid, getattr(signal, "SIG" + how))
        shell.expect_exact("$ ")
        shell.sendline(f"echo status=$?; stty -g > {tmp_path}/after; "
                       f"cmp -s {tmp_path}/before {tmp_path}/after && echo same-{i}")
        shell.expect(r"status=(\d+)")
        status = int(shell.match.group(1))
        shell.expect_exact(f"same-{i}")
        if how != "exit":
            assert status == 128 + getattr(signal, "SIG" + how)
            end = session_end(events(log))
            assert end["type"] == "session-end" and end["reason"] == "hangup"
    shell.sendline("exit")
    shell.expect(pexpect.EOF)


def test_terminal_hangup_ends_the_session_and_is_recorded(escort, tmp_path):
    log = tmp_path / "s.eslog"
    child = spawn(escort, log, ["sh", "-c", "echo ready; sleep 30"])
    child.expect_exact("ready")
    child.close(force=False)
    deadline = time.time() + 10
    while time.time() < deadline:
        evs = events(log, check=False)
        if session_end(evs):
            break
        time.sleep(0.1)
    assert session_end(evs)["type"] == "session-end"
    assert session_end(evs)["reason"] == "hangup"
