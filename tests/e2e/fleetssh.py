"""A real sshd in each enrolled host's network namespace: the operator logs
in from the operators' namespace over its own link to the host (netns.py:
not the host's link to escortd, which tests cut and slow down) and sshd's
ForceCommand starts `escort run`, which reaches escortd over TLS with the
host's enrolment. Keys only, no PAM."""
import os
import pexpect
import subprocess
import tempfile
import time

from opshell import PROMPT, OperatorShell
from sshlab import make_keys, sshd_config_head
from test_broker import OPERATOR

SSH_PORT = 2222


def unlock_for_keys(user):
    """sshd without PAM refuses an account whose password is locked ("!"):
    "*" lets keys in and still no password."""
    p = subprocess.run(["getent", "shadow", user], capture_output=True, text=True, check=True)
    if p.stdout.split(":")[1].startswith("!"):
        subprocess.run(["usermod", "-p", "*", user], check=True)


class HostSshd:
    """sshd listening on the host's address on the operators' network, in the
    host's namespace. broker: another escortd for `escort run` than the one
    the host enrolled with (ESCORT_BROKER), e.g. a man in the middle;
    directory: another host directory than the host's enrolment (key,
    certificate), e.g. a forged one."""

    def __init__(self, fl, host, broker=None, directory=None):
        self.fl, self.host = fl, host
        ns = fl.ns(host)
        self.address = fl.lab.operator_address(ns)
        self.base = tempfile.mkdtemp(prefix=f"sshd-{host}-", dir=fl.world)
        os.chmod(self.base, 0o755)
        auth = os.path.join(self.base, "auth")
        os.makedirs(auth)
        self.key = make_keys(self.base)
        subprocess.run(["cp", self.key + ".pub", os.path.join(auth, OPERATOR)], check=True)
        unlock_for_keys(OPERATOR)
        config = os.path.join(self.base, "sshd_config")
        escort = os.path.join(fl.world, "escort")
        head = sshd_config_head(SSH_PORT, self.base, auth, [OPERATOR])
        head = head.replace("ListenAddress 127.0.0.1", f"ListenAddress {self.address}")
        env = f"ESCORT_HOST_DIR={directory or fl.dirs[host]} ESCORT_RULES={fl.world}/rules " \
              f"ESCORT_LOG_DIR={fl.world}/logs" + (f" ESCORT_BROKER={broker}" if broker else "")
        with open(config, "w") as f:
            f.write(head + f"""SetEnv {env}
ForceCommand PS1='{PROMPT}' exec {escort} run -- bash --norc --noprofile -i
""")
        os.makedirs("/run/sshd", exist_ok=True)
        subprocess.run(["/usr/sbin/sshd", "-t", "-f", config], check=True)
        self.log = os.path.join(self.base, "sshd.log")
        self.proc = fl.lab.popen(ns, ["/usr/sbin/sshd", "-D", "-e", "-f", config],
                                 stderr=open(self.log, "w"))
        self.wait_listening(ns)

    def wait_listening(self, ns):
        end = time.monotonic() + 10
        while time.monotonic() < end:
            p = self.fl.lab.run(ns, ["ss", "-ltnH", f"sport = :{SSH_PORT}"],
                                capture_output=True, text=True)
            if p.stdout.strip():
                return
            assert self.proc.poll() is None, open(self.log).read()
            time.sleep(0.05)
        raise AssertionError("sshd never listened:\n" + open(self.log).read())

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class SshOperator(OperatorShell):
    """The operator logged in to the host through its sshd (ssh -tt from the
    operators' namespace)."""

    def __init__(self, fl, sshd, expect_prompt=True):
        args = ["netns", "exec", fl.lab.operators, "ssh", "-tt", "-F", "/dev/null", "-i",
                sshd.key, "-p", str(SSH_PORT), "-o", "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
                f"{OPERATOR}@{sshd.address}"]
        self.child = pexpect.spawn("ip", args, env=dict(os.environ, TERM="xterm"),
                                   encoding="utf-8", timeout=20, dimensions=(40, 200))
        self.started(expect_prompt)
