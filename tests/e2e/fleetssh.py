"""A real sshd in each enrolled host's network namespace: the operator logs
in over the lab's network (from the broker's namespace, the only one with a
route to every host) and sshd's ForceCommand starts `escort run`, which
reaches escortd over TLS with the host's enrolment. Keys only, no PAM."""
import os
import pexpect
import subprocess
import tempfile
import time

from sshlab import make_keys, sshd_config_head
from test_broker import OPERATOR, PROMPT

SSH_PORT = 2222


def unlock_for_keys(user):
    """sshd without PAM refuses an account whose password is locked ("!"):
    "*" lets keys in and still no password."""
    p = subprocess.run(["getent", "shadow", user], capture_output=True, text=True, check=True)
    if p.stdout.split(":")[1].startswith("!"):
        subprocess.run(["usermod", "-p", "*", user], check=True)


class HostSshd:
    """sshd listening on the host's lab address, in the host's namespace."""

    def __init__(self, fl, host):
        self.fl, self.host = fl, host
        ns = fl.ns(host)
        self.address = f"10.77.{fl.lab.hosts.index(ns) + 1}.2"
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
        with open(config, "w") as f:
            f.write(head + f"""SetEnv ESCORT_HOST_DIR={fl.dirs[host]} ESCORT_RULES={fl.world}/rules ESCORT_LOG_DIR={fl.world}/logs
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


class SshOperator:
    """The operator logged in to the host through its sshd (ssh -tt from the
    broker's namespace): the same interface as HostOperator."""

    def __init__(self, fl, sshd):
        args = ["netns", "exec", fl.lab.broker, "ssh", "-tt", "-F", "/dev/null", "-i",
                sshd.key, "-p", str(SSH_PORT), "-o", "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
                f"{OPERATOR}@{sshd.address}"]
        self.child = pexpect.spawn("ip", args, env=dict(os.environ, TERM="xterm"),
                                   encoding="utf-8", timeout=20, dimensions=(40, 200))
        self.child.expect_exact(PROMPT)

    def run(self, line, timeout=20):
        self.child.sendline(line + '; echo "=""=DONE$?"')
        self.child.expect(r"==DONE(\d+)", timeout=timeout)
        out, status = self.child.before, int(self.child.match.group(1))
        self.child.expect_exact(PROMPT)
        return out, status

    def close(self):
        self.child.sendline("exit")
        self.child.expect(pexpect.EOF, timeout=30)
        self.child.close()
