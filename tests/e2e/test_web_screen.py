"""The escort's live screen in the web console, in a real browser: xterm.js
(read-only) fed by escortd's own repaint of the screen libvterm keeps, with
colours and attributes, under a Content-Security-Policy without
'unsafe-inline' (xterm.js's <style> elements carry the response's nonce).
Hostile output (HTML, OSC titles, OSC 52 clipboard writes, OSC 8 links, bidi
overrides, text the colour of its background) stays inert and visible: no
escape sequence but escortd's cursor positions and SGR reaches the page."""
import json
import re
import threading

from test_broker import ESCORT, JUNIOR, Operator, world  # noqa: F401 (world is a fixture)
from test_web import PASSWORD, driver, sign_in, wait, web, web_world  # noqa: F401 (fixtures)
from webconsole import Client

# Everything escortd may send the page's terminal: cursor positions and SGR
# (its own numbers), and printable characters.
ESCAPE = re.compile(r"\x1b\[[0-9;]*[Hm]")
HIDING = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]")

ROWS_JS = """
const b = arguments[0].term.buffer.active, rows = [];
for (let i = 0; i < b.length; i++) rows.push(b.getLine(i).translateToString(true).trimEnd());
return rows;"""

# The look of the first cell of text in the last row that has it (the
# output, below the command line that printed it).
CELL_JS = """
const b = arguments[0].term.buffer.active;
for (let i = b.length - 1; i >= 0; i--) {
  const line = b.getLine(i), x = line.translateToString(true).indexOf(arguments[1]);
  if (x < 0) continue;
  const c = line.getCell(x);
  return {fg: c.getFgColor(), bg: c.getBgColor(), fgPalette: !!c.isFgPalette(),
          bgDefault: !!c.isBgDefault(), fgDefault: !!c.isFgDefault(), bold: !!c.isBold(),
          underline: !!c.isUnderline(), reverse: !!c.isInverse(), chars: c.getChars()};
}
return null;"""

# The computed colour of the DOM renderer's span holding text.
COLOUR_JS = """
for (const span of arguments[0].querySelectorAll('.xterm-rows span'))
  if (span.textContent === arguments[1]) return getComputedStyle(span).color;
return null;"""


def watching(driver, web):
    sign_in(driver, web)
    wait(driver, lambda d: d.find_elements("css selector", "article.session"))
    s = driver.find_element("css selector", "article.session")
    s.find_element("css selector", "button.watch").click()
    box = s.find_element("css selector", "div.screen")
    wait(driver, lambda d: d.execute_script("return !!arguments[0].term", box))
    return box


def rows(driver, box):
    return driver.execute_script(ROWS_JS, box)


def shows(driver, box, text):
    wait(driver, lambda d: any(text in r for r in rows(d, box)))


def cell(driver, box, text):
    return driver.execute_script(CELL_JS, box, text)


def csp_violations(driver):
    return [e["message"] for e in driver.get_log("browser")
            if "Content Security Policy" in e["message"] or "Refused to" in e["message"]]


def test_the_live_screen_follows_the_session_in_colour_under_a_strict_csp(driver, web):
    driver.get_log("browser")  # what earlier pages logged is not this page's
    op = Operator(web)
    box = watching(driver, web)
    op.run("echo web-screen-$((6*7))")
    shows(driver, box, "web-screen-42")
    op.run("printf 'x\\033[31mRED\\033[0m \\033[1;4mBU\\033[0m \\033[7mREV\\033[0m"
           " \\033[38;2;0;255;0mRGB\\033[0m\\n'")
    shows(driver, box, "xRED BU REV RGB")
    red = cell(driver, box, "RED")
    assert red["fgPalette"] and red["fg"] == 1 and red["bgDefault"], red
    plain = cell(driver, box, "xRED")
    assert plain["fgDefault"], plain
    bu = cell(driver, box, "BU")
    assert bu["bold"] and bu["underline"] and not bu["reverse"], bu
    assert cell(driver, box, "REV")["reverse"]
    rgb = cell(driver, box, "RGB")  # a true colour arrives as its 256-colour cube index
    assert rgb["fgPalette"] and rgb["fg"] == 16 + 36 * 0 + 6 * 5 + 0, rgb
    # The DOM renderer's colours are in xterm.js's <style> elements: they apply
    # only because they carry the response's nonce.
    red_css = driver.execute_script(COLOUR_JS, box, "RED")
    plain_css = driver.execute_script(
        "return getComputedStyle(arguments[0].querySelector('.xterm-rows')).color", box)
    assert red_css and plain_css and red_css != plain_css, (red_css, plain_css)
    assert csp_violations(driver) == []
    op.close()
    wait(driver, lambda d: not d.find_elements("css selector", "article.session"))


def test_the_page_policy_has_a_fresh_nonce_and_nothing_inline(web):
    client = Client(web.url)
    nonces = []
    for _ in range(2):
        status, headers, body = client.request("/")
        assert status == 200
        csp = headers["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
        nonce = re.search(r"style-src 'self' 'nonce-([A-Za-z0-9_-]{22,})';", csp).group(1)
        assert f'<meta name="style-nonce" content="{nonce}">' in body.decode()
        assert "script-src 'self';" in csp
        nonces.append(nonce)
    assert nonces[0] != nonces[1]
    for page in ("/app.js", "/audit"):
        assert "nonce-" not in client.request(page)[1]["Content-Security-Policy"]
    status, headers, _ = client.request("/xterm.mjs")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    status, headers, _ = client.request("/xterm.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")


HOSTILE = ("printf '\\033]0;pwned\\007<b>bold</b><script>window.pwned=1</script>\\n"
           "\\033]52;c;cHduZWQ=\\007clip \\033]8;;https://evil.example/\\033\\\\link\\033]8;;\\033\\\\"
           " abc\\342\\200\\256def\\342\\200\\213z \\033[31;41mHIDDEN\\033[0m"
           " \\302\\23331mC1 \\033P+q544e\\033\\\\dcs\\n"
           "lri\\342\\201\\246x\\n'")


def screen_stream(client, sid):
    """Session sid's live screen, open (escortd has answered with its headers)."""
    return client.opener.open(f"{client.base}/api/screen?session={sid}", timeout=30)


def painted(client, sid, until, req=None):
    """The paints escortd sends for session sid up to one with until in it."""
    req = req or screen_stream(client, sid)
    seen = []
    try:
        for raw in req:
            line = raw.decode()
            if line.startswith("data: {"):
                seen.append(json.loads(line[6:])["paint"])
                if until in seen[-1]:
                    return seen
    finally:
        req.close()
    raise AssertionError("the stream ended before " + until)


def test_hostile_output_stays_inert_and_visible(driver, web):
    op = Operator(web)
    box = watching(driver, web)
    title = driver.title
    op.run(HOSTILE)
    wait(driver, lambda d: any(r.startswith("clip ") for r in rows(d, box)))
    screen = rows(driver, box)
    assert "<b>bold</b><script>window.pwned=1</script>" in screen
    assert driver.execute_script("return window.pwned === undefined")
    assert driver.title == title
    assert not box.find_elements("css selector", "a")  # no link made of OSC 8
    line = next(r for r in screen if r.startswith("clip "))
    # The OSC and DCS strings never reach libvterm (console/screen-input.c),
    # the C1 CSI in UTF-8 neither; the cells that carry the bidi override and
    # the zero-width space are shown as '?'.
    assert line.startswith("clip link ab?de?z HIDDEN") and line.endswith(" dcs"), line
    # A left-to-right isolate (U+2066) takes a cell of its own in libvterm.
    assert "lri?x" in screen, screen
    assert not any(HIDING.search(r) for r in screen), screen
    hidden = cell(driver, box, "HIDDEN")  # red on red: shown in the default colours
    assert hidden["fgDefault"] and hidden["bgDefault"], hidden
    # What escortd sent: only its own cursor positions and SGR, printable text.
    client = Client(web.url)
    client.sign_in(ESCORT, PASSWORD, web.secrets)
    sid = client.json("/api/sessions")[1]["sessions"][0]["id"]
    for paint in painted(client, sid, "HIDDEN"):  # the first paint: the screen as it is
        text = ESCAPE.sub("", paint)
        assert "\x1b" not in text and not HIDING.search(text), repr(paint)
    assert csp_violations(driver) == []
    op.close()


# libvterm 0.1.4 loops forever on REP (CSI b) after a glyph zero columns wide
# (here U+0301 at the start of a line) and writes past its 16 parameters on a
# CSI with 40; escortd runs it on its event loop for each watched screen.
LIBVTERM_TRAPS = ("printf 'x\\r\\314\\201\\033[5b\\033[" + ";".join(map(str, range(1, 41)))
                  + "mREP-DONE\\n'")


def test_output_that_stalls_libvterm_leaves_escortd_answering(web):
    op = Operator(web)
    watcher, other = Client(web.url), Client(web.url)
    watcher.sign_in(ESCORT, PASSWORD, web.secrets)
    other.sign_in(JUNIOR, PASSWORD, web.secrets)  # another escort, on the queue page
    sid = watcher.json("/api/sessions")[1]["sessions"][0]["id"]
    seen, stream = [], screen_stream(watcher, sid)
    reader = threading.Thread(
        target=lambda: seen.extend(painted(watcher, sid, "REP-DONE", stream)))
    reader.start()
    op.run(LIBVTERM_TRAPS)
    status, body = other.json("/api/pending")
    assert status == 200 and "pending" in body, body
    reader.join(30)
    assert not reader.is_alive()
    # The REP repeated the last character as far as it goes: x five times.
    assert any("xxxxxREP-DONE" in ESCAPE.sub("", p) for p in seen), seen[-1:]
    op.close()


def test_costly_output_is_emulated_off_escortds_loop(web):
    """A screen-wide fill (ESC # 8) on a 1000x1000 window costs libvterm 0.1.4
    milliseconds: 100,000 of them are minutes of work for the watch's own
    thread; escortd answers another escort meanwhile."""
    op = Operator(web)
    op.child.setwinsize(1000, 1000)
    watcher, other = Client(web.url), Client(web.url)
    watcher.sign_in(ESCORT, PASSWORD, web.secrets)
    other.sign_in(JUNIOR, PASSWORD, web.secrets)
    sid = watcher.json("/api/sessions")[1]["sessions"][0]["id"]
    stream = screen_stream(watcher, sid)
    # 3 x 2^17 bytes of ESC # 8, from shell builtins alone.
    op.run("s=$'\\033#8'; for i in {1..17}; do s=$s$s; done; printf %s \"$s\"", timeout=60)
    status, body = other.json("/api/pending")
    assert status == 200 and "pending" in body, body
    status, body = other.json("/api/sessions")
    assert status == 200 and body["sessions"][0]["id"] == sid, body
    stream.close()
    op.close()
