"""Shared helpers for escort's end-to-end tests: real PTYs, real processes."""
import json
import os
import pathlib
import shutil
import subprocess
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def escort_bin():
    path = os.environ.get("ESCORT_BIN", str(ROOT / "build" / "src" / "escort"))
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"escort binary not found at {path}: build first or set ESCORT_BIN")
    return path


def pytest_configure(config):
    """The exec gate's index of system programs, built once for all tests (as
    an administrator runs `escort index`) and named by ESCORT_INDEX before any
    test module copies the environment."""
    if os.environ.get("ESCORT_INDEX"):
        return
    directory = tempfile.mkdtemp(prefix="escort-index-")
    os.chmod(directory, 0o755)  # sessions of the test accounts read it too
    path = os.path.join(directory, "programs.index")
    subprocess.run([escort_bin(), "index", "--output", path], check=True,
                   capture_output=True, timeout=300)
    os.environ["ESCORT_INDEX"] = path
    config.escort_index_dir = directory


def pytest_unconfigure(config):
    directory = getattr(config, "escort_index_dir", None)
    if directory:
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def escort():
    return escort_bin()




def export(path, fmt="json", check=True):
    """Runs escort export and returns (stdout, stderr, returncode)."""
    p = subprocess.run([escort_bin(), "export", "--format", fmt, str(path)],
                       capture_output=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"export failed ({p.returncode}): {p.stderr.decode()}")
    return p.stdout, p.stderr.decode(), p.returncode


def events(path, check=True):
    out, _, _ = export(path, "json", check=check)
    # One object a line; not splitlines(): recorded bytes may hold U+2028 or U+0085.
    return [json.loads(line) for line in out.decode().split("\n") if line]


def session_start(evs):
    return of_type(evs, "session-start")[0]


def session_end(evs):
    """The session-end record, or an empty dict when the log has none."""
    ends = of_type(evs, "session-end")
    return ends[-1] if ends else {}


def of_type(evs, kind):
    return [e for e in evs if e["type"] == kind]


def joined(evs, kind):
    return "".join(e["data"] for e in of_type(evs, kind))


@pytest.fixture
def small_fs(tmp_path):
    """Mounts a small tmpfs (options such as "size=256k" or "ro") for disk-full
    and read-only tests. Mounting needs root, which CI has."""
    mounts = []

    def make(options):
        if os.geteuid() != 0:
            pytest.skip("mounting a test filesystem needs root")
        mnt = tmp_path / f"fs{len(mounts)}"
        mnt.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "escort-test", str(mnt)],
                       check=True)
        mounts.append(mnt)
        return mnt

    yield make
    for mnt in mounts:
        subprocess.run(["umount", "-l", str(mnt)], check=False)
