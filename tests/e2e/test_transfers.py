"""File transfers through escort as sshd's ForceCommand (issue 14): scp (SFTP
and legacy -O), sftp, rsync and git over the real OpenSSH server and client,
and the transfer records an auditor reads: path, size, SHA-256, direction."""
import hashlib
import os
import shutil
import subprocess

import pytest

from conftest import of_type
from test_ssh import FORCED, newest_log, ssh_args, sshd, wait_for_end  # noqa: F401


def home(env):
    return os.path.join(env["base"], "home-fc")


def ssh_command(env):
    """The ssh that scp, sftp, rsync and git run, as a single command line."""
    return " ".join(["ssh"] + ssh_args(env, FORCED)[:-1])


def opts(env, port_flag):
    return ["-F", "/dev/null", "-i", env["key"], port_flag, str(env["port"]),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "LogLevel=ERROR"]


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, timeout=90, **kw)
    assert p.returncode == 0, (cmd, p.stdout, p.stderr)
    return p


def sha(data):
    return hashlib.sha256(data).hexdigest()


def as_account(path, data):
    with open(path, "wb") as f:
        f.write(data)
    shutil.chown(path, FORCED, FORCED)


def transfers(env):
    evs = wait_for_end(newest_log(env, FORCED))
    return of_type(evs, "transfer")


def assert_recorded(records, direction, path, data):
    mine = [r for r in records if r.get("path") == path and r["direction"] == direction]
    assert mine, (path, records)
    r = mine[-1]
    assert int(r["size"]) == len(data), r
    assert r["sha256"] == sha(data), r
    return mine


def assert_sftp_recorded(records, direction, path, data):
    """One record for the file, from the SFTP stream, with the right hash."""
    mine = assert_recorded(records, direction, path, data)
    assert len(mine) == 1, mine
    assert mine[0]["seen"] == "sftp-stream", mine
    if direction == "download":  # the whole file, not its beginning
        assert mine[0]["end_of_file"] == "reached", mine


@pytest.fixture
def local(tmp_path):
    return tmp_path


@pytest.mark.parametrize("mode", ["-O", "sftp"])
def test_scp_upload_is_recorded_with_its_hash(sshd, local, mode):
    data = os.urandom(200_000) + b"\x04\x03\x1a\r\n\x00"
    src = local / "up.bin"
    src.write_bytes(data)
    name = f"up-{mode.strip('-')}.bin"
    flags = ["-O"] if mode == "-O" else []
    run(["scp", "-q"] + flags + opts(sshd, "-P") + [str(src), f"{FORCED}@127.0.0.1:{name}"])
    target = os.path.join(home(sshd), name)
    assert open(target, "rb").read() == data
    if mode == "-O":
        assert_recorded(transfers(sshd), "upload", target, data)
    else:
        assert_sftp_recorded(transfers(sshd), "upload", target, data)


@pytest.mark.parametrize("mode", ["-O", "sftp"])
def test_scp_download(sshd, local, mode):
    data = os.urandom(150_000)
    name = f"down-{mode.strip('-')}.bin"
    as_account(os.path.join(home(sshd), name), data)
    flags = ["-O"] if mode == "-O" else []
    run(["scp", "-q"] + flags + opts(sshd, "-P") + [f"{FORCED}@127.0.0.1:{name}",
                                                   str(local / "got.bin")])
    assert (local / "got.bin").read_bytes() == data
    if mode == "-O":  # scp -f names what it sends
        assert_recorded(transfers(sshd), "download", name, data)
    else:  # SFTP: the stream escort relays, as the file is closed
        assert_sftp_recorded(transfers(sshd), "download", os.path.join(home(sshd), name), data)


def test_sftp_batch_put_and_get(sshd, local):
    up = os.urandom(64_000)
    down = os.urandom(32_000)
    (local / "put.bin").write_bytes(up)
    as_account(os.path.join(home(sshd), "for-get.bin"), down)
    batch = local / "batch"
    batch.write_text(f"put {local}/put.bin sftp-put.bin\nget for-get.bin {local}/got.bin\n")
    run(["sftp", "-b", str(batch)] + opts(sshd, "-P") + [f"{FORCED}@127.0.0.1"])
    target = os.path.join(home(sshd), "sftp-put.bin")
    assert open(target, "rb").read() == up
    assert (local / "got.bin").read_bytes() == down
    records = transfers(sshd)
    assert_sftp_recorded(records, "upload", target, up)
    assert_sftp_recorded(records, "download", os.path.join(home(sshd), "for-get.bin"), down)


def test_sftp_get_of_large_empty_and_odd_sized_files(sshd, local):
    """Many reads in flight (a 3 MB file), an empty file and one ending
    mid-block: each download is one record with its size and SHA-256."""
    files = {"big.bin": os.urandom(3 * 1024 * 1024 + 17), "empty.bin": b"",
             "odd.bin": os.urandom(32768 * 2 + 1)}
    for name, data in files.items():
        as_account(os.path.join(home(sshd), name), data)
    batch = local / "batch"
    batch.write_text("".join(f"get {n} {local}/{n}\n" for n in files))
    run(["sftp", "-b", str(batch)] + opts(sshd, "-P") + [f"{FORCED}@127.0.0.1"])
    records = transfers(sshd)
    for name, data in files.items():
        assert (local / name).read_bytes() == data
        assert_sftp_recorded(records, "download", os.path.join(home(sshd), name), data)


def test_scp_sftp_mode_folder_download_has_a_record_per_file(sshd, local):
    tree = os.path.join(home(sshd), "tree")
    files = {"a.txt": b"alpha\n" * 3000, "sub/b.bin": os.urandom(80_000), "sub/empty": b""}
    for rel, data in files.items():
        os.makedirs(os.path.dirname(os.path.join(tree, rel)), exist_ok=True)
        as_account(os.path.join(tree, rel), data)
    subprocess.run(["chown", "-R", f"{FORCED}:{FORCED}", tree], check=True)
    run(["scp", "-q", "-r"] + opts(sshd, "-P") + [f"{FORCED}@127.0.0.1:tree", str(local / "got")])
    records = transfers(sshd)
    for rel, data in files.items():
        assert (local / "got" / rel).read_bytes() == data
        assert_sftp_recorded(records, "download", os.path.join(tree, rel), data)


def test_sftp_resumed_get_says_why_it_has_no_hash(sshd, local):
    """reget reads from where the local copy ends: the content that crossed
    the stream is not the file from its beginning, and the record says so
    rather than giving a hash of something that is not the file."""
    data = os.urandom(100_000)
    as_account(os.path.join(home(sshd), "resumed.bin"), data)
    (local / "resumed.bin").write_bytes(data[:30_000])
    batch = local / "batch"
    batch.write_text(f"reget resumed.bin {local}/resumed.bin\n")
    run(["sftp", "-b", str(batch)] + opts(sshd, "-P") + [f"{FORCED}@127.0.0.1"])
    assert (local / "resumed.bin").read_bytes() == data
    path = os.path.join(home(sshd), "resumed.bin")
    mine = [r for r in transfers(sshd) if r.get("path") == path]
    assert len(mine) == 1 and mine[0]["direction"] == "download", mine
    r = mine[0]
    assert "sha256" not in r and "size" not in r, r
    assert int(r["bytes"]) == 70_000 and "beginning" in r["not_hashed"], r
    assert r["end_of_file"] == "reached", r


def test_rsync_both_ways(sshd, local):
    src = local / "tree"
    (src / "sub").mkdir(parents=True)
    files = {"a.txt": b"alpha\n" * 1000, "sub/b.bin": os.urandom(70_000)}
    for rel, data in files.items():
        (src / rel).write_bytes(data)
    run(["rsync", "-a", "-e", ssh_command(sshd), f"{src}/", f"{FORCED}@127.0.0.1:synced/"])
    remote = os.path.join(home(sshd), "synced")
    records = transfers(sshd)
    for rel, data in files.items():
        assert open(os.path.join(remote, rel), "rb").read() == data
        assert_recorded(records, "upload", os.path.join(remote, rel), data)
    back = local / "back"
    run(["rsync", "-a", "-e", ssh_command(sshd), f"{FORCED}@127.0.0.1:synced/", f"{back}/"])
    records = transfers(sshd)
    for rel, data in files.items():
        assert (back / rel).read_bytes() == data
        assert_recorded(records, "download", os.path.join("synced", rel), data)


def git(*args, cwd=None, env=None):
    return run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com",
                "-c", "init.defaultBranch=main"] + list(args), cwd=cwd, env=env)


def test_git_clone_and_push(sshd, local):
    repo = os.path.join(home(sshd), "app.git")
    subprocess.run(["runuser", "-u", FORCED, "--", "git", "init", "-q", "--bare",
                    "--initial-branch=main", repo], check=True)
    env = dict(os.environ, GIT_SSH_COMMAND=ssh_command(sshd).replace(
        f" -p {sshd['port']}", ""))
    url = f"ssh://{FORCED}@127.0.0.1:{sshd['port']}{repo}"
    work = local / "work"
    git("clone", "-q", url, str(work), env=env)
    (work / "README").write_text("pushed through escort\n")
    git("add", "README", cwd=work)
    git("commit", "-q", "-m", "first", cwd=work)
    git("push", "-q", "origin", "main", cwd=work, env=env)
    pushed = transfers(sshd)
    assert pushed and all(r["direction"] == "upload" for r in pushed)
    assert any(r["path"].startswith(repo + "/") and "sha256" in r for r in pushed)
    again = local / "again"
    git("clone", "-q", url, str(again), env=env)
    assert (again / "README").read_text() == "pushed through escort\n"
    fetched = transfers(sshd)
    assert fetched[0]["direction"] == "download" and fetched[0]["kind"] == "repository"
