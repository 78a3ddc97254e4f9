"""Who may reach the web console and what each person sees there, by
hand-made requests against a real escortd: a request under a name that is
not the console's (DNS rebinding) or a change from another site's page is
refused before any handler runs; an owner sees and acts on the sessions of
their own hosts only; an escort sees only what their clearance covers. In
Chromium: direct links after signing in, the tone and the notification, and
every scope of an approval (session, tree, path) with the operator's
terminal seeing the result."""
import json
import os
import pathlib
import shutil
import socket
import subprocess

import pexpect
import pytest
from conftest import events, of_type
from test_broker_changes import appdir  # noqa: F401 (a fixture)
from test_broker import (ESCORT, JUNIOR, OPERATOR, Broker, Operator, ask_to_remove, make_user,
                         victim, world)  # noqa: F401 (world is a fixture)
from test_web import (PASSWORD, by_id, driver, said_approved, sign_in, visible, wait,  # noqa: F401
                      web, web_config, web_world)
from webconsole import Client, free_port, set_password


def port_of(url):
    return url.rsplit(":", 1)[1]


def test_a_request_under_another_name_is_refused(web):  # noqa: F811
    client = Client(web.url)
    port = port_of(web.url)
    for host in (f"rebind.example:{port}", "rebind.example", f"127.0.0.1.rebind.example:{port}",
                 f"localhost.:{port}", f"localhost:{port}@rebind.example", ""):
        status, _, body = client.request("/", headers={"Host": host})
        assert status == 421, (host, status)
        assert b"not served under that name" in body
        assert client.request("/api/me", headers={"Host": host})[0] == 421
    # Its own names: the listening address, and localhost (the self-signed
    # certificate's), on any port (an SSH tunnel may change it), any case.
    for host in (f"127.0.0.1:{port}", "127.0.0.1", f"LocalHost:{port}", "localhost:9443"):
        assert client.request("/", headers={"Host": host})[0] == 200, host


def test_a_change_from_another_sites_page_is_refused(web):  # noqa: F811
    escort = Client(web.url)
    escort.sign_in("escort-t-esc", PASSWORD, web.secrets)
    port = port_of(web.url)
    form = {"id": "x", "verb": "approve"}  # a bad id: 400 once past the checks
    # Another site, or another page on the console's own name (another port: a
    # browser sends the cookie there too, SameSite does not look at ports).
    for origin in ("https://rebind.example", f"https://rebind.example:{port}", "null",
                   f"http://127.0.0.1:{port}", f"https://127.0.0.1:{port}@rebind.example",
                   "https://127.0.0.1.rebind.example", f"https://127.0.0.1:{int(port) + 1}",
                   f"https://localhost:{port}", "https://127.0.0.1"):
        status, _, body = escort.request("/api/answer", form, token=escort.csrf,
                                         headers={"Origin": origin})
        assert status == 403 and b"another site" in body, (origin, status, body)
    status, _, body = escort.request("/api/answer", form, token=escort.csrf,
                                     headers={"Referer": "https://rebind.example/x"})
    assert status == 403 and b"another site" in body
    for own in ({"Origin": f"https://127.0.0.1:{port}"},
                {"Referer": f"https://127.0.0.1:{port}/approval/3"}, {}):
        status, _, body = escort.request("/api/answer", form, token=escort.csrf, headers=own)
        assert status == 400 and b"an approval's number" in body, (own, body)


def test_the_configured_names_replace_localhost(web_world):  # noqa: F811
    port = free_port()
    config = web_config(port).replace("web:\n", "web:\n  names: [console.example.org]\n")
    b = Broker(web_world, config=config)
    try:
        client = Client(f"https://127.0.0.1:{port}")
        assert client.request("/", headers={"Host": f"console.example.org:{port}"})[0] == 200
        assert client.request("/", headers={"Host": f"127.0.0.1:{port}"})[0] == 200
        assert client.request("/", headers={"Host": f"localhost:{port}"})[0] == 421
    finally:
        b.stop()
        shutil.rmtree(b.state, ignore_errors=True)


@pytest.mark.parametrize("names", ["[bad name]", "[evil.example/x]", "['']"])
def test_a_bad_name_is_refused_with_the_configuration(web_world, names):  # noqa: F811
    config = web_config(free_port()).replace("web:\n", f"web:\n  names: {names}\n")
    with pytest.raises(AssertionError, match="web console name must be"):
        Broker(web_world, config=config)


OWNER_HERE = "escort-t-ownhere"  # owner of this machine (where the test's sessions run)
OWNER_AWAY = "escort-t-ownaway"  # owner of another host only


@pytest.fixture
def owned(web_world):  # noqa: F811
    for name in (OWNER_HERE, OWNER_AWAY):
        make_user(name)
        set_password(name, PASSWORD)
    port = free_port()
    config = web_config(port) + (f"owners:\n  {OWNER_HERE}: [{socket.gethostname()}]\n"
                                 f"  {OWNER_AWAY}: [db-elsewhere]\n")
    b = Broker(web_world, config=config)
    b.url, b.secrets = f"https://127.0.0.1:{port}", {}
    yield b
    b.stop()
    shutil.rmtree(b.state, ignore_errors=True)


def signed_in(broker, user):
    client = Client(broker.url)
    client.sign_in(user, PASSWORD, broker.secrets)
    return client


def screen_refusal(client, session):
    status, _, body = client.request(f"/api/screen?session={session}")
    return status, body


def test_an_owner_sees_and_acts_on_their_own_hosts_only(owned, web_world):  # noqa: F811
    op = Operator(owned)
    target = victim(web_world, "web-owner")
    item = ask_to_remove(op, owned, target)
    session = item["session"]
    away, here = signed_in(owned, OWNER_AWAY), signed_in(owned, OWNER_HERE)
    assert here.json("/api/me")[1]["hosts"] == [socket.gethostname()]

    # Another host's owner sees nothing of it, on the page or the socket, and
    # cannot end, watch or lock it by hand.
    assert away.json("/api/sessions")[1]["sessions"] == []
    assert away.json("/api/pending")[1]["pending"] == []
    assert json.loads(owned.console(OWNER_AWAY, "sessions", "--json").stdout or "[]") == []
    status, body = away.post("/api/terminate", {"target": session})
    assert status == 403 and "no such session" in body["error"]
    assert b"no such session" in screen_refusal(away, session)[1]
    status, body = away.post("/api/lock", {"target": OPERATOR})
    assert status == 403 and "working on one of their hosts" in body["error"]
    assert [s["id"] for s in owned.sessions()] == [session]  # still running

    # This host's owner sees it, and its item, and locks its operator out.
    assert [s["id"] for s in here.json("/api/sessions")[1]["sessions"]] == [session]
    assert [i["id"] for i in here.json("/api/pending")[1]["pending"]] == [item["id"]]
    status, body = here.post("/api/answer", {"id": str(item["id"]), "verb": "approve"})
    assert status == 403 and "only escorts may" in body["error"]
    status, body = here.post("/api/lock", {"target": OPERATOR, "note": "owner's lock"})
    assert status == 200, body
    op.child.expect(pexpect.EOF, timeout=20)
    status, body = away.post("/api/unlock", {"target": OPERATOR})
    assert status == 403 and f"locked by {OWNER_HERE}" in body["error"]
    status, body = here.post("/api/unlock", {"target": OPERATOR})
    assert status == 200 and "unlocked" in body["message"]
    Operator(owned).close()  # works again


def test_an_escort_sees_only_what_their_clearance_covers(owned, web_world):  # noqa: F811
    op = Operator(owned)
    item = ask_to_remove(op, owned, victim(web_world, "web-junior"))
    assert item["level"] == "high"
    junior, escort = signed_in(owned, JUNIOR), signed_in(owned, ESCORT)
    assert junior.json("/api/pending")[1]["pending"] == []
    assert [i["id"] for i in escort.json("/api/pending")[1]["pending"]] == [item["id"]]
    # The session's count of what waits is of what each of them sees, too.
    assert [s["pending"] for s in junior.json("/api/sessions")[1]["sessions"]] == [0]
    assert [s["pending"] for s in escort.json("/api/sessions")[1]["sessions"]] == [1]
    owned.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.close()


def test_an_owners_page_shows_their_sessions_and_no_queue(owned, driver):  # noqa: F811
    op = Operator(owned)
    sign_in(driver, owned, OWNER_HERE, until="sessions-box")
    wait(driver, lambda d: d.find_elements("css selector", "article.session button.lock"))
    assert not by_id(driver, "queue").is_displayed()
    assert socket.gethostname() in by_id(driver, "who-name").text
    assert by_id(driver, "unlock-box").is_displayed()
    driver.delete_all_cookies()
    sign_in(driver, owned, OWNER_AWAY, until="sessions-box")
    wait(driver, visible("no-sessions"))
    assert not driver.find_elements("css selector", "article.session")
    driver.delete_all_cookies()
    op.close()


def test_a_link_to_one_session_or_approval_opens_after_signing_in(web, driver, web_world):  # noqa: F811
    other = Operator(web)
    op = Operator(web)
    item = ask_to_remove(op, web, victim(web_world, "web-link"))
    session = item["session"]
    assert len(web.sessions()) == 2
    driver.delete_all_cookies()
    driver.get(f"{web.url}/session/{session}")
    sign_in(driver, web, page=None)
    assert driver.current_url == f"{web.url}/session/{session}"
    wait(driver, visible("only-one"))
    assert "one session" in by_id(driver, "only-one").text
    wait(driver, lambda d: d.find_elements("css selector", f'article.session[data-id="{session}"]'))
    assert len(driver.find_elements("css selector", "article.session")) == 1
    wait(driver, lambda d: d.find_elements("css selector", f"#approval-{item['id']}"))
    link = driver.find_element("css selector", "article.session a")
    assert link.get_attribute("href") == f"{web.url}/session/{session}"

    driver.delete_all_cookies()
    driver.get(f"{web.url}/approval/{item['id']}")
    sign_in(driver, web, page=None)
    wait(driver, lambda d: d.find_elements("css selector", f"#approval-{item['id']}"))
    assert "one approval" in by_id(driver, "only-one").text
    assert len(driver.find_elements("css selector", "article.item")) == 1
    for bad in ("/session/../app.js", "/session/XYZ", "/approval/1x"):
        assert Client(web.url).request(bad)[0] == 404, bad
    web.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.close()
    other.close()
    driver.delete_all_cookies()


# What the page's ring() reaches, counted: the notification (permission
# given) and the tones (the oscillators of its AudioContext).
COUNT_RINGS = """
window.notes = [];
window.tones = 0;
window.Notification = function (title, options) { window.notes.push(options.body); };
window.Notification.permission = "granted";
window.Notification.requestPermission = () => Promise.resolve("granted");
const oscillator = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () { window.tones++; return oscillator.call(this); };
"""


def test_something_new_waiting_rings_and_notifies(web, driver, web_world):  # noqa: F811
    added = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument",
                                   {"source": COUNT_RINGS})
    try:
        driver.delete_all_cookies()
        sign_in(driver, web)
        assert driver.execute_script("return window.notes.length + window.tones") == 0
        op = Operator(web)
        item = ask_to_remove(op, web, victim(web_world, "web-ring"))
        wait(driver, lambda d: d.find_elements("css selector", f"#approval-{item['id']}"))
        wait(driver, lambda d: d.execute_script("return window.notes.length") == 1)
        assert driver.execute_script("return window.notes[0]") == "1 waiting for an escort"
        assert driver.execute_script("return window.tones") == 1
        web.console(ESCORT, "deny", str(item["id"]))
        op.child.expect(r"==DONE(\d+)")
        op.close()
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument",
                               {"identifier": added["identifier"]})
        driver.delete_all_cookies()


def approve_on_page(driver, item_id, scope, folder=""):
    from selenium.webdriver.support.ui import Select
    c = card(driver, item_id)
    Select(c.find_element("css selector", "select.scope")).select_by_value(scope)
    if folder:
        c.find_element("css selector", "input.path").send_keys(folder)
    c.find_element("css selector", "button.approve").click()
    wait(driver, lambda d: said_approved(c))


def card(driver, item_id):
    wait(driver, lambda d: d.find_elements("css selector", f"#approval-{item_id}"))
    return driver.find_element("css selector", f"#approval-{item_id}")


def done(op):
    op.child.expect(r"==DONE(\d+)")
    return op.child.match.group(1)


def approvals_of(broker, session):
    return of_type(events(broker.session_log(session)), "approval")


def test_session_and_tree_scopes_from_the_page(web, driver, web_world):  # noqa: F811
    target = victim(web_world, "web-scopes")
    driver.delete_all_cookies()
    sign_in(driver, web)
    op = Operator(web)
    # This exact command, for the rest of the session: asked once.
    item = ask_to_remove(op, web, target)
    approve_on_page(driver, item["id"], "session")
    assert done(op) == "0" and not os.path.exists(f"{target}/inner")
    op.child.expect_exact("op$ ")
    os.makedirs(f"{target}/inner")
    op.send(f"rm -rf {target}/inner; echo ==DONE$?")
    assert done(op) == "0" and not os.path.exists(f"{target}/inner")
    assert web.pending() == []
    # The tree: a shell the escort lets run with what it starts (both rm).
    os.makedirs(f"{target}/b/x")
    os.makedirs(f"{target}/c/x")
    subprocess.run(["chown", "-R", OPERATOR, target], check=True)
    op.send(f"bash -c 'rm -rf {target}/b; rm -rf {target}/c'; echo ==DONE$?")
    item = web.wait_pending()[0]
    assert item["program"] == "bash"
    approve_on_page(driver, item["id"], "tree")
    assert done(op) == "0"
    assert not os.path.exists(f"{target}/b") and not os.path.exists(f"{target}/c")
    assert web.pending() == []
    session = item["session"]
    op.close()
    scopes = [(a["scope"], a["by"]) for a in approvals_of(web, session) if a.get("by")]
    assert scopes == [("session", f"escort {ESCORT}"), ("tree", f"escort {ESCORT}")], scopes


def test_a_path_scope_from_the_page_covers_its_folder_only(web, driver, appdir):  # noqa: F811
    data = appdir / "data"
    driver.delete_all_cookies()
    sign_in(driver, web)
    op = Operator(web)
    op.send(f"echo a > {data}/x; echo b > {data}/y; echo ==DONE$?")
    item = web.wait_pending()[0]
    assert item["change"]["path"] == f"{data}/x"
    approve_on_page(driver, item["id"], "path", str(data))
    assert done(op) == "0"
    assert (data / "x").read_text() == "a\n" and (data / "y").read_text() == "b\n"
    assert web.pending() == []  # one question for both files
    op.child.expect_exact("op$ ")
    op.send(f"echo c > {appdir}/z; echo ==DONE$?")  # outside the folder: asked again
    item = web.wait_pending()[0]
    c = card(driver, item["id"])
    c.find_element("css selector", "input.note").send_keys("not there")
    c.find_element("css selector", "button.deny").click()
    assert done(op) != "0" and not (appdir / "z").exists()
    session = item["session"]
    op.close()
    assert any(a["scope"] == "path" and str(data) in a["reason"]
               for a in approvals_of(web, session))
