"""The session host's signing key is not the operator's: escort installed
set-group-id escort-host reads /etc/escort/signing.key (root:escort-host,
0640) with that group, gives the group up, and signs the host's copy of the
log with it. The operator's account cannot read the key, cannot have escort
read it for them, and `escort recover` (which signs a log's end) does not get
it. /etc/escort is a key directory of the test's own, bind-mounted in a
private mount namespace."""
import grp
import os
import shutil
import subprocess
import tempfile

import pytest

import eslog

from conftest import ROOT, escort_bin
from test_broker import OPERATOR, make_user

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="accounts and mounts need root")

GROUP = "escort-host"
KEYDIR = "/etc/escort"


@pytest.fixture
def lab():
    """A set-gid escort, a key directory given to its group, a log folder."""
    make_user(OPERATOR)
    if subprocess.run(["getent", "group", GROUP], capture_output=True).returncode != 0:
        subprocess.run(["groupadd", "--system", GROUP], check=True)
    base = tempfile.mkdtemp(prefix="escort-sgkey-")
    os.chmod(base, 0o755)
    keys = os.path.join(base, "keys")
    os.mkdir(keys)
    subprocess.run([escort_bin(), "keygen", "--dir", keys], check=True, capture_output=True)
    os.chown(os.path.join(keys, "signing.key"), 0, grp.getgrnam(GROUP).gr_gid)
    os.chmod(os.path.join(keys, "signing.key"), 0o640)
    os.chmod(keys, 0o755)
    for name, mode in (("escort-sg", 0o2755), ("escort-plain", 0o755)):
        shutil.copy(escort_bin(), os.path.join(base, name))
        os.chown(os.path.join(base, name), 0, grp.getgrnam(GROUP).gr_gid)
        os.chmod(os.path.join(base, name), mode)
    shutil.copytree(ROOT / "rules", os.path.join(base, "rules"))
    subprocess.run(["chmod", "-R", "a+rX", os.path.join(base, "rules")], check=True)
    os.makedirs(os.path.join(base, "logs"))
    os.chmod(os.path.join(base, "logs"), 0o1777)
    made = not os.path.isdir(KEYDIR)
    os.makedirs(KEYDIR, exist_ok=True)
    yield base
    shutil.rmtree(base, ignore_errors=True)
    if made:
        os.rmdir(KEYDIR)


def as_operator(base, argv, env=()):
    """argv as the operator (clean environment plus env), with the lab's keys
    as /etc/escort."""
    script = 'mount --bind "$0" /etc/escort && u=$1 && shift && exec runuser -u "$u" -- env -i "$@"'
    e = {"PATH": "/usr/bin:/bin", "ESCORT_RULES": os.path.join(base, "rules"), **dict(env)}
    assigns = [f"{k}={v}" for k, v in e.items()]
    return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script,
                           os.path.join(base, "keys"), OPERATOR, *assigns, *argv],
                          capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


def verify(base, log):
    return subprocess.run([escort_bin(), "verify", "--key",
                           os.path.join(base, "keys", "signing.pub"), log],
                          capture_output=True, text=True)


def key_secret(base):
    return open(os.path.join(base, "keys", "signing.key")).read().strip().split("+")[-1]


def test_the_set_gid_session_signs_with_the_key_the_operator_cannot_read(lab):
    p = as_operator(lab, ["cat", f"{KEYDIR}/signing.key"])
    assert p.returncode != 0 and "Permission denied" in p.stderr, p.stdout + p.stderr
    log = os.path.join(lab, "logs", "sg.eslog")
    p = as_operator(lab, [os.path.join(lab, "escort-sg"), "run", "--log", log, "--", "true"])
    assert p.returncode == 0, p.stderr
    assert "no signing key" not in p.stderr, p.stderr
    v = verify(lab, log)
    assert v.returncode == 0 and "made for this session only" not in v.stdout, v.stdout + v.stderr


def test_without_the_set_gid_install_the_session_has_no_key_and_says_so(lab):
    log = os.path.join(lab, "logs", "plain.eslog")
    p = as_operator(lab, [os.path.join(lab, "escort-plain"), "run", "--log", log, "--", "true"])
    assert p.returncode == 0, p.stderr
    assert "WARNING: no signing key" in p.stderr and "cannot read it" in p.stderr, p.stderr
    assert verify(lab, log).returncode != 0


def test_the_operator_cannot_make_escort_read_the_key_for_them(lab):
    secret = key_secret(lab)
    log = os.path.join(lab, "logs", "env.eslog")
    # The key named in the environment is read with the operator's own rights.
    p = as_operator(lab, [os.path.join(lab, "escort-sg"), "run", "--log", log, "--", "true"],
                    env={"ESCORT_SIGN_KEY": f"{KEYDIR}/signing.key"})
    assert p.returncode != 0 and "Permission denied" in p.stderr, p.stderr
    assert secret not in p.stdout + p.stderr
    # A program the session runs does not inherit the group or the key.
    p = as_operator(lab, [os.path.join(lab, "escort-sg"), "run", "--log",
                          os.path.join(lab, "logs", "cat.eslog"), "--", "sh", "-c",
                          f"id -G; cat {KEYDIR}/signing.key"])
    gid = str(grp.getgrnam(GROUP).gr_gid)
    assert gid not in p.stdout.split() and secret not in p.stdout + p.stderr, p.stdout
    # Closing a log (escort recover signs its end) is not a session: no key for it.
    log = os.path.join(lab, "logs", "sg.eslog")
    p = as_operator(lab, [os.path.join(lab, "escort-sg"), "run", "--log", log, "--", "true"])
    assert p.returncode == 0, p.stderr
    data = open(log, "rb").read()
    with open(log, "wb") as f:
        f.write(data[:eslog.records(data)[-1].off])  # its sealing checkpoint cut off
    p = as_operator(lab, [os.path.join(lab, "escort-sg"), "recover", log])
    assert "WARNING: no signing key" in p.stderr, p.stdout + p.stderr
    assert secret not in p.stdout + p.stderr
