"""The web console attacked by hand-made requests against a real escortd:
someone on the network guessing passwords or second-factor codes, filling
the table of sessions or the server's connections; a signed-in person
taking every live stream. Each test is a way in that was found, and stays
closed."""
import concurrent.futures
import shutil
import socket
import ssl
import subprocess
import time

from test_broker import ESCORT, JUNIOR, Broker, world  # noqa: F401 (world is a fixture)
from test_web import PASSWORD, web, web_config, web_world  # noqa: F401 (fixtures)
from webconsole import Client, free_port, totp


def wrong_code(web, user):  # noqa: F811
    right = totp(web.secrets[user])
    return f"{(int(right) + 500000) % 1000000:06d}"


def enrolled(web, user):  # noqa: F811
    Client(web.url).sign_in(user, PASSWORD, web.secrets)


def fresh_client(web):  # noqa: F811
    c = Client(web.url)
    status, me = c.json("/api/me")
    assert status == 200, me
    c.csrf = me["csrf"]
    return c


def refused_for_guessing(status, body):
    return status == 429 and "too many wrong passwords for" in body["error"]


def test_second_factor_codes_cannot_be_guessed_across_sign_ins(web):  # noqa: F811
    """Five wrong codes end a half signed-in session, but the password
    started as many as one liked, and starts another: the account itself
    stops taking codes, in every session, and passwords."""
    enrolled(web, ESCORT)
    first, second = Client(web.url), Client(web.url)
    first.password(ESCORT, PASSWORD)
    second.password(ESCORT, PASSWORD)
    for client, n in ((first, 3), (second, 2)):
        for _ in range(n):
            status, body = client.post("/api/code", {"code": wrong_code(web, ESCORT)})
            assert status == 403 and body["error"] == "wrong code", body
    status, body = second.post("/api/code", {"code": totp(web.secrets[ESCORT])})
    assert refused_for_guessing(status, body), (status, body)
    status, body = fresh_client(web).post("/api/signin", {"user": ESCORT, "password": PASSWORD})
    assert refused_for_guessing(status, body), (status, body)
    # Another account is not affected.
    Client(web.url).sign_in(JUNIOR, PASSWORD, web.secrets)


def test_passwords_cannot_be_guessed_without_limit(web):  # noqa: F811
    def guess(n):
        return fresh_client(web).post("/api/signin", {"user": JUNIOR, "password": f"guess-{n}"})

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(guess, range(5)))
    assert all(status == 403 for status, _ in answers), answers
    status, body = fresh_client(web).post("/api/signin", {"user": JUNIOR, "password": PASSWORD})
    assert refused_for_guessing(status, body), (status, body)
    Client(web.url).sign_in(ESCORT, PASSWORD, web.secrets)


def new_sessions(url, n):
    """n anonymous sessions on one kept-alive connection, as fast as can be."""
    import http.client
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    host, port = url.split("//")[1].split(":")
    conn = http.client.HTTPSConnection(host, int(port), context=context, timeout=30)
    codes = []
    for _ in range(n):
        conn.request("GET", "/api/me")
        r = conn.getresponse()
        r.read()
        codes.append(r.status)
    conn.close()
    return codes


def test_anonymous_sessions_cannot_keep_people_from_signing_in(web):  # noqa: F811
    codes = new_sessions(web.url, 4200)
    assert set(codes) == {200}, sorted(set(codes))
    Client(web.url).sign_in(ESCORT, PASSWORD, web.secrets)


def test_one_person_cannot_take_every_live_stream(web):  # noqa: F811
    greedy = Client(web.url)
    greedy.sign_in(JUNIOR, PASSWORD, web.secrets)
    streams, refused = [], 0
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    host, port = web.url.split("//")[1].split(":")
    for _ in range(300):
        s = context.wrap_socket(socket.create_connection((host, int(port))))
        s.sendall(f"GET /api/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
                  f"Cookie: {greedy.cookie()}\r\n\r\n".encode())
        head = s.recv(200)
        streams.append(s)
        if b" 503 " in head.split(b"\r\n")[0]:
            refused += 1
    assert refused > 0
    other = Client(web.url)
    other.sign_in(ESCORT, PASSWORD, web.secrets)
    status, headers, _ = other_stream(web, other)
    for s in streams:
        s.close()
    assert status == 200


def other_stream(web, client):  # noqa: F811
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    host, port = web.url.split("//")[1].split(":")
    with context.wrap_socket(socket.create_connection((host, int(port)))) as s:
        s.sendall(f"GET /api/events HTTP/1.1\r\nHost: {host}:{port}\r\n"
                  f"Cookie: {client.cookie()}\r\n\r\n".encode())
        head = s.recv(200)
    return int(head.split(b" ")[1]), {}, head


def test_idle_connections_cannot_take_every_descriptor_of_escortd(web):  # noqa: F811
    """escortd's descriptors are its operators' sessions too: connections
    that never say anything must not use them all up."""
    subprocess.run(["prlimit", f"--pid={web.proc.pid}", "--nofile=1024:1024"], check=True)
    host, port = web.url.split("//")[1].split(":")
    idle = []
    for _ in range(1100):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((host, int(port)))
        idle.append(s)
    time.sleep(1)
    try:
        p = web.console(ESCORT, "pending", "--json")
        assert p.returncode == 0, p.stderr
    finally:
        for s in idle:
            s.close()
    # The console takes connections again once they are gone.
    Client(web.url).sign_in(ESCORT, PASSWORD, web.secrets)


def raw_request(web, text):  # noqa: F811
    """One hand-made request on its own TLS connection: the status."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    host, port = web.url.split("//")[1].split(":")
    with context.wrap_socket(socket.create_connection((host, int(port)), timeout=30)) as s:
        s.sendall(text.format(host=f"{host}:{port}").encode())
        head = s.recv(200)
    return int(head.split(b" ")[1])


def test_a_second_host_or_a_target_with_a_name_is_refused(web):  # noqa: F811
    """evhttp reads the first Host header, a proxy in front may read the
    last; a target in absolute form names a host besides the Host header."""
    assert raw_request(web, "GET /api/me HTTP/1.1\r\nHost: {host}\r\n\r\n") == 200
    for text in ("GET /api/me HTTP/1.1\r\nHost: {host}\r\nHost: rebind.example\r\n\r\n",
                 "GET /api/me HTTP/1.1\r\nHost: rebind.example\r\nhost: {host}\r\n\r\n"):
        assert raw_request(web, text) == 421, text
    assert raw_request(web, "GET https://rebind.example/api/me HTTP/1.1\r\n"
                            "Host: {host}\r\n\r\n") == 400


def test_what_a_page_asks_by_itself_does_not_keep_it_signed_in(web_world):  # noqa: F811
    """The page asks for the queue again whenever it changes: on a busy
    escortd an unattended browser used to stay signed in for good. Only a
    change, or the page saying its person typed or clicked, is activity."""
    port = free_port()
    b = Broker(web_world, config=web_config(port, idle=30))
    b.url, b.secrets = f"https://127.0.0.1:{port}", {}
    try:
        unattended, present = Client(b.url), Client(b.url)
        unattended.sign_in(ESCORT, PASSWORD, b.secrets)
        present.sign_in(JUNIOR, PASSWORD, b.secrets)
        for _ in range(8):  # 40 s, more than the idle time, 5 s apart
            time.sleep(5)
            if unattended.json("/api/pending")[0] != 200:
                break
            assert unattended.json("/api/sessions")[0] == 200
            assert present.post("/api/awake", {})[0] == 200
        assert unattended.json("/api/pending")[0] == 401
        assert present.json("/api/pending")[0] == 200
        assert "escort-t-esc signed out (idle)" in b.log()
    finally:
        b.stop()
        shutil.rmtree(b.state, ignore_errors=True)
