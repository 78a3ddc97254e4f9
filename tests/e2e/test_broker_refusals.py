"""A session refused before it starts leaves no unsealed log in escortd's
store: refused by escortd (not an operator), nothing is created; refused by
its own session host after escortd accepted it (its log cannot be written),
escortd's copy is sealed with the refusal."""
import os
import subprocess

from conftest import events, of_type, session_end
from test_broker import OPERATOR, OUTSIDER, Broker, world  # noqa: F401 (fixture)


def run_session(broker, user, log):
    return subprocess.run(["runuser", "-u", user, "--", os.path.join(broker.base, "escort"),
                           "run", "--socket", broker.socket, "--log", log, "--",
                           "echo", "never-runs"],
                          capture_output=True, text=True, timeout=60,
                          cwd=os.path.join(broker.base, "work"),
                          env=dict(os.environ, ESCORT_RULES=os.path.join(broker.base, "rules")))


def store(broker):
    d = os.path.join(broker.state, "logs")
    return set(os.listdir(d)) if os.path.isdir(d) else set()


def test_refused_sessions_leave_no_unsealed_log(world):
    broker = Broker(world)
    try:
        before = store(broker)
        p = run_session(broker, OUTSIDER, os.path.join(world, "logs", "outsider.eslog"))
        assert p.returncode == 125
        assert "is not an operator in escortd's configuration" in p.stderr
        assert store(broker) == before, "escortd kept a log of a session it refused"

        closed = os.path.join(world, "closed")
        os.makedirs(closed, mode=0o755, exist_ok=True)  # root's: the operator cannot write
        p = run_session(broker, OPERATOR, os.path.join(closed, "op.eslog"))
        assert p.returncode == 125
        assert "never-runs" not in p.stdout
        assert "refusing to start an unrecorded session" in p.stderr, p.stderr
        new = store(broker) - before
        assert len(new) == 1, new
        log = os.path.join(broker.state, "logs", new.pop())
        broker.stop()  # what escortd has, durable
        v = broker.verify(log)
        assert v.returncode == 0, v.stdout + v.stderr
        assert "the log is not sealed" not in v.stdout
        end = session_end(events(log))
        assert end["reason"] == "refused"
        assert end["exit_status"] == 125
        assert "op.eslog" in end.get("error", ""), end
        assert not of_type(events(log), "exec")
    finally:
        broker.stop()
