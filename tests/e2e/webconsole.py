"""Helpers for the web console's tests: the PAM service, passwords for the
test accounts, TOTP codes (RFC 6238, computed here independently of
liboath), an HTTPS client that keeps cookies (hand-made requests), and
Debian's Chromium driven by chromedriver."""
import base64
import hashlib
import hmac
import http.cookiejar
import json
import os
import shutil
import socket
import ssl
import struct
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

PAM_SERVICE = "/etc/pam.d/escort-web"
PAM_TEXT = "# escort's web console tests\nauth required pam_unix.so\naccount required pam_unix.so\n"


def install_pam_service():
    """Installs the escort-web PAM service (pam_unix) unless one is there;
    returns whether it was installed here (and must be removed)."""
    if os.path.exists(PAM_SERVICE):
        return False
    with open(PAM_SERVICE, "w") as f:
        f.write(PAM_TEXT)
    return True


def set_password(user, password):
    subprocess.run(["chpasswd"], input=f"{user}:{password}\n", text=True, check=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def totp(secret_b32, at=None):
    key = base64.b32decode(secret_b32)
    counter = int(at if at is not None else time.time()) // 30
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1000000:06d}"


def fresh_code(secrets, user):
    """A code escortd has not seen yet: escortd takes each 30-second step's
    code once per account, and the next step's too (its window is one step),
    so a second sign-in in the same step uses the next one."""
    step = int(time.time()) // 30
    last = secrets.get(("step", user), -1)
    if last > step:  # both used: wait for the next step
        time.sleep(30 - time.time() % 30 + 0.5)
        step = int(time.time()) // 30
    use = max(step, last + 1)
    secrets[("step", user)] = use
    return totp(secrets[user], at=use * 30)


def secret_of(otpauth):
    query = urllib.parse.urlparse(otpauth).query
    return urllib.parse.parse_qs(query)["secret"][0]


class Client:
    """A hand-made HTTPS client with its own cookies: what a script (or an
    attacker holding a cookie) can send, without a browser's rules."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context),
            urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = ""

    def request(self, path, form=None, token=None, headers=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        req = urllib.request.Request(self.base + path, data=data, headers=dict(headers or {}))
        if token is not None:
            req.add_header("X-CSRF-Token", token)
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, dict(r.headers), r.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read()

    def json(self, path, form=None, token=None):
        status, _, body = self.request(path, form, token)
        return status, json.loads(body or b"{}")

    def post(self, path, form):
        return self.json(path, form, token=self.csrf)

    def password(self, user, password):
        """The first step of signing in; returns what escortd says is next."""
        status, me = self.json("/api/me")
        assert status == 200, me
        self.csrf = me["csrf"]
        status, me = self.post("/api/signin", {"user": user, "password": password})
        assert status == 200, me
        self.csrf = me["csrf"]
        return me

    def sign_in(self, user, password, secrets):
        """The whole sign-in: password, then enrolment or the code."""
        me = self.password(user, password)
        if me["stage"] == "enrol":
            secrets[user] = secret_of(me["otpauth"])
        status, me = self.post("/api/code", {"code": fresh_code(secrets, user)})
        assert status == 200 and me["stage"] == "in", me
        self.csrf = me["csrf"]
        return me

    def cookie(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def browser_present():
    return shutil.which("chromium") and shutil.which("chromedriver")


def start_browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    profile = tempfile.mkdtemp(prefix="escort-chromium-")
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1400", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.accept_insecure_certs = True  # escortd's self-signed certificate
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})  # CSP violations
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.profile_dir = profile
    return driver


def stop_browser(driver):
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)
