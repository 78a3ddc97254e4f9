"""The README's deployment, as a new administrator follows it: the sshd
configuration copied from README.md's Deploy section (only the paths changed
to this test's), a real sshd and ssh, a real escortd, and an operator account
made with `useradd -m` so that it has the system's stock dotfiles."""
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time

import pexpect
import pytest

from conftest import ROOT, escort_bin, events, of_type, session_end
from sshlab import free_port, make_keys, sshd_config_head

OPERATOR = "escort-e2e-new"
PROMPT = re.compile(r"[$#] $")

CONFIG = f"""
operators: [{OPERATOR}]
escorts:
  root: critical
policy:
  levels: {{info: allow, low: allow, medium: ask, high: ask, critical: deny}}
"""


def readme_match_block():
    """The sshd_config block of README.md's Deploy section."""
    text = (ROOT / "README.md").read_text()
    deploy = text[text.index("## Deploy"):]
    block = re.search(r"```\n# /etc/ssh/sshd_config\n(.*?)```", deploy, re.S)
    assert block, "README's Deploy section has no sshd_config block"
    return block.group(1)


class Deployment:
    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="escort-deploy-")
        os.chmod(self.base, 0o755)
        self.escort = os.path.join(self.base, "escort")
        self.escortd = os.path.join(self.base, "escortd")
        shutil.copy(escort_bin(), self.escort)
        shutil.copy(os.path.join(os.path.dirname(escort_bin()), "escortd"), self.escortd)
        os.chmod(self.escort, 0o755)
        self.rules = os.path.join(self.base, "rules")
        shutil.copytree(ROOT / "rules", self.rules)
        subprocess.run(["chmod", "-R", "a+rX", self.rules], check=True)
        self.logs = os.path.join(self.base, "logs")
        os.makedirs(self.logs)
        os.chmod(self.logs, 0o1733)
        self.state = os.path.join(self.base, "state")
        self.socket = os.path.join(self.base, "escortd.sock")
        self.config = os.path.join(self.base, "escortd.yaml")
        with open(self.config, "w") as f:
            f.write(CONFIG)
        self.broker = None
        self.make_operator()
        self.start_sshd()

    def make_operator(self):
        try:
            pwd.getpwnam(OPERATOR)
            subprocess.run(["userdel", "-r", OPERATOR], check=False, capture_output=True)
        except KeyError:
            pass
        subprocess.run(["useradd", "-m", "-s", "/bin/bash", OPERATOR], check=True)
        subprocess.run(["usermod", "-p", "*", OPERATOR], check=True)
        self.home = pwd.getpwnam(OPERATOR).pw_dir

    def sshd_config(self):
        block = readme_match_block()
        block = block.replace("Match Group contractors", f"Match User {OPERATOR}")
        block = block.replace("/usr/local/bin/escort", self.escort)
        block = block.replace("/var/log/escort", self.logs)
        block = block.replace("/run/escort/escortd.sock", self.socket)
        # The index and rules this test's sessions use, on the same line (sshd
        # takes the first SetEnv line only).
        extra = f" ESCORT_INDEX={os.environ['ESCORT_INDEX']} ESCORT_RULES={self.rules}"
        return re.sub(r"^(\s*SetEnv .*)$", lambda m: m.group(1) + extra, block, count=1,
                      flags=re.M)

    def start_sshd(self):
        self.key = make_keys(self.base)
        auth = os.path.join(self.base, "auth")
        os.makedirs(auth)
        shutil.copy(self.key + ".pub", os.path.join(auth, OPERATOR))
        self.port = free_port()
        config = os.path.join(self.base, "sshd_config")
        with open(config, "w") as f:
            f.write(sshd_config_head(self.port, self.base, auth, [OPERATOR]) +
                    self.sshd_config())
        os.makedirs("/run/sshd", exist_ok=True)
        subprocess.run(["/usr/sbin/sshd", "-t", "-f", config], check=True)
        self.sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", config],
                                     stderr=open(os.path.join(self.base, "sshd.log"), "w"))
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)

    def start_broker(self):
        self.broker_err = open(os.path.join(self.base, "escortd.stderr"), "ab")
        self.broker = subprocess.Popen([self.escortd, "--config", self.config, "--state",
                                        self.state, "--socket", self.socket],
                                       stderr=self.broker_err,
                                       env=dict(os.environ, ESCORT_RULES=self.rules))
        for _ in range(200):
            if os.path.exists(self.socket):
                try:
                    with socket.socket(socket.AF_UNIX) as s:
                        s.connect(self.socket)
                    return
                except OSError:
                    pass
            time.sleep(0.05)
        raise AssertionError("escortd did not start")

    def stop_broker(self):
        if self.broker and self.broker.poll() is None:
            self.broker.terminate()
            self.broker.wait(timeout=10)
        self.broker = None

    def ssh_args(self, *extra):
        return ["-F", "/dev/null", "-i", self.key, "-p", str(self.port),
                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", *extra,
                f"{OPERATOR}@127.0.0.1"]

    def broker_logs(self):
        d = os.path.join(self.state, "logs")
        return sorted(os.path.join(d, n) for n in os.listdir(d)) if os.path.isdir(d) else []

    def close(self):
        self.stop_broker()
        self.sshd.terminate()
        self.sshd.wait(timeout=10)
        subprocess.run(["userdel", "-r", OPERATOR], check=False, capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="module")
def deployment():
    if os.geteuid() != 0:
        pytest.skip("starting sshd and escortd and creating an account needs root")
    d = Deployment()
    yield d
    d.close()


def test_readme_sets_every_variable_on_one_setenv_line(deployment):
    """sshd takes only the first SetEnv line that applies."""
    lines = [ln for ln in readme_match_block().splitlines() if ln.strip().startswith("SetEnv")]
    assert len(lines) == 1, lines
    assert "ESCORT_SOCKET=/run/escort/escortd.sock" in lines[0]


def test_escortd_down_refuses_the_login(deployment):
    deployment.stop_broker()
    before = set(os.listdir(deployment.logs))
    p = subprocess.run(["ssh"] + deployment.ssh_args() + ["echo ran-unsupervised"],
                       capture_output=True, timeout=60)
    assert b"ran-unsupervised" not in p.stdout
    assert p.returncode == 125, p
    assert re.search(rb"escort: refusing the session: cannot reach escortd at \S+escortd.sock",
                     p.stderr), p.stderr
    assert set(os.listdir(deployment.logs)) == before  # nothing ran, nothing recorded


def login_and_logout(d):
    child = pexpect.spawn("ssh", ["-tt"] + d.ssh_args(), encoding="utf-8", timeout=30,
                          env=dict(os.environ, TERM="xterm"))
    child.expect(PROMPT)
    child.sendline("echo logged-in-$((6*7))")
    child.expect("logged-in-42")
    child.expect(PROMPT)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before


def test_login_and_logout_with_stock_dotfiles_hold_nothing(deployment):
    deployment.start_broker()
    try:
        before = set(deployment.broker_logs())
        status, tail = login_and_logout(deployment)
        with open(os.path.join(deployment.base, "escortd.stderr"), "rb") as f:
            said = f.read().decode(errors="replace")
        assert status == 0, tail + said
        assert "held" not in tail and "refused" not in tail, tail + said
        deployment.stop_broker()  # seals nothing: the session ended already
        new = [p for p in deployment.broker_logs() if p not in before]
        assert len(new) == 1
        evs = events(new[0])
        assert session_end(evs).get("exit_status") == 0
        assert "logged-in-42" in "".join(e["data"] for e in of_type(evs, "output"))
        decided = of_type(evs, "decision")
        assert decided, "the session recorded no decision at all"
        not_allowed = [e for e in decided if e["action"] != "allow"]
        assert not not_allowed, not_allowed
    finally:
        deployment.stop_broker()


def unit_mode(key):
    text = (ROOT / "contrib" / "escortd.service").read_text()
    return int(re.search(rf"^{key}=(\d+)$", text, re.M).group(1), 8)


def run_as_operator(d, env, *command):
    env = dict({k: v for k, v in os.environ.items() if not k.startswith("ESCORT_")},
               ESCORT_LOG_DIR=d.logs, **env)
    return subprocess.run(["runuser", "-u", OPERATOR, "--", d.escort, "run", "--",
                           *(command or ["true"])], capture_output=True, text=True,
                          timeout=120, env=env, cwd=d.home)


def test_the_index_under_the_units_state_directory_is_read_by_sessions(deployment):
    """`escort index` writes /var/lib/escort/programs.index; the unit makes
    /var/lib/escort (StateDirectory) with its StateDirectoryMode."""
    state = os.path.join(deployment.base, "var-lib-escort")
    os.makedirs(state)
    os.chmod(state, unit_mode("StateDirectoryMode"))
    index = os.path.join(state, "programs.index")
    # `escort index` run by an administrator whose umask keeps files private
    subprocess.run([deployment.escort, "index", "--output", index, "/usr/bin"], check=True,
                   capture_output=True, timeout=300, preexec_fn=lambda: os.umask(0o077))
    p = run_as_operator(deployment, {"ESCORT_INDEX": index, "ESCORT_RULES": deployment.rules})
    assert p.returncode == 0, p.stderr
    assert "program index" not in p.stderr, p.stderr


def test_missing_and_unreadable_are_different_messages(deployment):
    closed = os.path.join(deployment.base, "root-only")
    os.makedirs(closed)
    os.chmod(closed, 0o700)
    shutil.copy(os.environ["ESCORT_INDEX"], os.path.join(closed, "programs.index"))
    shutil.copytree(deployment.rules, os.path.join(closed, "rules"))
    gone = os.path.join(deployment.base, "nowhere")
    cases = [("ESCORT_INDEX", "programs.index", "the program index {} {}: this session built"),
             ("ESCORT_RULES", "rules", "the rules directory {} (ESCORT_RULES) {}: ignored")]
    for var, name, message in cases:
        for where, why in ((gone, "is missing"),
                           (closed, "cannot be read by this account (permission denied)")):
            path = os.path.join(where, name)
            p = run_as_operator(deployment, {var: path})
            assert message.format(path, why) in p.stderr, (var, where, p.stderr)


def test_readmes_sshd_block_leaves_no_forwarding_outside_the_session(deployment):
    """ForceCommand covers shells and commands only: sshd's own forwarding
    (here `ssh -W`, a stream to a port on the server) must be refused."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(5)
        port = listener.getsockname()[1]
        p = subprocess.Popen(["ssh"] + deployment.ssh_args("-W", f"127.0.0.1:{port}"),
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            conn, _ = listener.accept()
            conn.close()
            reached = True
        except socket.timeout:
            reached = False
        p.kill()
        _, err = p.communicate(timeout=30)
    assert not reached, "sshd forwarded a stream outside the session"
    assert b"forwarding failed" in err or b"prohibited" in err, err
