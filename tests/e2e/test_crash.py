"""Crash tests: kill -9 the log writer at random points, hundreds of times.
Every record it was told is durable must survive, and after `escort recover`
the log must verify."""
import json
import os
import random
import re
import signal
import subprocess
import time

import pytest

from conftest import escort_bin, session_start

ITERATIONS = int(os.environ.get("ESCORT_CRASH_ITERATIONS", "300"))


def helper():
    path = os.path.join(os.path.dirname(escort_bin()), "..", "tests", "helpers",
                        "journal-writer")
    return os.path.normpath(path)


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("crash-keys")
    subprocess.run([escort_bin(), "keygen", "--dir", str(d)], check=True, capture_output=True)
    return d


SEGMENT_HEADER_LEN = 88  # docs/LOG-FORMAT.md


def recover_and_verify(keys, log):
    """Recovery with the auditor's secret key checks the MACs of what was not
    signed before the crash, and keeps those records."""
    r = subprocess.run([escort_bin(), "recover", "--sign-key", f"{keys}/signing.key",
                        "--auditor-key", f"{keys}/auditor.key", str(log)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    v = subprocess.run([escort_bin(), "verify", "--key", f"{keys}/signing.pub",
                        "--auditor-key", f"{keys}/auditor.key", str(log)],
                       capture_output=True, text=True, timeout=60)
    assert v.returncode == 0, v.stdout + v.stderr
    return v.stdout


def recorded_numbers(log):
    out = subprocess.run([escort_bin(), "export", "--format", "json", str(log)],
                         capture_output=True, text=True, timeout=60).stdout
    seen = set()
    for line in out.splitlines():
        ev = json.loads(line)
        if ev["type"] in ("input", "output"):
            seen.update(int(n) for n in re.findall(r"record-(\d+) ", ev["data"]))
    return seen


def test_kill_9_at_random_points_loses_nothing_acknowledged(keys, tmp_path):
    rng = random.Random(int(os.environ.get("ESCORT_CRASH_SEED", "6962")))
    worst_gap = 0
    for i in range(ITERATIONS):
        log = tmp_path / f"crash{i}.eslog"
        p = subprocess.Popen([helper(), str(log), f"{keys}/signing.key",
                              f"{keys}/auditor.pub", str(rng.choice([1, 3, 7, 40]))],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        time.sleep(rng.uniform(0.002, 0.12))
        p.send_signal(signal.SIGKILL)
        out, err = p.communicate(timeout=30)
        acked = [int(line.split()[1]) for line in out.decode().splitlines()
                 if line.startswith("durable ")]
        if not log.exists():
            assert not acked
            continue
        if not acked and log.stat().st_size < SEGMENT_HEADER_LEN:
            # Killed between creating the file and writing its header: nothing was
            # recorded (a session only starts once its first records are durable).
            log.unlink()
            continue
        recover_and_verify(keys, log)
        seen = recorded_numbers(log)
        if acked:
            missing = set(range(acked[-1] + 1)) - seen
            assert not missing, f"iteration {i}: acknowledged records lost: {sorted(missing)[:10]}"
            worst_gap = max(worst_gap, (max(seen) if seen else 0) - acked[-1])
        for f in tmp_path.glob(f"crash{i}.eslog*"):
            f.unlink()
    print(f"{ITERATIONS} crashes; at most {worst_gap} records beyond the last acknowledged one")


def test_kill_9_of_a_recording_session(keys, tmp_path):
    log = tmp_path / "s.eslog"
    p = subprocess.Popen([escort_bin(), "run", "--log", str(log), "--sign-key",
                          f"{keys}/signing.key", "--auditor-key", f"{keys}/auditor.pub", "--",
                          "sh", "-c", "echo before-crash; sleep 1; while :; do echo x; done"],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    assert p.stdout.readline() == b"before-crash\n"
    time.sleep(1.5)
    p.kill()
    p.wait()
    v = subprocess.run([escort_bin(), "verify", "--key", f"{keys}/signing.pub", str(log)],
                       capture_output=True, text=True)
    assert v.returncode == 1 and "not sealed" in v.stdout
    report = recover_and_verify(keys, log)
    assert "1 after recovery" in report
    evs = [json.loads(l) for l in subprocess.run(
        [escort_bin(), "export", "--format", "json", str(log)], capture_output=True,
        text=True).stdout.splitlines()]
    assert session_start(evs)["argv"][0] == "sh"
    assert "before-crash" in "".join(e.get("data", "") for e in evs if e["type"] == "output")
    assert any(e["type"] == "recovery" for e in evs)


def test_a_failed_fsync_is_never_retried_and_nothing_acknowledged_is_lost(keys, tmp_path):
    """strace makes the kernel's third fdatasync fail with EIO (a real fault
    injected into the real system call). The writer must not trust that file
    again: it continues in a new segment chained to the last durable point."""
    log = tmp_path / "f.eslog"
    p = subprocess.Popen(["strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=fdatasync",
                          "-e", "inject=fdatasync:error=EIO:when=3", helper(), str(log),
                          f"{keys}/signing.key", f"{keys}/auditor.pub", "5"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         start_new_session=True)
    time.sleep(1.0)
    os.killpg(p.pid, signal.SIGKILL)  # strace and the writer together
    out, _ = p.communicate(timeout=30)
    acked = [int(line.split()[1]) for line in out.decode().splitlines()
             if line.startswith("durable ")]
    assert acked, "the writer acknowledged nothing"
    assert (tmp_path / "f.eslog.1").exists(), "no new segment after the failed sync"
    report = recover_and_verify(keys, log)
    assert "1 after a failed sync" in report, report
    missing = set(range(acked[-1] + 1)) - recorded_numbers(log)
    assert not missing, sorted(missing)[:10]
