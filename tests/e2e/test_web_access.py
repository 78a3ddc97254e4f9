"""Who may reach the web console and what each person sees there, by
hand-made requests against a real escortd: a request under a name that is
not the console's (DNS rebinding) or a change from another site's page is
refused before any handler runs; an owner sees and acts on the sessions of
their own hosts only; an escort sees only what their clearance covers."""
import shutil

import pytest
from test_broker import Broker, world  # noqa: F401 (world is a fixture)
from test_web import PASSWORD, web, web_config, web_world  # noqa: F401 (fixtures)
from webconsole import Client, free_port


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
    for origin in ("https://rebind.example", f"https://rebind.example:{port}", "null",
                   f"http://127.0.0.1:{port}", f"https://127.0.0.1:{port}@rebind.example",
                   "https://127.0.0.1.rebind.example"):
        status, _, body = escort.request("/api/answer", form, token=escort.csrf,
                                         headers={"Origin": origin})
        assert status == 403 and b"another site" in body, (origin, status, body)
    status, _, body = escort.request("/api/answer", form, token=escort.csrf,
                                     headers={"Referer": "https://rebind.example/x"})
    assert status == 403 and b"another site" in body
    for own in ({"Origin": f"https://127.0.0.1:{port}"},
                {"Referer": f"https://localhost:{port}/approval/3"}, {}):
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
