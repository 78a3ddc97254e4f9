"""README's first command, `./scripts/demo`, run the way a newcomer runs it:
in a terminal that is itself inside tmux (the demo opens its panes as a
window there, not as a nested session, which tmux refuses)."""
import os
import pathlib
import re
import shutil
import subprocess
import time

import pytest

from conftest import ROOT, escort_bin
from webconsole import Client

SERVER = f"escort-test-{os.getpid()}"


def tmux(*args):
    return subprocess.run(["tmux", "-L", SERVER, *args], capture_output=True, text=True,
                          timeout=30)


def screen(target):
    return tmux("capture-pane", "-p", "-t", target).stdout


def wait_for(target, text, deadline=120):
    end = time.time() + deadline
    while time.time() < end:
        if text in screen(target):
            return
        time.sleep(0.5)
    raise AssertionError(f"{text!r} never appeared in {target}:\n{screen(target)}")


@pytest.fixture
def outer_tmux():
    if os.geteuid() != 0 or shutil.which("tmux") is None:
        pytest.skip("the broker demo needs root and tmux (scripts/setup installs it)")
    yield
    tmux("kill-server")


def test_demo_inside_tmux(outer_tmux, tmp_path):
    build = pathlib.Path(escort_bin()).parent.parent  # the demo builds it again: nothing to do
    done = tmp_path / "status"
    command = (f"cd {ROOT} && ESCORT_DEMO_BUILD={build} scripts/demo 2>{tmp_path}/err; "
               f"echo $? >{done}; sleep 600")
    assert tmux("new-session", "-d", "-s", "outer", "-x", "160", "-y", "40",
                command).returncode == 0
    wait_for("outer:1.0", "You are the OPERATOR")
    wait_for("outer:1.1", "escort watch")
    tmux("send-keys", "-t", "outer:1.0", "echo demo-$((6*7))", "Enter")
    wait_for("outer:1.0", "demo-42")
    signs_in_to_the_web_console(screen("outer:1.0"))
    tmux("send-keys", "-t", "outer:1.0", "exit", "Enter")
    wait_for("outer:1.0", "press Enter")
    tmux("send-keys", "-t", "outer:1.0", "Enter")
    end = time.time() + 60
    while not done.exists() and time.time() < end:
        time.sleep(0.5)
    assert done.exists(), screen("outer:0")
    assert done.read_text().strip() == "0", (tmp_path / "err").read_text()
    assert "result:     complete" in screen("outer:0")


def signs_in_to_the_web_console(text):
    """The address and sign-in the demo prints work while it runs: the
    escort signs in (enrolling the second factor) and sees the session."""
    url = re.search(r"web console: (https://localhost:\d+)/", text).group(1)
    account = re.search(r"account: +(\S+)", text).group(1)
    password = re.search(r"password: +(\S+)", text).group(1)
    client = Client(url)
    me = client.sign_in(account, password, {})
    assert "escort" in me["roles"]
    status, body = client.json("/api/sessions")
    assert status == 200 and [s["live"] for s in body["sessions"]] == [True], body


def test_demo_builds_apart_from_the_readmes_build_directory():
    text = (ROOT / "scripts" / "demo").read_text()
    assert "build=${ESCORT_DEMO_BUILD:-build-demo}" in text


def test_demo_without_a_terminal_prints_the_console_and_leaves_nothing_open(tmp_path):
    """CI's `scripts/demo </dev/null`: it finishes, names the console and a
    sign-in, and afterwards the demo escort's password is locked and the PAM
    service is as it was."""
    if os.geteuid() != 0:
        pytest.skip("the broker demo needs root")
    build = pathlib.Path(escort_bin()).parent.parent
    pam_before = os.path.exists("/etc/pam.d/escort-web")
    p = subprocess.run(["scripts/demo"], cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=300, env=dict(os.environ, ESCORT_DEMO_BUILD=str(build)))
    assert p.returncode == 0, p.stderr
    assert re.search(r"web console: https://localhost:\d+/", p.stdout), p.stdout
    assert re.search(r"account: +escort-demo-esc", p.stdout)
    assert "result:     complete" in p.stdout
    assert os.path.exists("/etc/pam.d/escort-web") == pam_before
    status = subprocess.run(["passwd", "-S", "escort-demo-esc"], capture_output=True, text=True)
    assert status.stdout.split()[1] == "L", status.stdout
