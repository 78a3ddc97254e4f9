"""What the session shows is what the recording shows (issue 14): escort's
own lines to the operator are in the recording, replay takes its options
after the path and never makes the auditor's terminal type answers, the
line shown beside an exec is the one typed to the shell, and the escort's
console asks for a typed name only when escortd would take the approval.
Real PTYs and a real escortd, with the fixtures of test_broker."""
import os
import pwd
import re
import time

import pexpect
import pytest
from conftest import escort_bin, events, of_type
from test_broker import (ESCORT, JUNIOR, OPERATOR, PROMPT, Broker, Operator, ask_to_remove,  # noqa: F401
                         broker, only_session, victim, world)


def shown(path):
    return "".join(e.get("data", "") for e in of_type(events(path), "output"))


def test_lost_and_back_lines_are_in_the_recording(broker):
    op = Operator(broker)
    op.run("echo before")
    session = only_session(broker)
    broker.kill()
    op.child.expect("escort: lost escortd")
    broker.start()
    op.child.expect("escort: escortd is back", timeout=20)
    op.run("echo after")
    op.close()
    for log in (op.log, broker.session_log(session)):
        text = shown(log)
        assert "escort: lost escortd (" in text, log
        assert "escort: escortd is back" in text, log


def test_the_line_a_session_is_ended_with_is_in_the_recording(broker):
    op = Operator(broker)
    session = only_session(broker)
    p = broker.console(ESCORT, "terminate", session, "--note", "enough")
    assert p.returncode == 0, p.stderr
    op.child.expect("ended by " + ESCORT)
    op.child.expect(pexpect.EOF, timeout=10)
    assert "ended by " + ESCORT in shown(op.log)


QUERIES = r"\033[6n\033[c\033[>c\033P$qm\033\\\033]10;?\033\\\033[21t"
ANSWERS = {b"\x1b[6n": b"\x1b[7;1R", b"\x1b[c": b"\x1b[?62;22c", b"\x1b[>c": b"\x1b[>1;2;0c",
           b"\x1bP$qm": b"\x1bP1$r0m\x1b\\", b"\x1b]10;?": b"\x1b]10;rgb:ffff/ffff/ffff\x1b\\",
           b"\x1b[21t": b"\x1b]lrm -rf ~\x1b\\"}


def record_queries(escort, log):
    """A session whose program asks the terminal everything it can, then idles."""
    script = f"printf 'start-{QUERIES}-mid\\n'; sleep 1; printf 'end-of-session\\n'"
    child = pexpect.spawn(escort, ["run", "--log", str(log), "--", "sh", "-c", script],
                          env=dict(os.environ, TERM="xterm"), timeout=20)
    child.expect(pexpect.EOF)
    child.close()
    text = shown(log)  # the recording keeps them: it is the evidence
    assert all(q.decode() in text for q in ANSWERS), text


def test_replay_takes_options_after_the_path(escort, tmp_path):
    log = tmp_path / "s.eslog"
    record_queries(escort, log)
    for args in ([str(log), "--speed", "50"], [str(log), "--idle-limit", "0.1", "--speed", "2"],
                 ["--speed", "50", str(log)]):
        out, status = pexpect.run(escort, args=["replay", *args], withexitstatus=True,
                                  timeout=30)
        assert status == 0 and b"end-of-session" in out, (args, out)


@pytest.mark.parametrize("interrupt", [False, True])
def test_replay_never_makes_the_auditors_terminal_type_answers(escort, tmp_path, interrupt):
    """The test is the auditor's terminal: it answers every query it is sent,
    as a terminal types its answers, and keys typed while replay plays are
    discarded too (also when Ctrl-C stops it); what the shell reads after
    replay must be nothing."""
    log = tmp_path / "s.eslog"
    record_queries(escort, log)
    shell = pexpect.spawn("bash", ["--norc", "--noprofile"], timeout=20,
                          env=dict(os.environ, PS1="$ ", TERM="xterm"))
    shell.expect_exact("$ ")
    # (what the shell prints is spelt so that the echo of this line is not it)
    shell.sendline(f"{escort} replay {log} --idle-limit 1; IFS= read -r -t 2 got; "
                   "printf 'G%sT[%q]\\n' O \"$got\"")
    seen = b""
    deadline = time.time() + 30
    while not re.search(rb"GOT\[.*?\]\r", seen) and time.time() < deadline:
        try:
            chunk = shell.read_nonblocking(4096, timeout=0.2)
        except pexpect.TIMEOUT:
            continue
        seen += chunk
        for query, answer in ANSWERS.items():
            if query in chunk:
                shell.send(answer)
        if b"start-" in chunk:
            shell.send("late-answer\r")  # as an answer to what the filter does not know
            if interrupt:
                time.sleep(0.2)
                shell.sendintr()
    got = re.search(rb"GOT\[(.*?)\]\r", seen)
    assert got, seen
    assert (b"interrupted" if interrupt else b"end-of-session") in seen, seen
    assert not [q for q in ANSWERS if q in seen], seen
    assert got.group(1) in (b"''", b""), seen
    shell.sendline("exit")
    shell.expect(pexpect.EOF)


@pytest.mark.parametrize("pager", ["less", "less -X"])  # -X: no alternate screen
def test_keys_a_full_screen_program_took_are_not_the_line_typed(broker, world, pager):
    target = victim(world, "typed")
    op = Operator(broker)
    op.send(f"{pager} /etc/passwd")
    op.child.expect("root:")
    op.child.send("jj/zzz")  # keys less takes, no Enter: half a search
    time.sleep(0.3)
    op.child.send("\x07q")  # cancel the search, quit
    op.child.expect_exact(PROMPT)
    item = ask_to_remove(op, broker, target)
    assert item["typed_line"] == f"rm -rf {target}/inner; echo ==DONE$?", item
    broker.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.close()


def test_bash_script_shows_the_script_like_running_it_by_path(broker, world):
    target = victim(world, "scripted")
    script = os.path.join(target, "tidy.sh")
    with open(script, "w") as f:
        f.write(f"#!/bin/bash\n# marker-{os.getpid()}\nrm -rf {target}/inner\n")
    os.chmod(script, 0o755)
    os.chown(script, pwd.getpwnam(OPERATOR).pw_uid, -1)
    op = Operator(broker)
    for line in (f"bash {script}", script, f"cd {target} && bash tidy.sh"):
        op.send(f"{line}; echo ==DONE$?")
        op.child.expect("held: ")
        item = broker.wait_pending()[0]
        assert f"marker-{os.getpid()}" in item.get("script", ""), (line, item)
        assert f"rm -rf {target}/inner" in item["script"], (line, item)
        broker.console(ESCORT, "deny", str(item["id"]))
        op.child.expect(r"==DONE(\d+)")
        op.child.expect_exact(PROMPT)
    assert os.path.isdir(f"{target}/inner")
    op.close()


def hold_critical(op, broker):
    """The operator asks for a critical command; returns the pending item."""
    op.send("dd if=/dev/zero of=/dev/sdz count=0; echo ==DONE$?")
    op.child.expect("held: dd")
    item = broker.wait_pending()[0]
    assert item["level"] == "critical"
    return item


def console_on_pty(broker, user, *args, rows=24, cols=80):
    return pexpect.spawn("runuser", ["-u", user, "--", os.path.join(broker.base, "escort"),
                                     *args, "--socket", broker.socket],
                         env=dict(os.environ, TERM="xterm"), timeout=15,
                         dimensions=(rows, cols))


SGR = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
WHERE = re.compile(r"-- lines (\d+)-(\d+) of (\d+):")


def pending_pane(frame):
    """The approval pane's lines of one drawing of watch, and where they are."""
    rows = [SGR.sub(b"", r).decode(errors="replace") for r in frame.split(b"\x1b[K\r\n")]
    start = next(i for i, r in enumerate(rows) if r.startswith("PENDING")) + 1
    pane = rows[start:]
    for i, r in enumerate(pane):
        m = WHERE.match(r)
        if m:
            return pane[:i], int(m.group(1)), int(m.group(3))
    return None, 0, None  # drawn before the list came, or all of it fits


def read_everything(watch):
    """Scrolls the approval through with j, keeping each line by its number."""
    lines, total = {}, None
    deadline = time.time() + 30
    while total is None or len(lines) < total:
        assert time.time() < deadline, "the approval never said where it is: " + repr(lines)
        watch.expect(rb"\x1b\[H(.*?)\x1b\[J")
        pane, first, total = pending_pane(watch.match.group(1))
        if pane is None:
            continue
        for i, text in enumerate(pane):
            assert len(text) <= 80, text
            lines[first + i] = text
        watch.send("j")
    return [lines[i] for i in sorted(lines)]


def squeezed(text):
    return re.sub(r"\s+", "", text)


def test_watch_wraps_and_scrolls_so_every_finding_can_be_read_at_80x24(broker, world):
    op = Operator(broker)
    item = hold_critical(op, broker)
    texts = [f[k] for f in item["findings"] for k in ("text", "why", "ask", "undo")]
    assert all(f["ask"] and f["undo"] for f in item["findings"]), item["findings"]
    assert len(item["summary"]) > 160, item  # more than two lines of 80
    watch = console_on_pty(broker, ESCORT, "watch")
    everything = squeezed("".join(read_everything(watch)))
    for text in texts + [item["summary"]]:
        assert squeezed(text) in everything, text
    watch.send("k" * 200)  # and back to the top
    watch.expect(rb"-- lines 1-")
    watch.send("q")
    watch.expect(pexpect.EOF)
    broker.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.close()


def long_session(broker, n, say=""):
    """A session whose command line is long: its argv wraps over lines. It
    first prints say, on a terminal 200 columns wide."""
    marker = f"m{n}-" + "-".join(f"word{i}" for i in range(45))
    log = os.path.join(broker.base, "logs", f"long-{n}-{time.time_ns()}.eslog")
    child = pexpect.spawn("runuser", ["-u", OPERATOR, "--", os.path.join(broker.base, "escort"),
                                      "run", "--socket", broker.socket, "--log", log, "--",
                                      "/bin/sh", "-c", f"{say}sleep 120; : {marker}"],
                          env=dict(os.environ, TERM="xterm",
                                   ESCORT_RULES=os.path.join(broker.base, "rules")),
                          timeout=20, cwd=os.path.join(broker.base, "work"),
                          dimensions=(24, 200))
    return child, marker, f"/bin/sh -c {say}sleep 120; : {marker}"


def frame_rows(frame):
    """The rows of one drawing (each ends with a line break)."""
    rows = [SGR.sub(b"", r).decode(errors="replace") for r in frame.split(b"\r\n")]
    assert rows[-1] == "", rows
    return [r.replace("\x1b[K", "") for r in rows[:-1]]


LIST_WHERE = re.compile(r"-- sessions, lines (\d+)-(\d+) of (\d+):")


def read_sessions_list(watch):
    """Scrolls the sessions list through with J, checking every frame fits
    80x24, and keeps each line of the list by its number."""
    lines, total = {}, None
    deadline = time.time() + 30
    while total is None or len(lines) < total:
        assert time.time() < deadline, "the list never said where it is: " + repr(lines)
        watch.expect(rb"\x1b\[H(.*?)\x1b\[J")
        rows = frame_rows(watch.match.group(1))
        assert len(rows) <= 24 - 1, rows  # and the status line below
        assert all(len(r) <= 80 for r in rows), rows
        start = next(i for i, r in enumerate(rows) if r.startswith("SESSIONS")) + 1
        end = next(i for i, r in enumerate(rows) if r.startswith("SCREEN of"))
        pane = rows[start:end]
        m = LIST_WHERE.match(pane[-1]) if pane else None
        if m is None:
            continue  # not all sessions are listed yet
        first, total = int(m.group(1)), int(m.group(3))
        for i, text in enumerate(pane[:-1]):
            lines[first + i] = text
        watch.send("J")
    return [lines[i] for i in sorted(lines)]


def test_watch_lists_long_sessions_wrapped_and_scrolled_at_80x24(broker, world):
    op = Operator(broker)
    hold_critical(op, broker)  # the approval pane is full too
    wide = "wide-" + "-".join(f"w{i}" for i in range(40))  # over 80 columns of a 200-wide screen
    longs = [long_session(broker, n, f"echo {wide}; " if n == 0 else "") for n in range(4)]
    deadline = time.time() + 15
    while sum(s["live"] for s in broker.sessions()) < 5:
        assert time.time() < deadline, broker.sessions()
        time.sleep(0.1)
    watch = console_on_pty(broker, ESCORT, "watch")
    everything = squeezed("".join(read_sessions_list(watch)))
    for child, marker, command in longs:
        assert squeezed(command) in everything, marker
    # A session's screen, 200 columns wide, wraps in the screen pane.
    op_id = next(s["id"] for s in broker.sessions() if wide in " ".join(s["argv"]))
    deadline = time.time() + 20
    while True:
        assert time.time() < deadline, "the operator's wide line never showed whole"
        watch.expect(rb"\x1b\[H(.*?)\x1b\[J")
        rows = frame_rows(watch.match.group(1))
        assert len(rows) <= 24 - 1 and all(len(r) <= 80 for r in rows), rows
        start = next(i for i, r in enumerate(rows) if r.startswith("SCREEN of"))
        end = next(i for i, r in enumerate(rows) if r.startswith("PENDING"))
        if rows[start] != f"SCREEN of {op_id}":
            watch.send("n")
            continue
        if squeezed(wide) in squeezed("".join(r[2:] for r in rows[start + 1:end])):
            break
    watch.send("d" + "x" * 200 + "END")  # a long note wraps too, its end in sight
    watch.expect(rb"\x1b\[H((?:(?!\x1b\[H).)*?)\x1b\[J((?:(?!\x1b\[H).)*?END)")
    rows = frame_rows(watch.match.group(1))
    status = [r for r in re.split(rb"\x1b\[\d+;1H\x1b\[K", watch.match.group(2)) if r]
    assert 1 < len(status) <= 4 and len(rows) + len(status) <= 24, (rows, status)
    assert all(len(r) <= 80 for r in rows + status), (rows, status)
    watch.send("\x1b")
    watch.send("q")
    watch.expect(pexpect.EOF)
    for child, _, _ in longs:
        child.terminate(force=True)
    broker.console(ESCORT, "deny", str(broker.wait_pending()[0]["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.close()


def test_clearance_is_checked_before_a_critical_programs_name_is_asked(broker, world):
    op = Operator(broker)
    item = hold_critical(op, broker)
    # Not cleared for critical: escortd's refusal, never a question.
    p = console_on_pty(broker, JUNIOR, "approve", str(item["id"]))
    p.expect(pexpect.EOF)
    said = p.before.decode()
    p.close()
    assert "Type the program's name" not in said, said
    assert "clearance (medium) does not cover a critical" in said and p.exitstatus == 1, said
    # Nor is it shown to them: escortd lists only what their clearance covers.
    p = console_on_pty(broker, JUNIOR, "pending")
    p.expect(pexpect.EOF)
    assert "CRITICAL" not in p.before.decode() and "dd" not in p.before.decode().split(), p.before
    # Cleared: asked for the name (checking approved nothing), then approved.
    watch = console_on_pty(broker, ESCORT, "watch")
    watch.expect("CRITICAL RISK")
    watch.send("a")
    watch.expect("type the program's name \\(dd\\)")
    assert [i["id"] for i in broker.pending()] == [item["id"]]
    watch.send("dd\r")
    op.child.expect("approved: dd")
    watch.send("q")
    watch.expect(pexpect.EOF)
    # the disk write is asked about on its own: deny it to end cleanly
    change = [i for i in broker.wait_pending() if "change" in i][0]
    broker.console(ESCORT, "deny", str(change["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.close()



def test_a_program_not_found_is_said_in_the_recording_too(escort, tmp_path):
    log = tmp_path / "s.eslog"
    child = pexpect.spawn(escort, ["run", "--log", str(log), "--", "/nonexistent-program"],
                          env=dict(os.environ, TERM="xterm"), timeout=20)
    child.expect("escort: /nonexistent-program: command not found")
    child.expect(pexpect.EOF)
    child.close()
    assert "escort: /nonexistent-program: command not found" in shown(log)
