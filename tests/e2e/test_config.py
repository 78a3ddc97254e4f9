"""escortd --check-config: the commented example of docs/CONFIG.md is itself
checked, and each kind of mistake is refused with the file, the line and the
reason, exit status 2, and nothing started."""
import os
import pwd
import re
import shutil
import subprocess
import tempfile

import pytest
from conftest import ROOT, escort_bin

ACCOUNT = re.compile(r"there is no account '([a-z_][a-z0-9_-]{0,30})' on this system")


def escortd_bin():
    return os.path.join(os.path.dirname(escort_bin()), "escortd")


def check(path, *extra, user=None):
    env = dict(os.environ, ESCORT_RULES=str(ROOT / "rules"))
    cmd = [escortd_bin(), "--check-config", str(path), *extra]
    if user:
        cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)


@pytest.fixture
def workdir():
    """A directory every account may read (the permission test runs as nobody)."""
    d = tempfile.mkdtemp(prefix="escort-config-")
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def write(workdir, name, text, mode=0o644):
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def documented_example():
    doc = (ROOT / "docs" / "CONFIG.md").read_text()
    m = re.search(r"## A commented example\n[^#]*?```yaml\n(.*?)```", doc, re.S)
    assert m, "docs/CONFIG.md has no ```yaml block under '## A commented example'"
    return m.group(1)


@pytest.fixture
def example_accounts():
    """The example names accounts as a site would (alice, bob...): the ones
    this machine lacks are made for the test (as root) and removed after."""
    made = []

    def make(name):
        if os.geteuid() != 0:
            pytest.skip(f"the example's account {name} does not exist and only root may add it")
        if subprocess.run(["useradd", "-M", "-d", "/nonexistent", "-s", "/usr/sbin/nologin",
                           name], capture_output=True).returncode == 0:
            made.append(name)
        pwd.getpwnam(name)  # made here or, at the same moment, by someone else

    yield make
    for name in made:
        subprocess.run(["userdel", name], check=False, capture_output=True)


def test_the_commented_example_in_config_md_is_valid(escort, workdir, example_accounts):
    text = documented_example()
    # The one site-specific path that must exist: a real auditor key, made here.
    subprocess.run([escort, "keygen", "--dir", workdir], check=True, capture_output=True)
    line = "auditor_key: /etc/escort/auditor.pub"
    assert text.count(line) == 1
    path = write(workdir, "example.yaml",
                 text.replace(line, f"auditor_key: {workdir}/auditor.pub"))
    for _ in range(20):
        p = check(path)
        missing = ACCOUNT.search(p.stderr)
        if not missing:
            break
        example_accounts(missing.group(1))
    assert (p.returncode, p.stderr) == (0, "")
    assert p.stdout == f"{path}: configuration OK\n"


def test_an_ok_configuration_starts_nothing(workdir):
    path = write(workdir, "ok.yaml", "operators: \"*\"\nescorts: {root: critical}\n"
                 "policy:\n  rules: {destruction.shred: deny, unknown-program: ask}\n")
    state, sock = os.path.join(workdir, "state"), os.path.join(workdir, "s.sock")
    p = check(path, "--state", state, "--socket", sock)
    assert p.returncode == 0 and p.stdout == f"{path}: configuration OK\n", p.stderr
    assert not os.path.exists(state) and not os.path.exists(sock)


@pytest.mark.parametrize("text, line, reason", [
    ("escorts: {root: high}\npolicy:\n  rules:\n    destruction.shred: deny\n"
     "    destruction.shread: deny\n",
     5, "there is no rule 'destruction.shread'"),
    ("escorts: {root: high}\npolicy:\n  levels: {low: ask}\npolicy:\n  levels: {low: deny}\n",
     4, "'policy' is given twice in 'the configuration' (first on line 2)"),
    ("operators:\n  - root\n  - root\nescorts: {root: high}\n",
     3, "'root' is given twice in 'operators'"),
    ("operators: [root]\nescorts:\n  root: high\n  escort-no-such-account: low\n",
     4, "there is no account 'escort-no-such-account' on this system"),
    ("escorts: {root: high}\nauditor_key: /nonexistent/escort/auditor.pub\n",
     2, "the auditor key /nonexistent/escort/auditor.pub does not exist"),
    ("escorts:\n  root: hgh\n", 2, "an escort's clearance must be"),
])
def test_mistakes_are_refused_with_file_and_line(workdir, text, line, reason):
    path = write(workdir, "bad.yaml", text)
    p = check(path)
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.startswith(f"escortd: the configuration is refused: {path}:{line}: ")
    assert reason in p.stderr


def test_an_auditor_key_escortd_may_not_read_is_refused_as_such(escort, workdir):
    subprocess.run([escort, "keygen", "--dir", workdir], check=True, capture_output=True)
    key = os.path.join(workdir, "auditor.pub")
    path = write(workdir, "key.yaml", f"escorts: {{root: high}}\nauditor_key: {key}\n")
    if os.geteuid() == 0:
        os.chmod(key, 0o600)  # root's, so nobody may not read it
        p = check(path, user="65534")
    else:
        os.chmod(key, 0)
        p = check(path)
    assert p.returncode == 2
    assert f"{path}:2: the auditor key {key} may not be read" in p.stderr
    assert "(permission denied)" in p.stderr and "does not exist" not in p.stderr


def test_check_config_needs_a_file():
    p = subprocess.run([escortd_bin(), "--check-config"], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 2 and "escortd --check-config FILE" in p.stderr


def test_every_built_in_finding_of_rules_md_may_be_named_in_the_policy(workdir):
    """docs/RULES.md's table of built-in findings: each id is one a site may
    set an action for (the engine, the gate and escortd emit them)."""
    doc = (ROOT / "docs" / "RULES.md").read_text()
    table = doc.split("## Built-in findings", 1)[1].split("\n## ", 1)[0]
    ids = [i for row in table.splitlines() if row.startswith("| `")
           for i in re.findall(r"`([a-z-]+)`", row.split("|")[1])]
    assert "network-destination" in ids and len(ids) >= 15, ids
    rules = "".join(f"    {i}: ask\n" for i in ids)
    path = write(workdir, "ids.yaml", f"escorts: {{root: critical}}\npolicy:\n  rules:\n{rules}")
    p = check(path)
    assert p.returncode == 0, p.stderr
