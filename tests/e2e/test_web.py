"""The escort's web console in a real browser (Debian's Chromium through
chromedriver) against a real escortd serving HTTPS and real sessions under
`escort run`: signing in with PAM and TOTP, approving and denying from the
page with the operator's terminal seeing the result, hostile command lines
shown inert, and hand-made requests (no CSRF token, a stolen cookie after
sign-out, an escort beyond their clearance) refused by escortd."""
import os
import pathlib
import shutil
import socket
import ssl
import time
import urllib.error

import pexpect
import pytest
from conftest import ROOT, escort_bin
from test_broker import (CONFIG, ESCORT, JUNIOR, OPERATOR, OUTSIDER, Broker, Operator,
                         victim, world)  # noqa: F401 (world is a fixture)
from webconsole import (PAM_SERVICE, Client, browser_present, free_port, fresh_code,
                        install_pam_service, secret_of, set_password, start_browser,
                        stop_browser, totp)

PASSWORD = "Corr3ct-h0rse-web"
SCREENSHOT = ROOT / "docs" / "web-console-queue.png"
AUDITOR = OUTSIDER  # in no role on test_broker's escortd; an auditor on these


def web_config(port, idle=900):
    config = CONFIG.format(op=OPERATOR, esc=ESCORT, junior=JUNIOR, timeout=60)
    return config + f"auditors: [{AUDITOR}]\nweb:\n  listen: 127.0.0.1:{port}\n  idle: {idle}\n"


@pytest.fixture(scope="module")
def web_world(world):  # noqa: F811
    if not browser_present():
        pytest.skip("chromium and chromedriver are not installed (scripts/setup installs them)")
    installed = install_pam_service()
    for user in (ESCORT, JUNIOR, AUDITOR):
        set_password(user, PASSWORD)
    # The front end as the build copied it (build/web/, next to build/src/).
    os.environ["ESCORT_WEB"] = str(pathlib.Path(escort_bin()).parents[1] / "web")
    yield world
    if installed:
        os.remove(PAM_SERVICE)


@pytest.fixture
def web(web_world):
    port = free_port()
    b = Broker(web_world, config=web_config(port))
    b.url = f"https://127.0.0.1:{port}"
    b.secrets = {}
    yield b
    b.stop()
    shutil.rmtree(b.state, ignore_errors=True)


@pytest.fixture(scope="module")
def driver(web_world):
    d = start_browser()
    yield d
    stop_browser(d)


def wait(driver, condition, timeout=20):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, timeout).until(condition)


def by_id(driver, name):
    from selenium.webdriver.common.by import By
    return driver.find_element(By.ID, name)


def visible(name):
    return lambda d: by_id(d, name).is_displayed()


def message_is(text):
    return lambda d: text in by_id(d, "message").text


def type_password(driver, user, password):
    wait(driver, visible("signin"))
    by_id(driver, "user").clear()
    by_id(driver, "user").send_keys(user)
    by_id(driver, "password").send_keys(password)
    by_id(driver, "signin-button").click()


def type_code(driver, code):
    by_id(driver, "code-input").send_keys(code)
    by_id(driver, "code-button").click()


def sign_in(driver, web, user=ESCORT, page="/", until="queue"):
    """Signs in on page (None: the page as it is, a link), up to what shows."""
    if page is not None:
        driver.get(web.url + page)
    type_password(driver, user, PASSWORD)
    wait(driver, visible("code"))
    if by_id(driver, "enrol").is_displayed():
        web.secrets[user] = secret_of(by_id(driver, "otpauth").text)
    type_code(driver, fresh_code(web.secrets, user))
    wait(driver, visible(until))


def card(driver, item_id):
    wait(driver, lambda d: d.find_elements("css selector", f"#approval-{item_id}"))
    return driver.find_element("css selector", f"#approval-{item_id}")


def test_sign_in_refuses_a_wrong_password_and_a_wrong_code(driver, web):
    driver.delete_all_cookies()
    driver.get(web.url + "/")
    type_password(driver, ESCORT, "not-the-password")
    wait(driver, message_is("wrong account name or password"))
    assert not by_id(driver, "queue").is_displayed()

    type_password(driver, ESCORT, PASSWORD)
    wait(driver, visible("enrol"))  # first sign-in: the QR code to scan
    qr = by_id(driver, "qr")
    wait(driver, lambda d: d.execute_script("return arguments[0].naturalWidth", qr) > 0)
    secret = secret_of(by_id(driver, "otpauth").text)
    right = totp(secret)
    wrong = f"{(int(right) + 500000) % 1000000:06d}"
    type_code(driver, wrong)
    wait(driver, message_is("wrong code"))
    assert not by_id(driver, "queue").is_displayed()

    type_code(driver, right)
    wait(driver, visible("queue"))
    assert ESCORT in by_id(driver, "who-name").text
    # The same code again, with the right password: used once, never twice.
    replay = Client(web.url)
    assert replay.password(ESCORT, PASSWORD)["stage"] == "totp"
    status, body = replay.post("/api/code", {"code": right})
    assert status == 403 and body["error"] == "wrong code"
    cookie = driver.get_cookie("__Host-escort")
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert f"{ESCORT} signed in" in web.log()


def said_approved(c):
    """The card says so, or it is gone already (answered: the queue moved on;
    what the operator's terminal shows is checked after)."""
    from selenium.common.exceptions import StaleElementReferenceException
    try:
        return "approved" in c.find_element("css selector", ".result").text
    except StaleElementReferenceException:
        return True


def test_approve_from_the_page_and_the_operators_command_runs(driver, web, web_world):
    sign_in(driver, web)
    target = victim(web_world, "web-approve")
    op = Operator(web)
    op.send(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    item = web.wait_pending()[0]
    c = card(driver, item["id"])  # arrived by Server-Sent Events, no reload
    assert "level-high" in c.get_attribute("class")
    assert "HIGH RISK" in c.find_element("css selector", ".badge").text
    words = [li.text for li in c.find_elements("css selector", "ol.argv li")]
    assert words == ["rm", "-rf", f"{target}/inner"]
    driver.save_screenshot(str(SCREENSHOT))
    c.find_element("css selector", "button.approve").click()
    wait(driver, lambda d: said_approved(c))
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) == "0"
    assert not os.path.exists(f"{target}/inner")
    assert f"approved by {ESCORT}" in web.log()
    op.close()


def test_deny_with_a_note_from_the_page(driver, web, web_world):
    sign_in(driver, web)
    target = victim(web_world, "web-deny")
    op = Operator(web)
    op.send(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    item = web.wait_pending()[0]
    c = card(driver, item["id"])
    c.find_element("css selector", "input.note").send_keys("not during the freeze")
    c.find_element("css selector", "button.deny").click()
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) != "0"
    assert os.path.isdir(f"{target}/inner")
    assert f"denied by {ESCORT}: not during the freeze" in web.log()
    wait(driver, lambda d: not d.find_elements("css selector", f"#approval-{item['id']}"))
    op.close()


HOSTILE = ["<script>window.pwned=1</script>", "<img src=x onerror=window.pwned=2>",
           "\x1b[31mred\x1b[0m", "\u202egnp.exe"]


def test_hostile_command_lines_are_shown_inert_and_visibly(driver, web):
    sign_in(driver, web)
    op = Operator(web)
    op.send("rm -rf '<script>window.pwned=1</script>' '<img src=x onerror=window.pwned=2>' "
            "$'\\x1b[31mred\\x1b[0m' $'\\xe2\\x80\\xaegnp.exe'; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    item = web.wait_pending()[0]
    c = card(driver, item["id"])
    words = [li.text for li in c.find_elements("css selector", "ol.argv li")]
    assert words == ["rm", "-rf", HOSTILE[0], HOSTILE[1], "\\x1b[31mred\\x1b[0m",
                     "<U+202E>gnp.exe"]
    assert driver.execute_script("return window.pwned === undefined")
    assert driver.execute_script("return document.scripts.length") == 1  # app.js alone
    assert driver.execute_script("return document.querySelectorAll('img').length") == 1  # #qr
    warning = c.find_element("css selector", ".hidden-warning").text
    assert "hidden or control character" in warning
    c.find_element("css selector", "button.deny").click()
    op.child.expect(r"==DONE(\d+)")
    op.close()


def test_a_forged_post_and_a_replayed_cookie_are_refused(driver, web, web_world):
    target = victim(web_world, "web-forged")
    op = Operator(web)
    op.send(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    item = web.wait_pending()[0]
    escort = Client(web.url)
    escort.sign_in(ESCORT, PASSWORD, web.secrets)
    approve = {"id": str(item["id"]), "verb": "approve", "scope": "once"}
    status, body = escort.json("/api/answer", approve)  # no token at all
    assert status == 403 and "CSRF" in body["error"]
    status, body = escort.json("/api/answer", approve, token="A" * 43)  # a wrong one
    assert status == 403 and "CSRF" in body["error"]

    # A page on another site posting a form: the browser sends no cookie
    # (SameSite=Strict) and the form cannot carry the token.
    sign_in(driver, web)
    driver.get("data:text/html,<form id=f method=post action='" + web.url +
               f"/api/answer'><input name=id value={item['id']}><input name=verb "
               "value=approve></form><script>document.getElementById('f').submit()</script>")
    time.sleep(1.5)
    assert [i["id"] for i in web.pending()] == [item["id"]]

    stolen = escort.cookie()
    assert escort.post("/api/signout", {})[0] == 200
    thief = Client(web.url)
    status, _, _ = thief.request("/api/pending", headers={"Cookie": stolen})
    assert status == 401
    assert [i["id"] for i in web.pending()] == [item["id"]]
    web.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    assert os.path.isdir(f"{target}/inner")
    op.close()


def test_an_escort_cannot_approve_beyond_their_clearance_by_hand(web, web_world):
    target = victim(web_world, "web-clearance")
    op = Operator(web)
    op.send(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    item = web.wait_pending()[0]
    assert item["level"] == "high"
    junior = Client(web.url)
    junior.sign_in(JUNIOR, PASSWORD, web.secrets)
    status, body = junior.post("/api/answer", {"id": str(item["id"]), "verb": "approve"})
    assert status == 403, body
    assert "clearance (medium) does not cover a high" in body["error"]
    assert [i["id"] for i in web.pending()] == [item["id"]]
    web.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    assert os.path.isdir(f"{target}/inner")
    op.close()


def test_critical_needs_the_typed_name_and_one_approvals_link_shows_it_alone(driver, web):
    sign_in(driver, web)
    op = Operator(web)
    op.send("dd if=/dev/zero of=/dev/sdz count=0; echo ==DONE$?")
    op.child.expect("held: dd")
    item = web.wait_pending()[0]
    assert item["level"] == "critical"
    c = card(driver, item["id"])
    assert "CRITICAL RISK" in c.find_element("css selector", ".badge").text
    c.find_element("css selector", "input.confirm").send_keys("rm")
    c.find_element("css selector", "button.approve").click()
    wait(driver, lambda d: "typed confirmation" in c.find_element("css selector", ".result").text)
    assert [i["id"] for i in web.pending()] == [item["id"]]
    c.find_element("css selector", "input.confirm").clear()
    c.find_element("css selector", "input.confirm").send_keys("dd")
    c.find_element("css selector", "button.approve").click()
    op.child.expect("approved: dd")
    # Its write to the disk is asked about on its own: a second item, with its own link.
    change = [i for i in web.wait_pending() if i["id"] != item["id"]][0]
    driver.get(f"{web.url}/approval/{change['id']}")
    wait(driver, visible("only-one"))
    card(driver, change["id"])
    assert len(driver.find_elements("css selector", "article.item")) == 1
    driver.get(f"{web.url}/approval/{item['id']}")  # answered: no longer waiting
    wait(driver, visible("empty"))
    web.console(ESCORT, "deny", str(change["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.close()


def connected_session(driver):
    """The card of a session whose host is connected now, or None."""
    for card_ in driver.find_elements("css selector", "article.session"):
        if " connected since " in card_.text:
            return card_
    return None


def test_end_a_session_and_lock_its_operator_from_the_page(driver, web):
    sign_in(driver, web)
    op = Operator(web)
    s = wait(driver, connected_session)  # this one: escortd may still list an earlier test's, away
    ended = s.get_attribute("data-id")
    assert OPERATOR in s.text
    s.find_element("css selector", "input.note").send_keys("end of the window")
    s.find_element("css selector", "button.terminate").click()
    op.child.expect(f"ended by {ESCORT}: end of the window")
    op.child.expect(pexpect.EOF, timeout=20)
    wait(driver, lambda d: not d.find_elements("css selector", f'article.session[data-id="{ended}"]'))
    assert f"web console: {ESCORT} asks to end session" in web.log()

    op = Operator(web)
    wait(driver, connected_session).find_element("css selector", "button.lock").click()
    op.child.expect(pexpect.EOF, timeout=20)
    again = Operator(web, expect_prompt=False)
    again.child.expect("locked")
    again.child.expect(pexpect.EOF)
    by_id(driver, "unlock-user").send_keys(OPERATOR)
    by_id(driver, "unlock-button").click()
    wait(driver, lambda d: "is unlocked" in by_id(d, "unlock-result").text)
    Operator(web).close()  # works again


def test_an_auditor_sees_the_queue_and_cannot_answer_it(driver, web, web_world):
    target = victim(web_world, "web-auditor")
    op = Operator(web)
    op.send(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    item = web.wait_pending()[0]
    driver.delete_all_cookies()
    sign_in(driver, web, AUDITOR)
    c = card(driver, item["id"])
    assert not c.find_elements("css selector", "button.approve")
    assert "Only an escort" in c.text
    assert not driver.find_elements("css selector", "article.session button.terminate")
    auditor = Client(web.url)
    auditor.sign_in(AUDITOR, PASSWORD, web.secrets)
    status, body = auditor.post("/api/answer", {"id": str(item["id"]), "verb": "approve"})
    assert status == 403 and "may not approve: only escorts may" in body["error"]
    status, body = auditor.post("/api/terminate", {"target": item["session"]})
    assert status == 403 and "only escorts and owners may" in body["error"]
    web.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    assert os.path.isdir(f"{target}/inner")
    op.close()


def test_an_idle_browser_is_signed_out(driver, web_world):
    port = free_port()
    b = Broker(web_world, config=web_config(port, idle=30))
    b.url, b.secrets = f"https://127.0.0.1:{port}", {}
    try:
        sign_in(driver, b)
        client = Client(b.url)
        client.sign_in(ESCORT, PASSWORD, b.secrets)
        assert client.json("/api/pending")[0] == 200
        time.sleep(32)
        assert client.json("/api/pending")[0] == 401
        wait(driver, visible("signin"), timeout=10)  # the page was told, and shows sign-in
        assert "signed out (idle)" in b.log()
    finally:
        b.stop()
        shutil.rmtree(b.state, ignore_errors=True)


def test_https_only_with_its_headers_and_limits(web):
    """TLS 1.2 or later only, nothing in plain HTTP, the security headers, and
    a body over the limit refused before it is read."""
    client = Client(web.url)
    status, headers, _ = client.request("/")
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    client.csrf = client.json("/api/me")[1]["csrf"]
    try:  # a body over 16 KiB is not read: 413, or the connection closed while it is sent
        status, _, _ = client.request("/api/signin", {"user": "x" * 20000}, token=client.csrf)
    except (urllib.error.URLError, ssl.SSLError, ConnectionError) as e:
        status = 413 if "EOF" in str(e) or "reset" in str(e).lower() else e
    assert status == 413
    status, body = client.post("/api/answer", {"id": "1", "verb": "approve"})
    assert status == 401  # not signed in
    port = int(web.url.rsplit(":", 1)[1])
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.check_hostname, old.verify_mode = False, ssl.CERT_NONE
    old.maximum_version = ssl.TLSVersion.TLSv1_1
    old.set_ciphers("ALL:@SECLEVEL=0")
    with socket.create_connection(("127.0.0.1", port)) as raw:
        with pytest.raises(ssl.SSLError):
            old.wrap_socket(raw).do_handshake()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:  # plain HTTP
        raw.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert b"Content-Security-Policy" not in raw.recv(4096)
