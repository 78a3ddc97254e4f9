"""An approval means exactly what the escort saw (issue 13): a script longer
than what is shown is marked cut and bound by its whole hash; the file an
interpreter or make runs is shown and bound; a tree approval belongs to the
process, not to its pid; a held exec is withdrawn when the operator gives up
(Ctrl-C) or hangs up, and an approval given afterwards runs nothing. Through
a real escortd, real accounts and real PTYs (test_broker.py's world)."""
import hashlib
import os
import signal
import subprocess
import time

import pexpect
from conftest import events, of_type
from test_broker import (ESCORT, OPERATOR, PROMPT, Operator, broker, only_session,  # noqa: F401
                         victim, world)


def operator_file(world, name, text):
    path = os.path.join(world, "work", name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, 0o755)
    subprocess.run(["chown", OPERATOR, path], check=True)
    return path


def rewrite_keeping_times(path, text):
    """New content of the same size, timestamps put back (what an operator
    can do: only the ctime tells)."""
    st = os.stat(path)
    with open(path, "r+") as f:
        f.write(text)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def gone_within(broker, item_id, seconds):
    end = time.time() + seconds
    while time.time() < end:
        if all(p["id"] != item_id for p in broker.pending()):
            return True
        time.sleep(0.05)
    return False


def escort_run_pid(op):
    """The session host: runuser's child."""
    with open(f"/proc/{op.child.pid}/task/{op.child.pid}/children") as f:
        return int(f.read().split()[0])


def test_a_script_longer_than_shown_is_marked_cut_and_bound_whole(broker, world):
    head = "#!/bin/sh\necho big-start\n"
    tail = "echo big-end\n"
    pad = "# " + "x" * 77 + "\n"
    text = head + pad * (20000 // len(pad)) + tail
    path = operator_file(world, "big.sh", text)
    op = Operator(broker)
    op.send("./big.sh; echo ==DONE$?")
    op.child.expect("held: ./big.sh")
    item = broker.wait_pending()[0]
    assert item["script_cut"] is True
    assert item["script_size"] == len(text)
    assert item["script_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert item["script_path"] == path
    assert "big-end" not in item["script"]
    assert any(f["rule"] == "script-too-long" for f in item["findings"])
    shown = broker.console(ESCORT, "pending").stdout
    assert f"first 16 KiB of {len(text)} bytes shown" in shown
    # Bytes past what was shown change while it waits: the approval does not cover them.
    rewrite_keeping_times(path, text[:-len(tail)] + "echo big-END\n")
    p = broker.console(ESCORT, "approve", str(item["id"]))
    assert p.returncode == 0, p.stderr
    op.child.expect("changed while it waited")
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) != "0"
    session = only_session(broker)
    op.close()
    execs = [e for e in of_type(events(broker.session_log(session)), "exec")
             if e.get("script_file") == path]
    assert execs and execs[0]["script_sha256"] == hashlib.sha256(text.encode()).hexdigest()
    assert execs[0]["script_size"] == str(len(text)) and execs[0]["script_cut"] == "yes"


def test_the_file_an_interpreter_or_make_runs_is_shown_and_bound(broker, world):
    code = "print('py-' + str(6 * 7))\n"
    path = operator_file(world, "job.py", code)
    mk = os.path.join(world, "work", "mk")
    os.makedirs(mk, exist_ok=True)
    operator_file(world, "mk/Makefile", "all:\n\t@echo made-$$((1+1))\n")
    op = Operator(broker)
    op.send("/usr/bin/python3 job.py; echo ==DONE$?")
    op.child.expect("held: /usr/bin/python3 job.py")
    item = broker.wait_pending()[0]
    assert item["script"] == code and item["script_path"] == path
    assert item["script_sha256"] == hashlib.sha256(code.encode()).hexdigest()
    rewrite_keeping_times(path, "print('py-' + str(6 * 9))\n")
    broker.console(ESCORT, "approve", str(item["id"]))
    op.child.expect("changed while it waited")
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) != "0"

    op.send("make -C mk; echo ==DONE$?")
    op.child.expect("held: make")
    item = broker.wait_pending()[0]
    assert "made-" in item["script"] and item["script_path"].endswith("/mk/Makefile")
    broker.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.close()


def test_a_session_approval_of_an_interpreters_file_is_bound_to_its_content(broker, world):
    path = operator_file(world, "report.py", "print('report-' + 'one')\n")
    op = Operator(broker)
    op.send("/usr/bin/python3 report.py; echo ==DONE$?")
    op.child.expect("held: /usr/bin/python3 report.py")
    item = broker.wait_pending()[0]
    p = broker.console(ESCORT, "approve", str(item["id"]), "--scope", "session")
    assert p.returncode == 0, p.stderr
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) == "0" and "report-one" in op.child.before
    # The same file again: the session approval covers it.
    out, status = op.run("/usr/bin/python3 report.py")
    assert status == 0 and "held" not in out and "report-one" in out
    # Rewritten (same size, timestamps restored): asked again.
    rewrite_keeping_times(path, "print('report-' + 'two')\n")
    op.send("/usr/bin/python3 report.py; echo ==DONE$?")
    which = op.child.expect(["held: /usr/bin/python3 report.py", r"==DONE(\d+)"])
    ran = "report-two" in op.child.before
    if which == 0:
        broker.console(ESCORT, "deny", str(broker.wait_pending()[0]["id"]))
        op.child.expect(r"==DONE(\d+)")
    assert which == 0 and not ran, "the rewritten file ran under the session approval"
    op.close()


def test_a_tree_approval_is_not_inherited_by_a_process_reusing_its_pid(broker, world):
    one, two = victim(world, "tree-one"), victim(world, "tree-two")
    op = Operator(broker)
    op.send(f"sh -c 'echo ROOT\"PID=$$\"; exec rm -rf {one}/inner'; echo ==DONE$?")
    op.child.expect("held: sh")
    item = broker.wait_pending()[0]
    p = broker.console(ESCORT, "approve", str(item["id"]), "--scope", "tree")
    assert p.returncode == 0, p.stderr
    op.child.expect(r"ROOTPID=(\d+)")
    root = int(op.child.match.group(1))
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) == "0" and not os.path.exists(f"{one}/inner")
    op.child.expect_exact(PROMPT)
    # The approved process has exited; a new one gets its pid (other processes
    # of a busy machine may take it first: try again).
    for _ in range(300):
        with open("/proc/sys/kernel/ns_last_pid", "w") as f:
            f.write(str(root - 1))
        op.send(f"( if [ $BASHPID = {root} ]; then echo HI\"T\"; exec rm -rf {two}/inner; fi;"
                " echo MI\"SS\" ); echo ==E\"ND\"")
        if op.child.expect(["HIT", "MISS"]) == 0:
            break
        op.child.expect_exact("==END")
        op.child.expect_exact(PROMPT)
    else:
        raise AssertionError(f"pid {root} was never given to the new process")
    which = op.child.expect(["held: rm", "==END"])
    if which == 0:
        broker.console(ESCORT, "deny", str(broker.wait_pending()[0]["id"]))
        op.child.expect_exact("==END")
    assert os.path.isdir(f"{two}/inner"), "ran under another process's tree approval"
    assert which == 0
    op.close()


def test_ctrl_c_withdraws_a_held_exec(broker, world):
    target = victim(world, "ctrl-c")
    op = Operator(broker)
    op.send(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    item = broker.wait_pending()[0]
    session = only_session(broker)
    op.child.sendcontrol("c")
    assert gone_within(broker, item["id"], 1.5), "the escort still sees the withdrawn exec"
    p = broker.console(ESCORT, "approve", str(item["id"]))
    assert p.returncode != 0 and "withdrawn" in p.stderr, p.stderr
    out, status = op.run("echo usable-$((20+1))")  # the operator's terminal is usable again
    assert "usable-21" in out and status == 0
    assert os.path.isdir(f"{target}/inner")
    op.close()
    evs = events(broker.session_log(session))
    assert any("withdrawn by the operator" in e.get("reason", "")
               for e in of_type(evs, "decision"))
    approvals = of_type(evs, "approval")
    assert [a["state"] for a in approvals] == ["withdrawn"]


def test_hang_up_refuses_what_is_held_and_withdraws_it_at_escortd(broker, world):
    target = victim(world, "hangup")
    op = Operator(broker)
    # Neither the shell nor the held program leaves on SIGHUP by itself.
    op.send(f"trap '' HUP; rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    item = broker.wait_pending()[0]
    session = only_session(broker)
    os.kill(escort_run_pid(op), signal.SIGHUP)  # what sshd does when the connection drops
    assert gone_within(broker, item["id"], 1.5), "escortd still offers the hung-up exec"
    p = broker.console(ESCORT, "approve", str(item["id"]))
    assert p.returncode != 0, p.stdout
    op.child.expect(pexpect.EOF, timeout=15)
    op.child.close()
    assert os.path.isdir(f"{target}/inner"), "an approval after the hang-up ran it"
    evs = events(broker.session_log(session))
    assert any("the session ended (hangup)" in e.get("reason", "")
               for e in of_type(evs, "decision"))
    assert of_type(evs, "session-end")[0]["reason"] == "hangup"
