"""Red team of the gate, sixth round: another account's files in scratch
folders, and other programs' message queues, reached around the gate as an
operator with a shell, python3 and root would try them.

Each attack is a real session on a real PTY, as root; the program they run is
tests/e2e/red/red6.py. Tests marked FIXED failed before the fix in src/gate/
that came with them."""
import ctypes
import fcntl
import os
import pathlib
import subprocess
import uuid

import pytest
from test_gate import Session
from test_gate_others_files import theirs  # noqa: F401 (a fixture)
from test_gate_red_team3 import refusals as denied, shown
from test_gate_red_team4 import loop_ext4  # noqa: F401 (a fixture)

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="needs root: the victims belong to other accounts")

RED = pathlib.Path(__file__).resolve().parent / "red"
PY = "/usr/bin/python3"


def attack(s, *args):
    out, _ = s.run(f"{PY} {RED}/red6.py {' '.join(str(a) for a in args)} 2>&1")
    return out


def test_FIXED_cap_chown_alone_cannot_take_another_accounts_file(escort, tmp_path, theirs):
    """Another account's file in /tmp is held only for a process that passes
    over permissions, which meant root's file-system user, CAP_DAC_OVERRIDE
    or CAP_FOWNER. Root's session became nobody for files (setfsuid), kept
    CAP_CHOWN alone in its effective set (capset), gave the file to nobody
    and wrote it as its new owner: the account's file was taken and
    overwritten, all as scratch, nothing held."""
    uid, folder, loose, segment, own = theirs
    s = Session(escort, tmp_path)
    out = attack(s, "chown", loose)
    evs = s.close()
    assert loose.stat().st_uid == uid, "the file was given away"
    assert loose.read_text() == "theirs\n", "the file was overwritten"
    assert "chown Operation not permitted" in out, out
    text = shown(evs)
    assert f"Changes {loose}, which belongs to another account ({uid})" in text, text
    refused = [e for e in evs if e["type"] == "decision" and e.get("change") == "owner"
               and e["action"] == "deny"]
    assert [e["path"] for e in refused] == [str(loose)], refused


def test_FIXED_cap_dac_read_search_cannot_reach_into_a_private_folder(escort, tmp_path, theirs):
    """A file open to all (0666) inside another account's private folder
    (0700) in /tmp is open only to those its owner lets into the folder.
    Root's session became nobody for files and kept CAP_DAC_READ_SEARCH
    alone, which passes over the folder's permission, and wrote the file:
    not root's rights, so nothing held."""
    uid, folder, loose, segment, own = theirs
    os.chmod(folder, 0o700)
    os.chmod(folder / "file", 0o666)
    s = Session(escort, tmp_path)
    out = attack(s, "reach", folder / "file")
    evs = s.close()
    assert (folder / "file").read_text() == "theirs\n", "the file was written"
    assert "write Operation not permitted" in out, out
    text = shown(evs)
    assert f"Changes {folder}/file, which belongs to another account ({uid})" in text, text


def test_FIXED_cap_sys_admin_alone_cannot_mark_another_accounts_file(escort, tmp_path, theirs):
    """trusted.* attributes are set with CAP_SYS_ADMIN, whoever owns the
    file: root's session, nobody for files with CAP_SYS_ADMIN alone, set one
    on another account's file in /tmp, nothing held."""
    uid, folder, loose, segment, own = theirs
    s = Session(escort, tmp_path)
    out = attack(s, "trusted", loose)
    evs = s.close()
    assert "trusted.escort-red6" not in os.listxattr(loose), "the file was marked"
    assert "xattr Operation not permitted" in out, out
    assert f"Changes {loose}, which belongs to another account ({uid})" in shown(evs)


@pytest.fixture
def mqueue_fs():
    """/dev/mqueue, where systemd mounts the queues' file system on every
    machine it starts (this test machine has none)."""
    path = pathlib.Path("/dev/mqueue")
    made = not path.exists()
    path.mkdir(exist_ok=True)
    mounted = subprocess.run(["mountpoint", "-q", str(path)]).returncode == 0
    if not mounted:
        subprocess.run(["mount", "-t", "mqueue", "mqueue", str(path)], check=True)
    yield path
    if not mounted:
        subprocess.run(["umount", str(path)], check=True)
    if made:
        path.rmdir()


def test_FIXED_a_services_queue_cannot_be_read_through_a_path(escort, tmp_path, mqueue_fs):
    """mq_open of a queue that exists is refused (round 4), but a queue can
    be opened without it: /dev/mqueue shows every queue of the machine as a
    file, and /proc/PID/fd/N of a service's queue descriptor opens it again;
    both are opens for reading, which are not trapped, and give a descriptor
    the mq_ calls take. Root's session took a service's messages out of its
    queue with mq_timedreceive both ways (and could hold its one
    notification slot with mq_notify, so the service's own failed with
    EBUSY), nothing held. A queue the session makes new still works,
    notification too."""
    rt = ctypes.CDLL("librt.so.1", use_errno=True)
    name = f"/escort-red6-{uuid.uuid4().hex[:8]}"
    q = rt.mq_open(name.encode(), os.O_RDWR | os.O_CREAT | os.O_NONBLOCK, 0o600, None)
    assert q >= 0
    for secret in (b"SECRET1", b"SECRET2"):
        assert rt.mq_send(q, secret, len(secret), 0) == 0
    try:
        s = Session(escort, tmp_path)
        through_fs = attack(s, "mqpath", f"{mqueue_fs}{name}")
        through_proc = attack(s, "mqpath", f"/proc/{os.getpid()}/fd/{q}")
        own = attack(s, "own-mqueue", name + "-own")
        evs = s.close()
        buf = ctypes.create_string_buffer(8192)
        got = []
        for _ in range(2):
            n = rt.mq_receive(q, buf, 8192, None)
            got.append(buf.raw[:n] if n >= 0 else None)
        assert got == [b"SECRET1", b"SECRET2"], "the service's messages were taken"
        for out in (through_fs, through_proc):
            assert "receive Operation not permitted" in out, out
            assert "notify Operation not permitted" in out, out
        assert "own-mqueue 0 b'mine' 0" in own and "escort:" not in own, own
        assert len(denied(evs, "mq_timedreceive")) == 2 and len(denied(evs, "mq_notify")) == 2
        assert f"escort: refused: mq_timedreceive on {mqueue_fs}{name}" in shown(evs)
    finally:
        rt.mq_unlink(name.encode())
        rt.mq_unlink((name + "-own").encode())


def reserved_blocks(mnt):
    """The ext4 superblock's count of blocks kept for root, as the kernel has it."""
    params = bytearray(232)
    fd = os.open(mnt, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.ioctl(fd, 0x80E8662D, params)  # EXT4_IOC_GET_TUNE_SB_PARAM
    except OSError:
        pytest.skip("this kernel has no EXT4_IOC_GET_TUNE_SB_PARAM (Linux 6.18)")
    finally:
        os.close(fd)
    return int.from_bytes(params[24:32], "little")


def test_FIXED_a_file_system_cannot_be_retuned(escort, tmp_path, loop_ext4):
    """EXT4_IOC_SET_TUNE_SB_PARAM (Linux 6.18, what tune2fs uses on a
    mounted file system) on any folder of it opened for reading: root's
    session changed the blocks kept for root (ordinary accounts then find
    the disk full), and could have set what an error does (panic), the mount
    options and features, for the whole machine, with nothing held. Refused
    as the other whole-file-system commands (FIFREEZE, a new label)."""
    dev, mnt = loop_ext4
    before = reserved_blocks(mnt)
    s = Session(escort, tmp_path)
    out = attack(s, "tune", mnt, before + 1000)
    evs = s.close()
    assert reserved_blocks(mnt) == before, "the file system was retuned"
    assert f"reserved before {before}" in out and "tune Operation not permitted" in out, out
    assert len(denied(evs, "ioctl")) == 1
    assert f"escort: refused: ioctl on {mnt} -- Freezes, shuts down, resizes, renames or " \
        "retunes" in shown(evs)


@pytest.fixture
def encrypting_ext4(tmp_path):
    """An ext4 file system with fscrypt on (-O encrypt) on a loop device of
    its own, mounted outside the session, and an empty folder of another
    account there (a service's spool, say)."""
    image, mnt = tmp_path / "crypt.img", tmp_path / "crypt"
    mnt.mkdir()
    subprocess.run(["truncate", "-s", "32M", str(image)], check=True)
    if subprocess.run(["mkfs.ext4", "-q", "-F", "-O", "encrypt", str(image)]).returncode != 0 or \
            subprocess.run(["mount", "-o", "loop", str(image), str(mnt)]).returncode != 0:
        pytest.skip("cannot mount an ext4 file system with encryption here")
    spool = mnt / "spool"
    spool.mkdir()
    os.chown(spool, 43999, 43999)
    yield spool
    subprocess.run(["umount", "-l", str(mnt)])


def test_FIXED_another_accounts_folder_cannot_be_encrypted(escort, tmp_path, encrypting_ext4):
    """FS_IOC_SET_ENCRYPTION_POLICY on an empty folder opened for reading
    (its owner may, and root passes over the owner): root's session gave
    another account's empty folder an encryption policy whose key nobody
    has, and from then on no file could be made there, by anyone, for good
    (ENOKEY), with no change the file gate saw. Refused now, with removing
    every user's claim to a key (which locks encrypted folders)."""
    spool = encrypting_ext4
    s = Session(escort, tmp_path)
    out = attack(s, "encrypt", spool)
    evs = s.close()
    (spool / "job").write_text("still takes files\n")
    assert "encrypt Operation not permitted" in out, out
    assert len(denied(evs, "ioctl")) == 1
    assert f"escort: refused: ioctl on {spool} -- Encrypts the folder {spool}" in shown(evs)
