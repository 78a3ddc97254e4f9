"""The auditor's side of the web console, against a real escortd and real
sessions under `escort run`: past sessions filtered by operator, host, time,
program, risk and decision; full-text search (SQLite FTS5) over what the
operator typed, the commands and the output; each log's verify result (a
tampered log shows failed); the replay in Debian's Chromium (asciinema-player
on the exported asciicast) beside the exec and decision timeline; hostile
text shown inert and visibly; and everyone but an auditor refused."""
import json
import os
import re
import socket
import sqlite3
import ssl
import subprocess
import time
import urllib.parse

import pytest
import eslog
from conftest import ROOT
from test_broker import ESCORT, JUNIOR, OPERATOR, Operator, only_session, victim
from test_web import (AUDITOR, PASSWORD, by_id, driver, sign_in, visible, wait,  # noqa: F401
                      web, web_world, world)
from webconsole import Client

SCREENSHOT = ROOT / "docs" / "web-console-replay.png"
NEEDLE = "auditneedle"


def auditor(web):
    c = Client(web.url)
    c.sign_in(AUDITOR, PASSWORD, web.secrets)
    return c


def listed(client, **filters):
    status, body = client.json("/api/audit/sessions?" + urllib.parse.urlencode(filters))
    assert status == 200, body
    return body["sessions"]


def wait_listed(client, session, deadline=30):
    """escortd marks a session ended once its log is sealed: then it is listed."""
    end = time.time() + deadline
    while time.time() < end:
        if any(s["id"] == session for s in listed(client, id=session)):
            return
        time.sleep(0.2)
    raise AssertionError(f"session {session} was never listed")


def needle_session(web):
    """A session that types and prints the needle; returns its id."""
    op = Operator(web)
    session = only_session(web)
    out, status = op.run(f"echo {NEEDLE}-$((6*7))")
    assert status == 0 and f"{NEEDLE}-42" in out
    op.close()
    return session


def denied_rm_session(web, web_world, wait_first=0, wait_after=0):
    """A session whose rm -rf an escort denied; returns its id."""
    target = victim(web_world, "audit-rm")
    op = Operator(web)
    session = only_session(web)
    if wait_first:
        op.run(f"sleep {wait_first}")
    # Typed, echoed, then entered, as a person does: the line is on the
    # screen before the exec (sent at once, its echo and the exec would
    # reach escortd in either order).
    op.child.send(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect_exact("echo ==DONE$?")
    op.child.send("\r")
    op.child.expect("held: rm -rf")
    item = web.wait_pending()[0]
    web.console(ESCORT, "deny", str(item["id"]), "--note", "not today")
    op.child.expect(r"==DONE(\d+)")
    op.child.expect_exact("op$ ")
    if wait_after:
        op.run(f"sleep {wait_after}")
    op.close()
    return session


def index_path(web):
    return os.path.join(web.state, "web", "audit.db")


def indexed(web, session):
    """Whether the auditor's index holds session (read from the file, not
    through escortd: nobody asks escortd anything)."""
    if not os.path.exists(index_path(web)):
        return False
    db = sqlite3.connect(f"file:{index_path(web)}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute("SELECT 1 FROM sessions WHERE id = ?", (session,)).fetchone() is not None
    except sqlite3.OperationalError:  # its tables not made yet
        return False
    finally:
        db.close()


def wait_indexed(web, session, deadline=60):
    end = time.time() + deadline
    while not indexed(web, session):
        assert time.time() < end, f"session {session} was never indexed: " + web.log()[-6000:]
        time.sleep(0.2)


def test_the_index_is_current_without_anyone_asking(web):
    """A session is indexed when it ends, and on start escortd catches up
    on logs not indexed yet: no auditor has asked anything."""
    session = needle_session(web)
    wait_indexed(web, session)
    db = sqlite3.connect(f"file:{index_path(web)}?mode=ro", uri=True)
    rows = db.execute("SELECT kind FROM lines WHERE lines MATCH ? AND session = ?",
                      (NEEDLE + "*", session)).fetchall()
    db.close()
    assert {"typed", "output"} <= {k for (k,) in rows}, rows
    web.stop()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(index_path(web) + suffix):
            os.remove(index_path(web) + suffix)
    web.start()
    wait_indexed(web, session)
    assert [s["id"] for s in listed(auditor(web), q=NEEDLE + "*")] == [session]

    # An index that cannot be opened when a session ends: escortd says so,
    # and tries again (nothing else changes) until it can.
    web.stop()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(index_path(web) + suffix):
            os.remove(index_path(web) + suffix)
    os.mkdir(index_path(web))
    web.start()
    later = needle_session(web)
    end = time.time() + 60
    while "the audit index is not current (tried again in 5 s): cannot open the audit index" \
            not in web.log():
        assert time.time() < end, web.log()[-3000:]
        time.sleep(0.2)
    os.rmdir(index_path(web))
    wait_indexed(web, later)
    wait_indexed(web, session)


def test_sessions_shorter_than_a_tick_are_indexed(web):
    """Sessions that start and end between two of the console's ticks
    (250 ms) are indexed all the same: escortd counts the sessions it marks
    ended, and the console follows the count, not the live sessions."""
    started = re.compile(r"session (\S+) of \S+ started")
    env = dict(os.environ, ESCORT_RULES=os.path.join(web.base, "rules"))
    for i in range(4):  # each one alone: nothing else moves the console
        before = set(started.findall(web.log()))
        subprocess.run(["runuser", "-u", OPERATOR, "--", os.path.join(web.base, "escort"), "run",
                        "--socket", web.socket, "--log",
                        os.path.join(web.base, "logs", f"short-{i}-{time.time_ns()}.eslog"),
                        "--", "/bin/true"], check=True, timeout=30, env=env,
                       cwd=os.path.join(web.base, "work"), capture_output=True)
        (session,) = set(started.findall(web.log())) - before
        wait_indexed(web, session, deadline=20)


def sse_answers(web, client):
    """The escort's event stream opens: escortd's loop answered it."""
    host, port = web.url.rsplit("/", 1)[1].split(":")
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        with context.wrap_socket(raw) as tls:
            tls.sendall(f"GET /api/events HTTP/1.1\r\nHost: {host}\r\n"
                        f"Cookie: {client.cookie()}\r\n\r\n".encode())
            head = tls.recv(4096)
    return head.startswith(b"HTTP/1.1 200") and b"text/event-stream" in head


def test_a_big_log_being_indexed_does_not_stall_the_console(web):
    """Tens of MB of output: while its log is being indexed (escortd says it
    began and has not said it finished), the escort's queue page, the queue
    and the event stream are answered."""
    op = Operator(web)
    session = only_session(web)
    op.send("head -c 30000000 /dev/urandom | base64 -w 100; echo ==BIG$((6*7))")
    op.child.expect_exact("==BIG42", timeout=600, searchwindowsize=64)
    op.child.expect_exact("op$ ")
    escort = Client(web.url)
    escort.sign_in(ESCORT, PASSWORD, web.secrets)
    op.close()
    began = f"the audit index: indexing session {session}"
    done = f"the audit index: session {session} indexed"
    end = time.time() + 120
    while began not in web.log():
        assert time.time() < end and done not in web.log(), web.log()[-2000:]
        time.sleep(0.05)
    status, _, page = escort.request("/")
    assert status == 200 and b"<html" in page.lower()
    status, queue = escort.json("/api/pending")
    assert status == 200, queue
    assert sse_answers(web, escort)
    # All three answered before the index had the log: the indexing was not
    # on the loop (had it been, nothing would be answered until it ended).
    assert done not in web.log() and not indexed(web, session), \
        "answered only once the log was indexed (or indexing was too quick to tell)"
    wait_indexed(web, session, deadline=600)
    assert re.search(r"session \S+ indexed", web.log())


def test_search_finds_a_typed_command_and_the_filters_narrow_the_list(web, web_world):
    needle = needle_session(web)
    rm = denied_rm_session(web, web_world)
    a = auditor(web)
    wait_listed(a, needle)
    wait_listed(a, rm)
    both = {needle, rm}
    assert {s["id"] for s in listed(a)} == both

    found = listed(a, q=NEEDLE + "*")
    assert [s["id"] for s in found] == [needle]
    kinds = {h["kind"] for h in found[0]["hits"]}
    assert {"typed", "output"} <= kinds, found[0]["hits"]
    assert any(h["text"]["shown"] == f"{NEEDLE}-42" for h in found[0]["hits"])
    assert [s["id"] for s in listed(a, q=f'"{NEEDLE} 42"')] == [needle]
    assert [s["id"] for s in listed(a, q="inner")] == [rm]  # the rm's argv, a command
    assert "command" in {h["kind"] for h in listed(a, q="inner")[0]["hits"]}

    assert {s["id"] for s in listed(a, operator=OPERATOR)} == both
    assert listed(a, operator="nobody-at-all") == []
    assert {s["id"] for s in listed(a, host=found[0]["host"]["shown"])} == both
    assert listed(a, host="no-such-host.example") == []
    assert [s["id"] for s in listed(a, program="rm")] == [rm]
    assert [s["id"] for s in listed(a, risk="high")] == [rm]
    assert [s["id"] for s in listed(a, decision="denied")] == [rm]
    assert [s["id"] for s in listed(a, decision="deny")] == [rm]
    assert listed(a, decision="approved") == []
    now = int(time.time())
    assert listed(a, **{"from": str(now + 3600)}) == []
    assert {s["id"] for s in listed(a, **{"from": str(now - 3600), "to": str(now + 60)})} == both
    assert [s["id"] for s in listed(a, q=NEEDLE + "*", operator=OPERATOR, risk="info")] == [needle]


def test_the_decision_filter_tells_approved_from_denied(web, web_world):
    denied = denied_rm_session(web, web_world)
    target = victim(web_world, "audit-approved")
    op = Operator(web)
    approved = only_session(web)
    op.send(f"rm -rf {target}/inner; echo ==DONE$?")
    op.child.expect("held: rm -rf")
    item = web.wait_pending()[0]
    assert web.console(ESCORT, "approve", str(item["id"])).returncode == 0
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) == "0"
    op.child.expect_exact("op$ ")
    op.close()
    a = auditor(web)
    wait_listed(a, denied)
    wait_listed(a, approved)
    assert [s["id"] for s in listed(a, decision="approved")] == [approved]
    assert [s["id"] for s in listed(a, decision="denied")] == [denied]
    assert {s["id"] for s in listed(a, program="rm", risk="high")} == {denied, approved}


def test_output_is_searched_as_it_was_seen(web):
    """Output is indexed as the screen showed it: a word in colour, after a
    charset switch, over a carriage return, overstruck (man's bold) or
    after a cursor jump is found whole; a window title is not on the screen
    and is not found; hostile output comes back as data, its override shown
    as a code."""
    op = Operator(web)
    session = only_session(web)
    out, status = op.run(
        # The words are made by printf: the echoed command line does not hold them.
        "printf 'seen \\033[1;31mcolour%s\\033[0m \\033(Bcharset%s\\033[m "
        "loading\\rprogress%s o\\bov\\bve\\ber\\brs\\bst\\btr\\bru\\buc\\bck\\bk "
        "x\\033[3Cgap%s\\033]0;title%s\\007 "
        "<script>window.pwned=1</script> \\342\\200\\256evil.txt\\n' word word word word word")
    assert status == 0, out
    op.close()
    a = auditor(web)
    wait_listed(a, session)
    for word in ("colourword", "charsetword", "progressword", "overstruck", "gapword"):
        found = listed(a, q=word)
        assert [s["id"] for s in found] == [session], (word, found)
        hits = [h for h in found[0]["hits"] if h["kind"] == "output"
                and "printf" not in h["text"]["shown"]]
        assert hits and word in hits[0]["text"]["shown"], (word, hits)
        assert "\x1b" not in hits[0]["text"]["shown"] and "\\x1b" not in hits[0]["text"]["shown"]
    assert all(h["kind"] != "output" for s in listed(a, q="titleword") for h in s["hits"])
    hit = [h for h in listed(a, q="gapword")[0]["hits"] if h["kind"] == "output"][0]["text"]
    assert "<script>window.pwned=1</script> <U+202E>evil.txt" in hit["shown"], hit
    assert hit["hidden"] >= 1 and "\u202e" not in hit["shown"]


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "NEAR(", "a:b", "*"])
def test_a_search_that_is_not_a_query_says_so(web, query):
    a = auditor(web)
    status, body = a.json("/api/audit/sessions?" + urllib.parse.urlencode({"q": query}))
    assert status == 400, body
    assert body["error"].startswith("the search is not a query")


@pytest.mark.parametrize("filters,why", [
    ({"risk": "extreme"}, "risk: not a level"),
    ({"from": "yesterday"}, "from: not seconds"),
    ({"from": "20", "to": "10"}, "from: after to"),
    ({"decision": "<b>"}, "decision: not a decision"),
    ({"id": "../../etc/passwd"}, "id: not a session id"),
    ({"q": "x" * 501}, "search: longer than 500 bytes"),
    ({"shell": "1"}, "an unknown filter"),
])
def test_malformed_filters_are_refused_with_their_name(web, filters, why):
    a = auditor(web)
    status, body = a.json("/api/audit/sessions?" + urllib.parse.urlencode(filters))
    assert status == 400 and body["error"].startswith(why), body


def test_only_an_auditor_gets_past_sessions(web):
    session = needle_session(web)
    a = auditor(web)
    wait_listed(a, session)
    for path in ("/api/audit/sessions", f"/api/audit/session?id={session}",
                 f"/api/audit/cast?id={session}"):
        for user in (ESCORT, JUNIOR):
            c = Client(web.url)
            c.sign_in(user, PASSWORD, web.secrets)
            status, body = c.json(path)
            assert status == 403 and body["error"] == "only auditors may see past sessions"
        status, _, _ = Client(web.url).request(path)
        assert status == 401
        status, _, body = a.request(path)
        assert status == 200, body
    status, headers, body = a.request(f"/api/audit/cast?id={session}")
    assert headers["Content-Type"] == "application/x-asciicast"
    assert body.startswith(b'{"version": 2') or body.startswith(b'{"version":2'), body[:80]
    assert NEEDLE.encode() in body
    status, body = a.json("/api/audit/session?id=" + "0" * 32)
    assert status == 404 and "no past session" in body["error"]
    # Each replay is recorded with the auditor's name.
    assert f"web console: {AUDITOR} replays session {session}" in web.log()


def test_only_the_auditors_page_allows_webassembly(web):
    """asciinema-player's terminal is WebAssembly: the auditor's page allows
    compiling it ('wasm-unsafe-eval', never 'unsafe-eval' or inline script);
    the escort's page does not."""
    client = Client(web.url)
    for path, wasm in (("/", False), ("/audit", True), ("/approval/1", False)):
        status, headers, _ = client.request(path)
        csp = headers["Content-Security-Policy"]
        assert status == 200 and ("'wasm-unsafe-eval'" in csp) == wasm, (path, csp)
        assert "'unsafe-eval'" not in csp and "unsafe-inline" not in csp
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    for name, kind in (("asciinema-player.js", "text/javascript"),
                       ("asciinema-player.css", "text/css"), ("audit.js", "text/javascript")):
        status, headers, body = client.request("/" + name)
        assert status == 200 and headers["Content-Type"].startswith(kind) and body, name


def test_each_log_shows_its_verify_result_and_a_tampered_one_fails(web):
    session = needle_session(web)
    a = auditor(web)
    wait_listed(a, session)
    row = listed(a, id=session)[0]
    assert row["verify"]["intact"] is True and row["verify"]["ending"] == "complete", row["verify"]
    assert web.verify(web.session_log(session)).returncode == 0

    path = web.session_log(session)
    with open(path, "r+b") as f:  # one byte in the middle of the log, changed
        data = f.read()
        f.seek(len(data) // 2)
        f.write(bytes([data[len(data) // 2] ^ 0xFF]))
    assert web.verify(path).returncode != 0
    row = listed(a, id=session)[0]
    assert row["verify"]["intact"] is False, row["verify"]
    assert row["verify"]["problem"]["shown"]
    status, detail = a.json(f"/api/audit/session?id={session}")
    assert status == 200 and detail["verify"]["intact"] is False


def ended_session(web, line):
    """A session that ran line; returns its id and the session host's own log."""
    op = Operator(web)
    session = only_session(web)
    out, status = op.run(line)
    assert status == 0, out
    op.close()
    return session, op.log


def verify_of(client, session):
    """The verify result in the list (cached) and on the session's page (now)."""
    row = listed(client, id=session)[0]["verify"]
    status, detail = client.json(f"/api/audit/session?id={session}")
    assert status == 200, detail
    return row, detail["verify"]


def test_verify_binds_each_log_to_its_session(web):
    """A log replaced by another session's perfectly signed log, by a log
    signed by another key (the session host's own, of the same session) or
    cut short fails verify, with the reason, in the list and on the page."""
    one, host_log = ended_session(web, "echo first-$((6*7))")
    two, _ = ended_session(web, "echo second-$((6*7))")
    a = auditor(web)
    for session in (one, two):
        wait_indexed(web, session)
        assert all(v["intact"] for v in verify_of(a, session)), verify_of(a, session)
    path = web.session_log(one)
    with open(path, "rb") as f:
        original = f.read()
    assert web.verify(web.session_log(two)).returncode == 0  # the other log is valid

    def swapped(data, why):
        with open(path + ".new", "wb") as f:
            f.write(data)
        os.rename(path + ".new", path)
        for v in verify_of(a, one):
            assert v["intact"] is False, v
            assert re.search(why, v["problem"]["shown"]), v
        with open(path + ".new", "wb") as f:
            f.write(original)
        os.rename(path + ".new", path)
        assert all(v["intact"] for v in verify_of(a, one))

    with open(web.session_log(two), "rb") as f:
        swapped(f.read(), f"^this is the log of session [0-9a-f]{{32}}, not of session ")
    with open(host_log, "rb") as f:  # its own id too: the first problem found is said
        swapped(f.read(), "^the log is signed by .*, not by|^this is the log of session")
    swapped(original[:len(original) // 2], "torn bytes|not sealed|truncated")
    ends = [r.end for r in eslog.records(original)]
    for cut in ends[:-1] + [len(original) - 1]:  # at every record's end, and in the last
        with open(path, "wb") as f:
            f.write(original[:cut])
        for v in verify_of(a, one):
            assert v["intact"] is False, (cut, v)
            assert v["problem"]["shown"], (cut, v)
    with open(path, "wb") as f:
        f.write(original)
    assert all(v["intact"] for v in verify_of(a, one))

    # A log away when its session is indexed (escortd catching up on start)
    # is bound to nothing: put back later, it still fails.
    web.stop()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(index_path(web) + suffix):
            os.remove(index_path(web) + suffix)
    os.rename(path, path + ".away")
    web.start()
    wait_indexed(web, one)
    os.rename(path + ".away", path)
    for v in verify_of(auditor(web), one):
        assert v["intact"] is False, v
        assert v["problem"]["shown"].startswith("the log could not be read when its session "
                                                "was indexed"), v

    # Another operator's perfectly signed log, in place while the index is
    # rebuilt (so bound as found): it is not of this session's operator.
    theirs = Operator(web, user=ESCORT)
    out, status = theirs.run("echo theirs-$((6*7))")
    assert status == 0, out
    other = [s["id"] for s in web.sessions() if s["operator"] == ESCORT][0]
    theirs.close()
    wait_indexed(web, other)
    web.stop()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(index_path(web) + suffix):
            os.remove(index_path(web) + suffix)
    with open(web.session_log(other), "rb") as f:
        with open(path, "wb") as g:
            g.write(f.read())
    web.start()
    wait_indexed(web, one)
    a = auditor(web)
    host = listed(a, id=one)[0]["host"]["shown"]
    for v in verify_of(a, one):
        assert v["intact"] is False, v
        assert v["problem"]["shown"] == (f"the log is of a session of {ESCORT} on {host}, "
                                         f"not of {OPERATOR} on {host}"), v


def search_now(driver):
    """Clicks Search and waits until the list drawn is that search's (the
    page's first search, made at load, may still be on its way)."""
    box = by_id(driver, "results-box")
    asked = int(box.get_attribute("data-asked") or 0)
    by_id(driver, "search-button").click()
    wait(driver, lambda d: box.get_attribute("data-search") == str(asked + 1))


def test_a_swapped_log_fails_visibly_on_the_page(driver, web):  # noqa: F811
    """In the browser: the card of a session whose log was replaced by
    another session's says it failed verification, and why."""
    one, _ = ended_session(web, "echo first-$((6*7))")
    two, _ = ended_session(web, "echo second-$((6*7))")
    wait_indexed(web, one)
    wait_indexed(web, two)
    with open(web.session_log(two), "rb") as f:
        data = f.read()
    with open(web.session_log(one) + ".new", "wb") as f:
        f.write(data)
    os.rename(web.session_log(one) + ".new", web.session_log(one))
    driver.delete_all_cookies()
    sign_in(driver, web, AUDITOR)
    driver.get(web.url + "/audit")
    wait(driver, visible("search-box"))
    search_now(driver)
    wait(driver, lambda d: d.find_elements("css selector", f"#past-{one}"))
    card = driver.find_element("css selector", f"#past-{one}")
    assert "LOG FAILED VERIFICATION" in card.text and "this is the log of session" in card.text
    assert "log verified" in driver.find_element("css selector", f"#past-{two}").text
    card.find_element("css selector", "button.replay").click()
    wait(driver, visible("replay-box"))
    wait(driver, lambda d: "this is the log of session" in by_id(d, "replay-verify").text)


def replay_time(driver):
    return float(by_id(driver, "player-time").text or 0)


def test_replay_plays_beside_its_timeline(driver, web, web_world):  # noqa: F811
    session = denied_rm_session(web, web_world, wait_first=3, wait_after=2)
    needle = needle_session(web)
    a = auditor(web)
    wait_listed(a, session)
    wait_listed(a, needle)
    # The timeline's times are the recording's, to the microsecond (cut to
    # milliseconds, going to an exec could land just before what the screen
    # showed then); the line was echoed before it was entered.
    status, detail = a.json(f"/api/audit/session?id={session}")
    assert status == 200, detail
    ats = [e["at"] for e in detail["timeline"]]
    assert any(at != round(at, 3) for at in ats), ats
    exec_at = next(e["at"] for e in detail["timeline"]
                   if e["kind"] == "exec" and "rm -rf" in e["text"]["shown"])
    shown, echo_at = "", None
    for line in a.request(f"/api/audit/cast?id={session}")[2].decode().splitlines()[1:]:
        t, code, data = json.loads(line)
        shown += data if code == "o" else ""
        if "rm -rf" in shown:
            echo_at = t
            break
    assert echo_at is not None and echo_at <= exec_at, (echo_at, exec_at)
    driver.delete_all_cookies()
    sign_in(driver, web, AUDITOR)
    wait(driver, visible("audit-link"))  # shown to auditors only
    by_id(driver, "audit-link").click()
    wait(driver, visible("results-box"))
    by_id(driver, "f-program").send_keys("rm")
    search_now(driver)
    wait(driver, lambda d: len(d.find_elements("css selector", "article.past")) == 1)
    card = driver.find_element("css selector", f"#past-{session}")
    assert "log verified" in card.text
    card.find_element("css selector", "button.replay").click()
    wait(driver, visible("replay-box"))
    timeline = by_id(driver, "timeline")
    wait(driver, lambda d: timeline.find_elements("css selector", "li"))
    entries = timeline.find_elements("css selector", "li")
    execs = [e for e in entries if "exec" in e.get_attribute("class")]
    assert any("rm -rf" in e.text and "HIGH RISK" in e.text for e in execs)
    decision = [e for e in entries if "decision" in e.get_attribute("class") and "deny" in e.text]
    assert decision and "not today" in " ".join(e.text for e in entries)
    # Loaded, not playing yet: clicking the rm goes to its moment (after the
    # 3 s sleep), and the player's screen shows the line the operator typed.
    wait(driver, lambda d: by_id(d, "replay-box").get_attribute("data-duration"))
    assert replay_time(driver) == 0
    rm = next(e for e in execs if "rm -rf" in e.text)
    at = float(rm.get_attribute("data-at"))
    assert at > 3
    rm.click()
    wait(driver, lambda d: abs(replay_time(d) - at) < 0.2)
    terminal = driver.find_element("css selector", "#player pre.ap-term-text")
    wait(driver, lambda d: "rm -rf" in terminal.text)
    # Play: the player's clock advances from there, and the screen shows the denial.
    driver.find_element("css selector", "#player .ap-playback-button").click()
    wait(driver, lambda d: replay_time(d) > at + 0.2)
    wait(driver, lambda d: "denied by" in terminal.text)
    driver.save_screenshot(str(SCREENSHOT))
    assert driver.execute_script("return document.querySelectorAll('script').length") == 2


HOSTILE_TYPED = "<script>window.pwned=1</script> <img src=x onerror=window.pwned=2> \u202egnp.exe"


def test_hostile_text_is_shown_inert_and_visibly(driver, web):  # noqa: F811
    op = Operator(web)
    session = only_session(web)
    # Typed: HTML and a bidi override (the key bytes as the operator sent them);
    # printed: the same and escape sequences (colour, a title, a hyperlink).
    op.send(f": hostile {HOSTILE_TYPED}")
    op.child.expect_exact("op$ ")
    op.run("printf 'hostileout \\033[31m<b>red</b>\\033[0m \\033]0;pwned\\007"
           "\\033]8;;http://x/\\007<img src=x onerror=window.pwned=3>\\033]8;;\\007 "
           "\\342\\200\\256fdp.exe\\n'")
    # An exec with them in its argv (escortd holds it: the override is high risk).
    op.send("/bin/true '<img src=x onerror=window.pwned=4>' $'\\x1b[31mred' "
            "$'\\xe2\\x80\\xaeexe.sh'; echo ==DONE$?")
    op.child.expect("held: ")
    web.console(ESCORT, "deny", str(web.wait_pending()[0]["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.child.expect_exact("op$ ")
    op.close()
    a = auditor(web)
    wait_listed(a, session)
    hits = listed(a, q="hostile")[0]["hits"]
    typed = [h for h in hits if h["kind"] == "typed"]
    assert typed and "<U+202E>gnp.exe" in typed[0]["text"]["shown"]
    assert typed[0]["text"]["hidden"] >= 1
    out = [h for h in listed(a, q="hostileout")[0]["hits"] if h["kind"] == "output"]
    assert out and "<b>red</b>" in out[0]["text"]["shown"]
    assert "\x1b" not in out[0]["text"]["shown"] and "<U+202E>fdp.exe" in out[0]["text"]["shown"]

    driver.delete_all_cookies()
    sign_in(driver, web, AUDITOR)
    driver.get(web.url + "/audit")
    wait(driver, visible("search-box"))
    by_id(driver, "f-q").send_keys("hostile")
    search_now(driver)
    wait(driver, lambda d: d.find_elements("css selector", f"#past-{session} .hits li"))
    card = driver.find_element("css selector", f"#past-{session}")
    assert "<script>window.pwned=1</script>" in card.text
    assert "<U+202E>gnp.exe" in card.text
    assert "hidden or control character" in card.text
    card.find_element("css selector", "button.replay").click()
    wait(driver, visible("replay-box"))
    wait(driver, lambda d: d.find_elements("css selector", "#player .ap-playback-button"))
    driver.find_element("css selector", "#player .ap-playback-button").click()
    terminal = driver.find_element("css selector", "#player pre.ap-term-text")
    wait(driver, lambda d: "<b>red</b>" in terminal.text)  # the output, played
    wait(driver, lambda d: "<img src=x onerror=window.pwned=3>" in terminal.text)
    # The replay draws text with the browser: the override is shown as U+FFFD, not applied.
    wait(driver, lambda d: "\ufffdfdp.exe" in terminal.text)
    assert "\u202e" not in terminal.text
    # The timeline: the exec's argv with its escape and override as codes, flagged.
    true = [li.text for li in by_id(driver, "timeline").find_elements("css selector", "li.exec")
            if "/bin/true" in li.text or "true <img" in li.text]
    assert true and "<img src=x onerror=window.pwned=4> \\x1b[31mred <U+202E>exe.sh" in true[0]
    assert "hidden or control character" in true[0]
    assert driver.execute_script("return window.pwned === undefined")
    assert driver.execute_script("return document.querySelectorAll('img').length") == 0
    assert driver.title == "escort: past sessions"
    assert "\u202e" not in card.text


def test_the_page_says_who_may_see_it(driver, web):  # noqa: F811
    driver.delete_all_cookies()
    sign_in(driver, web, ESCORT)
    assert not driver.find_elements("css selector", "a#audit-link:not([hidden])")
    driver.get(web.url + "/audit")
    wait(driver, lambda d: "for auditors" in by_id(d, "message").text)
    assert not by_id(driver, "search-box").is_displayed()


def test_a_browser_that_leaves_before_its_answer_harms_nothing(web):
    """Ten searches whose connections close before escortd answers: each job
    still ends (its answer dropped), and escortd serves the next request."""
    session = needle_session(web)
    a = auditor(web)
    wait_listed(a, session)
    host, port = web.url.rsplit("/", 1)[1].split(":")
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    for _ in range(10):
        with socket.create_connection((host, int(port))) as raw:
            with context.wrap_socket(raw) as tls:
                tls.sendall(f"GET /api/audit/sessions?q={NEEDLE}* HTTP/1.1\r\nHost: {host}\r\n"
                            f"Cookie: {a.cookie()}\r\n\r\n".encode())
    # The abandoned jobs finish (until then escortd may answer "busy", 503).
    end = time.time() + 30
    while True:
        status, body = a.json(f"/api/audit/sessions?q={NEEDLE}*")
        if status != 503 or time.time() > end:
            break
        assert body["error"] == "the audit index is busy: try again"
        time.sleep(0.2)
    assert status == 200 and [s["id"] for s in body["sessions"]] == [session]
    assert web.proc.poll() is None
