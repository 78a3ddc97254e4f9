"""escort login speaks the organisation's whole PAM conversation: escortd's
stack here (service escort-t-code, a file of these tests alone) shows a
notice (pam_echo, with a terminal escape sequence and a byte that is not
UTF-8 in it), asks the password
(pam_unix) and then a one-time code (pam_oath, TOTP, the codes computed here
with oathtool). Every prompt and message goes to the person's terminal and
back over TLS; the right password and the right code sign in, a wrong code
or a wrong password does not, and the guesses still count."""
import os
import pathlib
import subprocess
import tempfile

import pexpect
import pytest

from test_fleet_login import ESCORT, JUNIOR, PASSWORD, Escort, pam_accounts  # noqa: F401
from test_fleet_sessions import FleetLab, world  # noqa: F401

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="namespaces and accounts need root")

SERVICE = "escort-t-code"
SECRET = "3132333435363738393031323334353637383930"  # hex, the RFC 6238 test key
NOTICE = b"\x1b]0;owned\x07Codes come from your token\xff"  # an escape; not UTF-8
SHOWN = "?]0;owned?Codes come from your token\\xff"  # as the terminal shows it


def code(step=0):
    """The TOTP code of now (or step periods of 30 s later), as the token shows it."""
    now = [] if step == 0 else ["--now", f"now + {30 * step} seconds"]
    return subprocess.run(["oathtool", "--totp", "--digits=6", *now, SECRET],
                          capture_output=True, text=True, check=True).stdout.strip()


def wrong(right):
    return f"{(int(right) + 1) % 1000000:06d}"


@pytest.fixture
def code_stack(world, pam_accounts):  # noqa: F811
    """escortd whose PAM stack asks a password and a code; each test has
    fresh pam_oath state (a code once used is refused again)."""
    base = pathlib.Path(tempfile.mkdtemp(prefix="broker-", dir=world))
    os.chmod(base, 0o755)
    users, notice = base / "users.oath", base / "notice"
    users.write_text("".join(f"HOTP/T30/6 {u} - {SECRET}\n" for u in (ESCORT, JUNIOR)))
    users.chmod(0o600)
    notice.write_bytes(NOTICE)
    stack = pathlib.Path("/etc/pam.d") / SERVICE
    stack.write_text(f"# escort login tests: a password, then a one-time code\n"
                     f"auth optional pam_echo.so file={notice}\n"
                     f"auth required pam_unix.so\n"
                     f"auth required pam_oath.so usersfile={users} window=4 digits=6\n"
                     f"account required pam_unix.so\n")
    fl = FleetLab(world, base, esc=ESCORT, junior=JUNIOR,
                  extra=f"login_pam_service: {SERVICE}\n")
    home = pathlib.Path(tempfile.mkdtemp(prefix="escort-home-"))
    try:
        yield fl, Escort(fl, home)
    finally:
        fl.close()
        stack.unlink()


def login(esc, user, *answers):
    """escort login without a terminal: one line of standard input a prompt."""
    return esc.run("login", "--broker", esc.broker, "--pin", esc.pin, "--user", user,
                   stdin="".join(a + "\n" for a in answers))


def test_the_right_password_and_code_sign_in_at_a_terminal(code_stack):
    fl, esc = code_stack
    shown = esc.home / "terminal"
    child = esc.spawn("login", "--broker", esc.broker, "--pin", esc.pin, "--user", ESCORT,
                      timeout=30)
    child.logfile_read = open(shown, "wb")  # what the terminal shows, not what is typed
    try:
        child.expect_exact(SHOWN)
        child.expect_exact("Password: ")
        child.sendline(PASSWORD)
        child.expect(r"One-time password \(OATH\) for .%s.: " % ESCORT)
        child.sendline(code())
        child.expect(f"logged in to {esc.broker} as {ESCORT}")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, fl.fleet.log()
    out = shown.read_bytes()
    assert b"\x1b]0;owned" not in out  # escortd's bytes do not drive the terminal
    assert PASSWORD.encode() not in out  # the password was not echoed
    assert esc.credential()["account"] == ESCORT
    p = esc.console("sessions", "--json")
    assert p.returncode == 0, p.stderr + fl.fleet.log()
    assert PASSWORD not in fl.fleet.log()


def test_a_wrong_code_or_a_wrong_password_is_refused(code_stack):
    fl, esc = code_stack
    p = login(esc, ESCORT, PASSWORD, wrong(code()))
    assert p.returncode == 1 and "refused: wrong name, password or code" in p.stderr, p.stderr
    assert SHOWN in p.stderr  # the notice, defanged
    # pam_oath is asked even after a wrong password (required, not requisite:
    # nothing says which answer was wrong); the code it took is spent.
    p = login(esc, ESCORT, "not-the-password", code())
    assert p.returncode == 1 and "refused" in p.stderr, p.stderr
    assert not esc.file().exists()
    p = login(esc, ESCORT, PASSWORD)  # no code: standard input ends at the second prompt
    assert p.returncode == 1 and "no answer was given to escortd's prompt" in p.stderr, p.stderr
    assert not esc.file().exists()
    p = login(esc, ESCORT, PASSWORD, code(1))
    assert p.returncode == 0, p.stderr + fl.fleet.log()
    p = login(esc, ESCORT, PASSWORD, code(1))  # pam_oath: a code is good once
    assert p.returncode == 1 and "refused" in p.stderr, p.stderr


def test_wrong_codes_count_as_guesses(code_stack):
    fl, esc = code_stack
    right = code()
    for _ in range(5):
        assert login(esc, JUNIOR, PASSWORD, wrong(right)).returncode == 1
    p = login(esc, JUNIOR, PASSWORD, code(1))
    assert p.returncode == 1 and f"too many wrong passwords for {JUNIOR}" in p.stderr, p.stderr


def test_answers_that_do_not_fit_the_prompt_end_the_login(code_stack):
    """A client of its own answers escortd's prompts with more answers than
    items, or with a longer answer than the bound: escortd ends the login."""
    fl, esc = code_stack
    lines = esc.raw_tls(f"""
def login():
    s = connect()
    s.sendall(wire.frame(16, wire.field(1, {ESCORT!r}.encode())))  # LoginRequest
    return s
def ask(s, answers):
    kind, body = wire.read_answer(s)
    print(kind, len(body.get(1, [])))
    s.sendall(wire.frame(19, b"".join(wire.field(1, a) for a in answers)))  # LoginAnswer
def reply(s):
    kind, body = wire.read_answer(s)
    print(kind, body[1][0], body[2][0].decode())
s = login()
ask(s, [b"x"] * 9)  # the notice: one item
reply(s)
s = login()
ask(s, [b""])
ask(s, [b"p" * 1025])  # the password: one item
reply(s)
""")
    assert lines == [
        "18 1", "17 4 9 answers where 1 were asked",  # LoginPrompt; LoginReply, BAD_REQUEST
        "18 1", "18 1", "17 4 answer 1 is longer than 1024 bytes"], lines
    assert "logged in" not in fl.fleet.log()
