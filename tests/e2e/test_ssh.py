"""escort behind the real OpenSSH server: as ForceCommand and as a login shell.

The test starts its own sshd on a free loopback port with its own host key,
configuration and accounts, and connects with the real ssh client."""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time

import pexpect
import pytest

from conftest import ROOT, escort_bin, events, session_end, session_start
from sshlab import free_port, make_keys, sshd_config_head

FORCED = "escort-e2e-fc"
LOGIN = "escort-e2e-ls"


def make_user(name, shell, home):
    os.makedirs(home, exist_ok=True)
    try:
        pwd.getpwnam(name)
        subprocess.run(["usermod", "-s", shell, "-d", home, name], check=True)
    except KeyError:
        subprocess.run(["useradd", "-M", "-d", home, "-s", shell, name], check=True)
    # A locked password ("!") makes sshd refuse even key logins without PAM.
    subprocess.run(["usermod", "-p", "*", name], check=True)
    shutil.chown(home, name, name)


@pytest.fixture(scope="module")
def sshd():
    if os.geteuid() != 0:
        pytest.skip("starting sshd and creating test accounts needs root")
    base = tempfile.mkdtemp(prefix="escort-ssh-")
    os.chmod(base, 0o755)
    escort = os.path.join(base, "escort")
    shutil.copy(escort_bin(), escort)
    os.chmod(escort, 0o755)
    logs = os.path.join(base, "logs")
    os.makedirs(logs)
    os.chmod(logs, 0o1777)
    auth = os.path.join(base, "auth")
    os.makedirs(auth)
    key = make_keys(base)
    make_user(FORCED, "/bin/bash", os.path.join(base, "home-fc"))
    make_user(LOGIN, escort, os.path.join(base, "home-ls"))
    for user in (FORCED, LOGIN):
        shutil.copy(key + ".pub", os.path.join(auth, user))
    # A deployment's signing key, readable by the test accounts (README:
    # root:escort 0640 with the operators in the group; here simply 0644).
    keys = os.path.join(base, "keys")
    os.makedirs(keys)
    subprocess.run([escort, "keygen", "--dir", keys], check=True, capture_output=True)
    os.chmod(os.path.join(keys, "signing.key"), 0o644)
    os.chmod(keys, 0o755)
    port = free_port()
    config = os.path.join(base, "sshd_config")
    with open(config, "w") as f:
        f.write(sshd_config_head(port, base, auth, [FORCED, LOGIN]) + f"""Subsystem sftp /usr/lib/openssh/sftp-server
SetEnv ESCORT_LOG_DIR={logs} ESCORT_INDEX={os.environ["ESCORT_INDEX"]} ESCORT_RULES={ROOT}/rules ESCORT_SIGN_KEY={keys}/signing.key
Match User {FORCED}
    ForceCommand {escort} run
""")
    os.makedirs("/run/sshd", exist_ok=True)
    subprocess.run(["/usr/sbin/sshd", "-t", "-f", config], check=True)
    server = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", config],
                              stderr=open(os.path.join(base, "sshd.log"), "w"))
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    yield {"port": port, "key": key, "logs": logs, "base": base}
    server.terminate()
    server.wait(timeout=10)
    for user in (FORCED, LOGIN):
        subprocess.run(["userdel", user], check=False)
    shutil.rmtree(base, ignore_errors=True)


def ssh_args(env, user, *extra):
    return ["-F", "/dev/null", "-i", env["key"], "-p", str(env["port"]),
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", *extra, f"{user}@127.0.0.1"]


def ssh(env, user, command, input=None):
    return subprocess.run(["ssh"] + ssh_args(env, user) + [command], input=input,
                          capture_output=True, timeout=60)


def newest_log(env, user):
    logs = sorted((os.path.getmtime(os.path.join(env["logs"], n)), n)
                  for n in os.listdir(env["logs"]) if n.startswith(user + "-"))
    assert logs, "no session log was written"
    return os.path.join(env["logs"], logs[-1][1])


def wait_for_end(path):
    deadline = time.time() + 10
    while time.time() < deadline:
        evs = events(path, check=False)
        if session_end(evs):
            return evs
        time.sleep(0.1)
    raise AssertionError(f"{path} has no session-end record")


def test_forced_command_runs_what_ssh_was_asked(sshd):
    p = ssh(sshd, FORCED, "echo hi-$((2+3)); exit 4")
    assert p.stdout == b"hi-5\n", p.stderr
    assert p.returncode == 4
    evs = wait_for_end(newest_log(sshd, FORCED))
    start = session_start(evs)
    assert start["user"] == FORCED
    assert start["origin"] == "ssh-forced-command"
    assert start["ssh_original_command"] == "echo hi-$((2+3)); exit 4"
    assert start["ssh_connection"].startswith("127.0.0.1 ")
    assert session_end(evs)["exit_status"] == 4


def test_forced_command_with_piped_input(sshd):
    p = ssh(sshd, FORCED, "wc -l", input=b"one\ntwo\nthree\n")
    assert p.stdout.strip() == b"3"
    assert p.returncode == 0


def test_forced_command_carries_bytes_unchanged(sshd):
    """Without -t, the program has pipes as under sshd itself (issue 14)."""
    p = ssh(sshd, FORCED, "cat | od -c", input=b"a\n\x04b\nc\n")
    assert p.stdout == subprocess.run(["od", "-c"], input=b"a\n\x04b\nc\n",
                                      capture_output=True).stdout, p.stderr
    data = bytes(range(256)) * 11 + os.urandom(184)  # 3000 bytes: ^D ^C ^Z \r \0 and all others
    p = ssh(sshd, FORCED, "cat; echo to-stderr >&2; exit 6", input=data)
    assert p.stdout == data
    assert p.stderr == b"to-stderr\n"
    assert p.returncode == 6
    evs = wait_for_end(newest_log(sshd, FORCED))
    assert "to-stderr" in "".join(e["data"] for e in evs if e["type"] == "error-output")
    assert session_end(evs)["exit_status"] == 6


def login_session(env, user):
    child = pexpect.spawn("ssh", ["-tt"] + ssh_args(env, user), encoding="utf-8", timeout=15)
    child.expect(r"\$ ")
    child.sendline("echo zero=$0 sum-$((20+22))")
    child.expect(r"zero=(\S+) sum-42")
    zero = child.match.group(1)
    child.sendline("exit 3")
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, zero


def test_forced_command_interactive_login(sshd):
    status, zero = login_session(sshd, FORCED)
    assert status == 3
    assert zero == "-bash"
    evs = wait_for_end(newest_log(sshd, FORCED))
    assert session_start(evs)["origin"] == "login-shell"
    assert session_start(evs)["tty"].startswith("/dev/pts/")
    assert "sum-42" in "".join(e["data"] for e in evs if e["type"] == "output")


def test_escort_as_the_login_shell_runs_a_real_shell(sshd):
    status, zero = login_session(sshd, LOGIN)
    assert status == 3
    assert zero == "-bash"
    evs = wait_for_end(newest_log(sshd, LOGIN))
    assert session_start(evs)["origin"] == "login-shell"
    assert session_start(evs)["argv"] == ["-bash"]


def test_escort_as_the_login_shell_with_a_command(sshd):
    p = ssh(sshd, LOGIN, "echo via-login-$((1+1))")
    assert p.stdout == b"via-login-2\n", p.stderr
    evs = wait_for_end(newest_log(sshd, LOGIN))
    assert session_start(evs)["origin"] == "login-shell-command"
    assert session_start(evs)["argv"] == ["/bin/bash", "-c", "echo via-login-$((1+1))"]
