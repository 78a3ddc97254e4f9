"""The operator's interactive shell under `escort run`, however it was
started (runuser on this machine: test_broker.Operator; in a host's
namespace: test_fleet_sessions.HostOperator; through a host's own sshd:
fleetssh.SshOperator): one way to type a line and read its status."""
import pexpect

PROMPT = "op$ "  # the operator's bash prompt (PS1) in every test


class OperatorShell:
    """self.child is the pexpect child of the operator's terminal."""

    def started(self, expect_prompt):
        if expect_prompt:
            self.child.expect_exact(PROMPT)

    def send(self, line):
        self.child.sendline(line)

    def run(self, line, timeout=20):
        sep = " " if line.rstrip().endswith("&") else "; "
        self.child.sendline(line + sep + 'echo "=""=DONE$?"')
        self.child.expect(r"==DONE(\d+)", timeout=timeout)
        out, status = self.child.before, int(self.child.match.group(1))
        self.child.expect_exact(PROMPT)
        return out, status

    def close(self):
        self.child.sendline("exit")
        self.child.expect(pexpect.EOF, timeout=30)
        self.child.close()
