"""Hostile files cost bounded time and memory: a FIFO named like a segment, a
sparse file of gigabytes, a decompression bomb in export, and forged time
gaps in replay. Each run is bounded by a timeout and its memory measured."""
import os
import shutil
import subprocess
import time

import pytest

import eslog
from conftest import escort_bin


# Runs its arguments and prints the peak RSS of that one child (KiB): the
# test run's own RUSAGE_CHILDREN holds the largest child it ever waited for.
MEASURE = ("import resource, subprocess, sys; p = subprocess.run(sys.argv[1:]); "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
           "sys.exit(p.returncode)")


def run_bounded(args, seconds):
    """Runs args; returns (process, elapsed seconds, its peak RSS in MiB)."""
    start = time.monotonic()
    p = subprocess.run(["/usr/bin/python3", "-c", MEASURE, *args], capture_output=True,
                       timeout=seconds)
    elapsed = time.monotonic() - start
    err, _, peak = p.stderr.rstrip(b"\n").rpartition(b"\n")
    if not peak.isdigit():
        err, peak = p.stderr, b"0"
    p.stderr = err
    return p, elapsed, int(peak) / 1024


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    log = base / "s.eslog"
    p = subprocess.run([escort_bin(), "run", "--log", str(log), "--", "echo", "hello"],
                       capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert p.returncode == 0, p.stderr
    return log


def test_a_fifo_as_a_segment_is_refused_without_waiting(sealed, tmp_path):
    log = tmp_path / "s.eslog"
    shutil.copy(sealed, log)
    os.mkfifo(str(log) + ".1")
    for tool in (["verify"], ["export", "--format", "text"], ["replay"]):
        p, elapsed, _ = run_bounded([escort_bin(), *tool, str(log)], 20)
        assert p.returncode == 1, (tool, p.stdout, p.stderr)
        assert b"s.eslog.1 is not a regular file" in p.stdout + p.stderr
        assert elapsed < 5


def test_a_sparse_segment_of_gigabytes_costs_only_what_is_read(sealed, tmp_path):
    log = tmp_path / "s.eslog"
    data = sealed.read_bytes()
    with open(log, "wb") as f:
        f.write(data)
        f.truncate(len(data) + (4 << 30))  # a hole of 4 GiB after the records
    p, elapsed, rss = run_bounded([escort_bin(), "verify", str(log)], 30)
    assert p.returncode == 1 and b"NOT INTACT" in p.stdout, p.stdout
    assert elapsed < 5, elapsed
    assert rss < 256, rss


def zstd_bomb(tmp_path):
    """One zstd frame of some 50 bytes that expands to 1 MiB."""
    plain = tmp_path / "plain"
    plain.write_bytes(b"A" * (1 << 20))
    return subprocess.run(["zstd", "-19", "-c", str(plain)], capture_output=True,
                          check=True).stdout


def test_a_decompression_bomb_stops_export_with_a_clear_error(tmp_path):
    frame = zstd_bomb(tmp_path)
    assert len(frame) < 200
    session = os.urandom(16)
    out = eslog.segment_header(0, 0, session)
    out += eslog.encode_record(1, 0, 0, eslog.encode_fields([("user", "u")]))
    for seq in range(1, 3001):  # 3000 MiB of output from some 300 KB
        out += eslog.encode_record(4, seq, 0, frame, flags=1, mono=seq)
    log = tmp_path / "bomb.eslog"
    log.write_bytes(out)
    p, elapsed, rss = run_bounded([escort_bin(), "export", "--format", "json",
                                   "--max-output", str(64 << 20), str(log)], 60)
    assert p.returncode == 1
    assert b"decompresses to more than 67108864 bytes" in p.stderr, p.stderr
    assert len(p.stdout) < 200 << 20
    assert elapsed < 30, elapsed
    assert rss < 256, rss
    p = subprocess.run([escort_bin(), "export", "--help"], capture_output=True, text=True)
    assert "default 1 GiB" in p.stdout


def test_forged_time_gaps_do_not_stall_replay(tmp_path):
    session = os.urandom(16)
    year = 365 * 24 * 3600 * 10**9
    out = eslog.segment_header(0, 0, session)
    out += eslog.encode_record(1, 0, 0, eslog.encode_fields([("user", "u")]), mono=0)
    out += eslog.encode_record(4, 1, 0, b"first\r\n", mono=10 * year)
    out += eslog.encode_record(4, 2, 0, b"second\r\n", mono=20 * year)
    out += eslog.encode_record(2, 3, 0, eslog.encode_fields([("exit_status", "0\x1b[2J")]),
                               mono=20 * year)
    log = tmp_path / "gaps.eslog"
    log.write_bytes(out)
    p, elapsed, _ = run_bounded([escort_bin(), "replay", str(log)], 30)
    assert b"first\r\nsecond\r\n" in p.stdout, p.stdout
    assert elapsed < 6, elapsed  # two gaps, each capped at 2 s
    assert b"\x1b" not in p.stderr, p.stderr  # the log's text in visible form
