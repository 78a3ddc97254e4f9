"""escort login: an escort's console on another machine. escortd in its
network namespace checks the escort's name and password with PAM (service
"escort", pam_unix and the test accounts' real passwords) and gives a
credential; `escort pending|approve|sessions --broker` from the namespace of
another machine then act as that person, whoever runs the command there
(root here). A wrong, forged, expired or missing credential, a credential of
another broker, guessing, and an escort without the clearance are refused."""
import json
import os
import pathlib
import sqlite3
import stat
import subprocess
import sys
import tempfile

import pexpect
import pytest

from conftest import events, escort_bin, of_type
from test_broker import OPERATOR, make_user
from test_fleet_enroll import Fleet
from test_fleet_sessions import FleetLab, HostOperator, victim, world  # noqa: F401
from webconsole import set_password

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="namespaces and accounts need root")

HERE = pathlib.Path(__file__).resolve().parent
PAM_SERVICE = "/etc/pam.d/escort"
PAM_TEXT = "# escort login tests\nauth required pam_unix.so\naccount required pam_unix.so\n"
PASSWORD = "Corr3ct-h0rse-login"
# Accounts of these tests alone: other tests set passwords of their own.
ESCORT = "escort-t-remote"  # cleared for everything
JUNIOR = "escort-t-rjunior"  # cleared up to medium


@pytest.fixture(scope="module")
def pam_accounts(world):  # noqa: F811
    installed = not os.path.exists(PAM_SERVICE)
    if installed:
        pathlib.Path(PAM_SERVICE).write_text(PAM_TEXT)
    for user in (ESCORT, JUNIOR):
        make_user(user)
        set_password(user, PASSWORD)
    yield
    if installed:
        os.unlink(PAM_SERVICE)


class Escort:
    """The escort's own machine: the namespace of db2, a home of its own."""

    def __init__(self, fl, home):
        self.fl, self.home = fl, home
        self.ns = fl.ns("db2")
        self.broker = fl.lab.broker_address(self.ns, fl.fleet.port)
        self.pin = fl.fleet.token("pin-only")[1]

    def env(self, **more):
        """The escort's environment: their home, no local escortd."""
        env = dict(os.environ, HOME=str(self.home), **more)
        env.pop("ESCORT_SOCKET", None)
        env.pop("XDG_CONFIG_HOME", None)
        return env

    def run(self, *args, stdin=""):
        return self.fl.lab.run(self.ns, [escort_bin(), *args], input=stdin, env=self.env(),
                               capture_output=True, text=True, timeout=60)

    def spawn(self, *args, **kw):
        """escort ARGS at a terminal on the escort's machine."""
        return pexpect.spawn("ip", ["netns", "exec", self.ns, escort_bin(), *args],
                             env=self.env(TERM="xterm"), **kw)

    def login(self, user, password, pin=None):
        return self.run("login", "--broker", self.broker, "--pin", pin or self.pin, "--user",
                        user, stdin=password + "\n")

    def console(self, *args):
        return self.run(*args, "--broker", self.broker)

    def file(self):
        return self.home / ".config" / "escort" / "brokers" / self.broker

    def raw_tls(self, body):
        """A client of its own on this machine: body runs with `connect()`
        (TLS to escortd, no certificate, escortd's not checked) and `wire`."""
        script = f"""
import socket, ssl, sys
sys.path.insert(0, {str(HERE)!r})
import wire
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
host, port = {self.broker!r}.rsplit(":", 1)
def connect():
    return ctx.wrap_socket(socket.create_connection((host, int(port)), timeout=20))
""" + body
        p = self.fl.lab.run(self.ns, [sys.executable, "-c", script], capture_output=True,
                            text=True, timeout=60)
        assert p.returncode == 0, p.stderr + self.fl.fleet.log()
        return p.stdout.splitlines()

    def credential(self):
        return dict(line.split(" ", 1) for line in self.file().read_text().splitlines())


@pytest.fixture
def lab_escort(world, pam_accounts):  # noqa: F811
    base = pathlib.Path(tempfile.mkdtemp(prefix="broker-", dir=world))
    os.chmod(base, 0o755)
    fl = FleetLab(world, base, esc=ESCORT, junior=JUNIOR)
    home = pathlib.Path(tempfile.mkdtemp(prefix="escort-home-"))
    yield fl, Escort(fl, home)
    fl.close()


def held_rm(fl, world):  # noqa: F811
    target = victim(world, f"login-{os.getpid()}-{len(os.listdir(world))}")
    op = HostOperator(fl, "db1")
    op.child.sendline(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    return op, target, fl.wait_pending()[0]


def test_a_wrong_password_gets_nothing_and_the_right_one_a_credential(lab_escort):
    fl, esc = lab_escort
    p = esc.login(ESCORT, "not-the-password")
    assert p.returncode == 1 and "refused: wrong name, password or code" in p.stderr, p.stderr
    assert not esc.file().exists()
    p = esc.console("sessions", "--json")
    assert p.returncode != 0 and "not logged in" in p.stderr, p.stderr
    p = esc.login(ESCORT, PASSWORD)
    assert p.returncode == 0, p.stderr + fl.fleet.log()
    assert f"as {ESCORT}" in p.stdout
    assert stat.S_IMODE(esc.file().stat().st_mode) == 0o600
    kept = esc.credential()
    assert kept["account"] == ESCORT and kept["pin"] == esc.pin
    assert PASSWORD not in esc.file().read_text() and PASSWORD not in fl.fleet.log()
    p = esc.console("sessions", "--json")
    assert p.returncode == 0, p.stderr + fl.fleet.log()
    assert json.loads(p.stdout) == []
    # escortd keeps the credential's hash only.
    db = sqlite3.connect(fl.fleet.state / "escortd.db")
    hashes = [row[0] for row in db.execute("SELECT hash FROM credentials")]
    db.close()
    assert len(hashes) == 1 and kept["credential"] not in hashes


def test_guessing_is_cut_off_even_before_the_right_password(lab_escort):
    fl, esc = lab_escort
    for _ in range(5):
        assert esc.login(JUNIOR, "guess").returncode == 1
    p = esc.login(JUNIOR, PASSWORD)
    assert p.returncode == 1 and f"too many wrong passwords for {JUNIOR}" in p.stderr, p.stderr


def test_an_escort_approves_from_another_machine_as_the_person_of_the_credential(lab_escort,
                                                                              world):  # noqa: F811
    fl, esc = lab_escort
    assert esc.login(ESCORT, PASSWORD).returncode == 0
    op, target, item = held_rm(fl, world)
    p = esc.console("pending", "--json")
    assert p.returncode == 0, p.stderr
    assert [i["id"] for i in json.loads(p.stdout)] == [item["id"]]
    p = esc.console("approve", str(item["id"]), "--note", "from afar")
    assert p.returncode == 0, p.stderr + fl.fleet.log()
    op.child.expect(r"==DONE0")
    assert not os.path.exists(os.path.join(target, "inner"))
    session = [s for s in fl.sessions() if s["host"] == "db1"][0]["id"]
    op.close()
    approvals = of_type(events(fl.session_log(session)), "approval")
    assert approvals and approvals[0]["by"] == f"escort {ESCORT}", approvals
    assert "from afar" in approvals[0]["reason"]
    assert f"{ESCORT} logged in from" in fl.fleet.log()


def test_a_forged_expired_or_foreign_credential_approves_nothing(lab_escort, world,
                                                                   tmp_path):  # noqa: F811
    fl, esc = lab_escort
    assert esc.login(ESCORT, PASSWORD).returncode == 0
    op, target, item = held_rm(fl, world)
    good = esc.file().read_text()
    kept = esc.credential()
    # Forged: one digit changed.
    c = kept["credential"]
    esc.file().write_text(good.replace(c, c[:-1] + ("0" if c[-1] != "0" else "1")))
    p = esc.console("approve", str(item["id"]))
    assert p.returncode != 0 and "credential is unknown" in p.stderr, p.stderr
    # Expired on escortd (the file still says it is good).
    esc.file().write_text(good)
    db = sqlite3.connect(fl.fleet.state / "escortd.db")
    db.execute("UPDATE credentials SET expires = 1")
    db.commit()
    db.close()
    p = esc.console("approve", str(item["id"]))
    assert p.returncode != 0 and "expired" in p.stderr, p.stderr
    # Another broker's: this broker's credential shown to a second escortd.
    other = Fleet(fl.lab, tmp_path, port=fl.fleet.port + 1, name="other")
    try:
        db = sqlite3.connect(fl.fleet.state / "escortd.db")
        db.execute("UPDATE credentials SET expires = 4102444800")
        db.commit()
        db.close()
        pin2 = other.token("pin-only")[1]
        broker2 = fl.lab.broker_address(esc.ns, other.port)
        f2 = esc.file().parent / broker2
        f2.write_text(good.replace(esc.pin, pin2).replace(esc.broker, broker2))
        f2.chmod(0o600)
        p = esc.run("pending", "--broker", broker2)
        assert p.returncode != 0 and "credential is unknown" in p.stderr, p.stderr
    finally:
        other.stop()
    assert [i["id"] for i in fl.wait_pending()] == [item["id"]]  # still held
    # The same credential, unaltered and in time, is taken.
    p = esc.console("deny", str(item["id"]))
    assert p.returncode == 0, p.stderr
    op.child.expect(r"==DONE1")
    assert os.path.exists(os.path.join(target, "inner"))
    op.close()


def test_a_console_over_tls_without_a_credential_is_refused(lab_escort):
    fl, esc = lab_escort
    hello_answer, request_answer = esc.raw_tls("""
for first in (wire.hello_console(), wire.console_request("pending", 1)):
    s = connect()
    s.sendall(first)
    try:
        answer = wire.read_frame(s)
    except Exception as e:
        answer = None
    print(answer)
""")
    assert "needs a credential" in hello_answer, hello_answer
    assert request_answer == "None", request_answer


def approval_refused_from_afar(fl, esc, world, account, why):  # noqa: F811
    """account logs in from afar and tries to approve a held rm: refused for why."""
    assert esc.login(account, PASSWORD).returncode == 0
    op, target, item = held_rm(fl, world)
    p = esc.console("approve", str(item["id"]))
    assert p.returncode == 1 and why in p.stderr, p.stderr
    assert os.path.exists(os.path.join(target, "inner"))
    op.child.sendcontrol("c")
    op.close()


def test_an_escort_without_the_clearance_is_refused_over_tls(lab_escort, world):  # noqa: F811
    approval_refused_from_afar(*lab_escort, world, JUNIOR,
                               "clearance (medium) does not cover a high")


def test_watch_from_another_machine_follows_a_screen_through_the_credential(lab_escort):
    fl, esc = lab_escort
    assert esc.login(ESCORT, PASSWORD).returncode == 0
    op = HostOperator(fl, "db1")
    op.run("printf 'far-%s-screen\\n' vis''ible")
    watch = esc.spawn("watch", "--broker", esc.broker, timeout=15, dimensions=(50, 160))
    try:
        watch.expect("far-visible-screen")
        op.child.sendline("echo live-$((6*7))-far")
        watch.expect("live-42-far")
        watch.send("q")
        watch.expect(pexpect.EOF)
    finally:
        watch.close(force=True)
    op.close()


def test_a_locked_escort_is_cut_off_from_afar_at_once(lab_escort):
    """A lock revokes the person's credentials and ends their consoles on
    other machines; a new console with the same credential is refused."""
    fl, esc = lab_escort
    assert esc.login(ESCORT, PASSWORD).returncode == 0
    watch = esc.spawn("watch", "--broker", esc.broker, timeout=15, dimensions=(50, 160))
    try:
        fl.fleet.wait_for(f"console of {ESCORT} (uid")
        p = fl.console(JUNIOR, "lock", ESCORT, "--reason", "laptop stolen")
        assert p.returncode == 0, p.stderr
        watch.expect(pexpect.EOF)
    finally:
        watch.close(force=True)
    assert f"dropping escort {ESCORT} from" in fl.fleet.log()
    p = esc.console("sessions")
    assert p.returncode != 0 and "revoked" in p.stderr, p.stderr


def test_the_password_goes_only_to_the_broker_with_the_pin(lab_escort):
    """A broker whose certificate does not have the pin (a man in the middle)
    is refused before the password is sent."""
    fl, esc = lab_escort
    p = esc.login(ESCORT, PASSWORD, pin="sha256:" + "0" * 64)
    assert p.returncode != 0 and "is not the broker" in p.stderr, p.stderr
    assert not esc.file().exists()
    assert "login of" not in fl.fleet.log() and "logged in" not in fl.fleet.log()


def test_logout_revokes_the_credential_on_escortd(lab_escort):
    fl, esc = lab_escort
    assert esc.login(ESCORT, PASSWORD).returncode == 0
    copy = esc.file().read_text()
    p = esc.run("logout", "--broker", esc.broker)
    assert p.returncode == 0, p.stderr + fl.fleet.log()
    assert not esc.file().exists()
    # A copy of the credential made before is worth nothing now.
    esc.file().write_text(copy)
    esc.file().chmod(0o600)
    p = esc.console("sessions")
    assert p.returncode != 0 and "revoked" in p.stderr, p.stderr


@pytest.fixture
def operator_password():
    """The operator's account gets a password for one test (it is also an
    escort in the tests' configuration), then its old one back."""
    old = subprocess.run(["getent", "shadow", OPERATOR], capture_output=True, text=True,
                         check=True).stdout.split(":")[1]
    set_password(OPERATOR, PASSWORD)
    yield
    subprocess.run(["usermod", "-p", old, OPERATOR], check=True)


def test_nobody_approves_their_own_command_from_afar(lab_escort, world,  # noqa: F811
                                                     operator_password):
    approval_refused_from_afar(*lab_escort, world, OPERATOR, "nobody approves their own command")
