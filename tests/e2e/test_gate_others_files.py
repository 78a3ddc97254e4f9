"""Another account's files in the folders rated as scratch. /tmp, /var/tmp,
/dev/shm and /run/lock are scratch for everyday work, but root passes over
permissions: its session changed or replaced a service's file, socket or
shared memory there (an agent's socket in /tmp, a lock, a segment) with
nothing held. Such changes by a process that passes over permissions are
held now; the session's own files and new names in /tmp stay scratch."""
import os
import pathlib
import shutil
import socket
import tempfile

import pytest
from test_gate import Session
from test_gate_red_team3 import shown

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="needs root: the victims belong to another account")


@pytest.fixture
def theirs():
    """A folder, a file in /tmp and a shared-memory segment of another
    account, and root's own file in /tmp."""
    uid = 43000 + os.getpid() % 1000
    tag = f"escort-others-{os.getpid()}"
    folder, loose = pathlib.Path(f"/tmp/{tag}-dir"), pathlib.Path(f"/tmp/{tag}-agent")
    segment, own = pathlib.Path(f"/dev/shm/{tag}-seg"), pathlib.Path(f"/tmp/{tag}-root")
    folder.mkdir()
    for path in (folder / "file", loose, segment):
        path.write_text("theirs\n")
    own.write_text("root's\n")
    for path in (folder, folder / "file", loose, segment):
        os.chown(path, uid, uid)
    yield uid, folder, loose, segment, own
    shutil.rmtree(folder, ignore_errors=True)
    for path in (loose, segment, own, pathlib.Path(f"/tmp/{tag}-new")):
        path.unlink(missing_ok=True)


def test_FIXED_root_cannot_change_another_accounts_scratch_files(escort, tmp_path, theirs):
    uid, folder, loose, segment, own = theirs
    new = pathlib.Path(str(own).replace("-root", "-new"))
    s = Session(escort, tmp_path)
    out, _ = s.run(f"echo mine > {folder}/file; rm -f {loose}; echo mine > {segment}; "
                   f"touch {folder}/planted; chmod 700 {folder}; "
                   f"echo ok > {own}; echo ok > {new}")
    evs = s.close()
    for path in (folder / "file", loose, segment):
        assert path.read_text() == "theirs\n", path
    assert not (folder / "planted").exists()
    assert folder.stat().st_mode & 0o777 == 0o755
    assert out.count("Operation not permitted") == 5, out
    assert own.read_text() == "ok\n" and new.read_text() == "ok\n"
    text = shown(evs)
    assert f"Changes {loose}, which belongs to another account ({uid})" in text, text
    assert f"Changes {folder}/planted, in a folder of another account ({uid})" in text, text
    refused = {(e["change"], e["path"]) for e in evs
               if e["type"] == "decision" and "change" in e and e["action"] == "deny"}
    assert refused >= {("truncate", str(folder / "file")), ("delete", str(loose)),
                       ("truncate", str(segment)), ("create", str(folder / "planted")),
                       ("mode", str(folder))}, refused
    assert not any(e.get("path") in (str(own), str(new)) for e in evs
                   if e["type"] == "decision" and e.get("action") == "deny")


def test_an_ordinary_account_changes_what_the_owner_opened_to_it(escort, theirs):
    """Without root's rights only what the owner let others write can be
    changed: a world-writable file of another account in /tmp is the owner's
    choice, and stays scratch (nothing held, nothing refused)."""
    from test_broker import make_user
    uid, folder, loose, segment, own = theirs
    name = "escort-others"
    make_user(name)
    os.chmod(loose, 0o666)
    base = pathlib.Path(tempfile.mkdtemp(prefix="escort-others-"))
    try:
        os.chmod(base, 0o777)
        s = Session(escort, base, wrap=["runuser", "-u", name, "--"])
        out, status = s.run(f"echo shared >> {loose}")
        evs = s.close()
        assert status == 0 and "escort:" not in out, out
        assert loose.read_text() == "theirs\nshared\n"
        assert not [e for e in evs if e["type"] == "decision" and e["action"] != "allow"]
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def agent():
    """Another account's listening socket in its private folder (as
    ssh-agent keeps one in /tmp/ssh-*), and one in a folder open to all."""
    uid = 44000 + os.getpid() % 1000
    private = pathlib.Path(tempfile.mkdtemp(prefix="ssh-escort-"))
    public = pathlib.Path(tempfile.mkdtemp(prefix="escort-public-"))
    listeners = []
    for folder in (private, public):
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(folder / "agent.1"))
        s.listen(8)
        listeners.append(s)
        os.chown(folder / "agent.1", uid, uid)
        os.chown(folder, uid, uid)
    os.chmod(private, 0o700)
    os.chmod(public, 0o755)
    link = pathlib.Path(f"/tmp/escort-agent-link-{os.getpid()}")
    link.symlink_to(private / "agent.1")
    yield uid, private / "agent.1", public / "agent.1", link, listeners[0]
    for s in listeners:
        s.close()
    link.unlink(missing_ok=True)
    for folder in (private, public):
        shutil.rmtree(folder, ignore_errors=True)
    pathlib.Path(f"/tmp/escort-agent-hard-{os.getpid()}").unlink(missing_ok=True)


CONNECT_PY = """import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
print("link", "up")
"""


def test_FIXED_root_cannot_use_another_accounts_private_socket(escort, tmp_path, agent):
    """A root session connected to another account's ssh-agent socket in
    its 0700 folder (signing with that account's keys) as to any local
    socket. Held now, through a symlink too; a hard link to it is held as
    a change to another account's file; a socket in a folder open to all
    (a service's) still connects."""
    uid, private, public, link, _ = agent
    hard = f"/tmp/escort-agent-hard-{os.getpid()}"
    (tmp_path / "connect.py").write_text(CONNECT_PY)
    connect = f"/usr/bin/python3 {tmp_path}/connect.py "
    s = Session(escort, tmp_path)
    out_private, _ = s.run(connect + str(private) + " 2>&1")
    out_link, _ = s.run(connect + str(link) + " 2>&1")
    out_hard, _ = s.run(f"ln {private} {hard} 2>&1")
    out_public, _ = s.run(connect + str(public) + " 2>&1")
    evs = s.close()
    assert "link up" not in out_private and "PermissionError" in out_private, out_private
    assert "link up" not in out_link and "PermissionError" in out_link, out_link
    assert not os.path.exists(hard), out_hard
    assert "link up" in out_public, out_public
    text = shown(evs)
    assert f"Uses a socket that account {uid} keeps in its private folder" in text, text

