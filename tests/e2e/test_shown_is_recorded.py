"""What the session shows is what the recording shows (issue 14): escort's
own lines to the operator are in the recording, replay takes its options
after the path and never makes the auditor's terminal type answers, the
line shown beside an exec is the one typed to the shell, and the escort's
console asks for a typed name only when escortd would take the approval.
Real PTYs and a real escortd, with the fixtures of test_broker."""
import os
import time

import pexpect
from conftest import escort_bin, events, of_type
from test_broker import ESCORT, OPERATOR, Broker, Operator, broker, only_session, world  # noqa: F401


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
