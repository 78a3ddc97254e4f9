"""The fleet: escortd's CA, one-time join tokens, `escort enroll` and the TLS
listener, between network namespaces (escortd in one, each host in its
own, joined by veth pairs). Real escortd, real OpenSSL, real links."""
import json
import os
import pathlib
import re
import ssl
import stat
import subprocess
import sys
import time

import pytest

from conftest import escort_bin
from netns import make_lab

HERE = pathlib.Path(__file__).resolve().parent
PORT = 7443

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="network namespaces need root")


def escortd_bin():
    return str(pathlib.Path(escort_bin()).parent / "escortd")


class Fleet:
    """escortd listening on TLS in the lab's broker namespace."""

    def __init__(self, lab, base, port=PORT, name="escortd", config=None, rules=None):
        self.lab, self.base, self.port = lab, base, port
        self.state = base / f"{name}-state"
        self.socket = base / f"{name}.sock"
        self.stderr_path = base / f"{name}.stderr"
        self.stderr = open(self.stderr_path, "ab")
        self.argv = [escortd_bin(), "-v", "--state", str(self.state), "--socket",
                     str(self.socket), "--listen", f"0.0.0.0:{port}"]
        if config:
            self.argv += ["--config", str(config)]
        self.env = dict(os.environ, ESCORT_RULES=rules) if rules else None
        self.start()

    def start(self):
        mark = self.log().count("listening on 0.0.0.0") if self.stderr_path.exists() else 0
        self.proc = self.lab.popen(self.lab.broker, self.argv, stderr=self.stderr, env=self.env)
        end = time.monotonic() + 10
        while self.log().count("listening on 0.0.0.0") == mark:
            assert self.proc.poll() is None and time.monotonic() < end, self.log()
            time.sleep(0.05)

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def log(self):
        return self.stderr_path.read_text(errors="replace")

    def wait_for(self, text, deadline=10):
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            if text in self.log():
                return
            assert self.proc.poll() is None, self.log()
            time.sleep(0.05)
        raise AssertionError(f"escortd never said {text!r}:\n{self.log()}")

    def token(self, host, ttl="1h"):
        p = subprocess.run([escortd_bin(), "token", "--host", host, "--ttl", ttl, "--state",
                            str(self.state)], capture_output=True, text=True, timeout=30)
        assert p.returncode == 0, p.stderr
        token = re.search(r"^token: ([0-9a-f]{64})$", p.stdout, re.M).group(1)
        pin = re.search(r"^pin: (sha256:[0-9a-f]{64})$", p.stdout, re.M).group(1)
        return token, pin

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.stderr.close()


@pytest.fixture
def lab():
    lab = make_lab(hosts=2)
    yield lab
    lab.close()


@pytest.fixture
def fleet(lab, tmp_path):
    f = Fleet(lab, tmp_path)
    yield f
    f.stop()


def enroll(lab, fleet, ns, token, pin, directory, port=None):
    broker = lab.broker_address(ns, port or fleet.port)
    return lab.run(ns, [escort_bin(), "enroll", "--broker", broker, "--token", token, "--pin",
                        pin, "--dir", str(directory)], capture_output=True, text=True,
                   timeout=30)


def probe(lab, fleet, ns, directory=None, cert=None, key=None, ca=None, hold=0, port=None,
          extra=()):
    argv = [sys.executable, str(HERE / "tls_probe.py"), "--connect",
            lab.broker_address(ns, port or fleet.port), "--ca",
            str(ca or (directory / "ca.crt")), "--hold", str(hold), *extra]
    if cert or directory:
        argv += ["--cert", str(cert or directory / "host.crt"), "--key",
                 str(key or directory / "host.key")]
    p = lab.run(ns, argv, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def enrolled(lab, fleet, ns, host, directory):
    token, pin = fleet.token(host)
    p = enroll(lab, fleet, ns, token, pin, directory)
    assert p.returncode == 0, p.stderr + fleet.log()
    return token, pin


def test_a_host_enrols_with_a_token_and_is_named_by_its_certificate(lab, fleet, tmp_path):
    h1 = tmp_path / "db1"
    enrolled(lab, fleet, lab.hosts[0], "db1", h1)
    assert stat.S_IMODE(os.stat(h1 / "host.key").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(fleet.state / "ca" / "ca.key").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(fleet.state / "ca").st_mode) == 0o700
    # The key never left the host: escortd has no copy of it.
    key = (h1 / "host.key").read_bytes()
    for f in fleet.state.rglob("*"):
        assert f.is_dir() or key not in f.read_bytes()
    r = probe(lab, fleet, lab.hosts[0], h1)
    assert r["ok"], r
    fleet.wait_for("host db1 connected")


def test_a_stolen_token_is_refused_the_second_time(lab, fleet, tmp_path):
    token, pin = enrolled(lab, fleet, lab.hosts[0], "db1", tmp_path / "db1")
    p = enroll(lab, fleet, lab.hosts[1], token, pin, tmp_path / "thief")
    assert p.returncode != 0
    assert "unknown, used or expired" in p.stderr
    assert not (tmp_path / "thief" / "host.crt").exists()
    assert fleet.log().count("enrolled (certificate") == 1


def test_an_expired_token_is_refused(lab, fleet, tmp_path):
    token, pin = fleet.token("db1", ttl="1s")
    time.sleep(2.2)
    p = enroll(lab, fleet, lab.hosts[0], token, pin, tmp_path / "db1")
    assert p.returncode != 0
    assert "unknown, used or expired" in p.stderr


def test_a_token_of_the_wrong_shape_is_refused_before_any_lookup(lab, fleet, tmp_path):
    _, pin = fleet.token("db1")
    p = enroll(lab, fleet, lab.hosts[0], "x" * 64, pin, tmp_path / "db1")
    assert p.returncode != 0
    assert "lowercase hex" in p.stderr


SPKI_ED25519 = bytes.fromhex("302a300506032b6570032100")


def with_key_of(cert_pem, other_pem):
    """cert_pem with other_pem's public key in place of its own (Ed25519 keys
    are the same length): a certificate of one host carrying another's key."""
    cert, other = (ssl.PEM_cert_to_DER_cert(p) for p in (cert_pem, other_pem))
    at, other_at = cert.index(SPKI_ED25519) + 12, other.index(SPKI_ED25519) + 12
    forged = cert[:at] + other[other_at:other_at + 32] + cert[at + 32:]
    assert forged != cert
    return ssl.DER_cert_to_PEM_cert(forged)


def test_a_host_certificate_presented_with_another_hosts_key_is_refused(lab, fleet, tmp_path):
    h1, h2 = tmp_path / "db1", tmp_path / "db2"
    enrolled(lab, fleet, lab.hosts[0], "db1", h1)
    enrolled(lab, fleet, lab.hosts[1], "db2", h2)
    # db2 holds db1's certificate, rewritten to its own key so that its TLS
    # library will present it: escortd's CA never signed that.
    forged = tmp_path / "forged.crt"
    forged.write_text(with_key_of((h1 / "host.crt").read_text(), (h2 / "host.crt").read_text()))
    r = probe(lab, fleet, lab.hosts[1], cert=forged, key=h2 / "host.key", ca=h2 / "ca.crt")
    assert not r["ok"], r
    # And db2's own certificate makes it db2, whatever it would like to be.
    assert probe(lab, fleet, lab.hosts[1], h2)["ok"]
    fleet.wait_for("host db2 connected")
    assert "host db1 connected" not in fleet.log()


def test_a_certificate_of_another_ca_is_refused(lab, fleet, tmp_path):
    other = Fleet(lab, tmp_path, port=PORT + 1, name="other")
    try:
        token, pin = other.token("db1")
        mine = tmp_path / "db1-of-other"
        assert enroll(lab, other, lab.hosts[0], token, pin, mine).returncode == 0
    finally:
        other.stop()
    r = probe(lab, fleet, lab.hosts[0], cert=mine / "host.crt", key=mine / "host.key",
              ca=mine / "ca.crt")
    assert not r["ok"], r
    assert "host db1 connected" not in fleet.log()


def test_enrol_refuses_a_broker_without_the_pin_and_the_token_stays_unused(lab, fleet,
                                                                            tmp_path):
    """A man in the middle with a certificate from another CA: enrolment
    refuses it by the pin, before the token is sent."""
    mitm = Fleet(lab, tmp_path, port=PORT + 1, name="mitm")
    try:
        token, pin = fleet.token("db1")
        p = enroll(lab, mitm, lab.hosts[0], token, pin, tmp_path / "db1")
        assert p.returncode != 0
        assert "is not the broker" in p.stderr
        # The impostor never saw an EnrollRequest (the token).
        assert "enrolment refused" not in mitm.log() and "enrolled (" not in mitm.log()
    finally:
        mitm.stop()
    # The token was never shown to the impostor: it still works at escortd.
    assert enroll(lab, fleet, lab.hosts[0], token, pin, tmp_path / "db1").returncode == 0
    # And a host's client refuses the impostor's certificate (not of its CA).
    other = Fleet(lab, tmp_path, port=PORT + 2, name="mitm2")
    try:
        r = probe(lab, other, lab.hosts[0], tmp_path / "db1")
        assert not r["ok"] and "CERTIFICATE_VERIFY_FAILED" in r["error"], r
    finally:
        other.stop()


def test_the_listener_speaks_tls13_only(lab, fleet, tmp_path):
    h1 = tmp_path / "db1"
    enrolled(lab, fleet, lab.hosts[0], "db1", h1)
    r = probe(lab, fleet, lab.hosts[0], h1, extra=["--tls12"])
    assert not r["ok"], r


def test_a_revoked_host_is_cut_at_once_and_refused_from_then_on(lab, fleet, tmp_path):
    h1, h2 = tmp_path / "db1", tmp_path / "db2"
    enrolled(lab, fleet, lab.hosts[0], "db1", h1)
    enrolled(lab, fleet, lab.hosts[1], "db2", h2)
    argv = [sys.executable, str(HERE / "tls_probe.py"), "--hold", "20"]
    held = [lab.popen(ns, argv + ["--connect", lab.broker_address(ns, fleet.port), "--ca",
                                  str(d / "ca.crt"), "--cert", str(d / "host.crt"), "--key",
                                  str(d / "host.key")], stdout=subprocess.PIPE, text=True)
            for ns, d in ((lab.hosts[0], h1), (lab.hosts[1], h2))]
    fleet.wait_for("host db2 connected")
    fleet.wait_for("host db1 connected")
    start = time.monotonic()
    p = subprocess.run([escortd_bin(), "revoke-host", "db1", "--state", str(fleet.state),
                        "--socket", str(fleet.socket)], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 0, p.stderr + fleet.log()
    assert "1 certificate(s) revoked" in p.stdout
    db1 = json.loads(held[0].communicate(timeout=30)[0])
    assert time.monotonic() - start < 10  # cut by escortd, not at the probe's 20 s hold
    assert "closed by escortd" in db1["error"], db1
    refused = probe(lab, fleet, lab.hosts[0], h1)
    assert not refused["ok"] and "CERTIFICATE_REVOKED" in refused["error"].upper(), refused
    # db2 is not touched.
    held[1].terminate()
    held[1].wait()
    assert probe(lab, fleet, lab.hosts[1], h2)["ok"]


def renew(lab, ns, directory, within=None):
    argv = [escort_bin(), "enroll", "--renew", "--dir", str(directory)]
    if within:
        argv += ["--within", str(within)]
    return lab.run(ns, argv, capture_output=True, text=True, timeout=30)


def test_a_host_renews_its_certificate_with_the_one_it_has(lab, fleet, tmp_path):
    h1 = tmp_path / "db1"
    enrolled(lab, fleet, lab.hosts[0], "db1", h1)
    os.chmod(h1 / "host.key", 0o640)  # as an administrator lets the operators read it
    old_cert, old_key = (h1 / "host.crt").read_text(), (h1 / "host.key").read_text()
    p = renew(lab, lab.hosts[0], h1)
    assert p.returncode == 0 and "not renewed" in p.stdout, p.stdout + p.stderr
    assert (h1 / "host.crt").read_text() == old_cert
    p = renew(lab, lab.hosts[0], h1, within=100)  # certificates last 90 days
    assert p.returncode == 0 and "renewed db1" in p.stdout, p.stdout + p.stderr + fleet.log()
    assert (h1 / "host.crt").read_text() != old_cert
    assert (h1 / "host.key").read_text() != old_key  # a new key, made on the host
    assert stat.S_IMODE(os.stat(h1 / "host.key").st_mode) == 0o640
    fleet.wait_for("host db1 renewed its certificate")
    assert probe(lab, fleet, lab.hosts[0], h1)["ok"]


def test_a_heartbeat_before_escortds_answer_does_not_fail_a_renewal(lab, fleet, tmp_path):
    """escortd beats every 10 seconds to every known host, so one can come
    between the handshake and the new certificate (seen in CI)."""
    h1 = tmp_path / "db1"
    enrolled(lab, fleet, lab.hosts[0], "db1", h1)
    relay_at = "10.77.1.2:7450"
    relay = lab.popen(lab.hosts[0], [
        sys.executable, str(HERE / "beat_first.py"), "--listen", relay_at, "--broker",
        lab.broker_address(lab.hosts[0], fleet.port), "--state", str(fleet.state),
        "--host-dir", str(h1)], stdout=subprocess.PIPE, text=True)
    try:
        assert relay.stdout.readline().strip() == "ready"
        (h1 / "broker").write_text(relay_at + "\n")
        p = renew(lab, lab.hosts[0], h1, within=100)
        assert p.returncode == 0 and "renewed db1" in p.stdout, p.stdout + p.stderr + fleet.log()
    finally:
        relay.kill()
        relay.wait()
    fleet.wait_for("host db1 renewed its certificate")


def test_a_revoked_host_cannot_renew(lab, fleet, tmp_path):
    h1 = tmp_path / "db1"
    enrolled(lab, fleet, lab.hosts[0], "db1", h1)
    p = subprocess.run([escortd_bin(), "revoke-host", "db1", "--state", str(fleet.state),
                        "--socket", str(fleet.socket)], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 0, p.stderr
    p = renew(lab, lab.hosts[0], h1, within=100)
    assert p.returncode != 0 and "certificate revoked" in p.stderr, p.stdout + p.stderr
    assert "renewed its certificate" not in fleet.log()


STRANGERS = r"""
import socket, sys, time
host, port = sys.argv[1].rsplit(":", 1)
conns = []
for _ in range(300):
    s = socket.create_connection((host, int(port)), timeout=5)
    conns.append(s)
time.sleep(float(sys.argv[2]))
closed = 0
for s in conns:
    s.settimeout(0.2)
    try:
        closed += s.recv(1) == b""
    except socket.timeout:
        pass
    except OSError:
        closed += 1
print(closed)
"""


def test_strangers_on_the_network_cannot_hold_escortds_connections(lab, fleet, tmp_path):
    """300 TCP connections from db2's address that never start TLS: escortd
    takes 32 of them, refuses the rest, drops them all after 10 s, and serves
    a host at another address meanwhile."""
    h1 = tmp_path / "db1"
    enrolled(lab, fleet, lab.hosts[0], "db1", h1)
    strangers = lab.popen(lab.hosts[1], [sys.executable, "-c", STRANGERS,
                                         lab.broker_address(lab.hosts[1], fleet.port), "12"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    fleet.wait_for("too many not yet known by a certificate")
    assert probe(lab, fleet, lab.hosts[0], h1)["ok"]  # while the strangers hold theirs
    out, err = strangers.communicate(timeout=60)
    assert strangers.returncode == 0, err
    assert int(out) == 300, out  # every one closed by escortd
    assert "refused a TLS connection from 10.77.2.2" in fleet.log()
    assert "no certificate or enrolment in 10 seconds" in fleet.log()


def test_rotating_the_ca_trusts_nothing_of_the_old_one_until_hosts_enrol_again(lab, fleet,
                                                                            tmp_path):
    """escortd rotate-ca (escortd stopped): the old CA, its host certificates
    and the tokens printed with the old pin are worth nothing; a host enrols
    again with a new token and the new pin and connects."""
    h1 = tmp_path / "db1"
    enrolled(lab, fleet, lab.hosts[0], "db1", h1)
    unused, old_pin = fleet.token("db2")
    rotate = [escortd_bin(), "rotate-ca", "--state", str(fleet.state), "--socket",
              str(fleet.socket)]
    p = subprocess.run(rotate, capture_output=True, text=True, timeout=30)
    assert p.returncode != 0 and "escortd is running" in p.stderr, p.stderr
    old_ca = (fleet.state / "ca" / "ca.crt").read_bytes()
    fleet.stop()
    p = subprocess.run(rotate, capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stderr
    assert "1 host certificate(s) revoked" in p.stdout
    new_pin = re.search(r"^pin: (sha256:[0-9a-f]{64})$", p.stdout, re.M).group(1)
    assert new_pin != old_pin
    assert (fleet.state / "ca" / "ca.crt").read_bytes() != old_ca
    assert stat.S_IMODE(os.stat(fleet.state / "ca" / "ca.key").st_mode) == 0o600
    retired = [d for d in fleet.state.iterdir() if d.name.startswith("ca-retired-")]
    assert len(retired) == 1 and (retired[0] / "ca.crt").read_bytes() == old_ca
    fleet.stderr = open(fleet.stderr_path, "ab")
    fleet.start()
    # The host's certificate of the old CA: escortd refuses it in the handshake.
    refused = probe(lab, fleet, lab.hosts[0], h1, ca=fleet.state / "ca" / "ca.crt")
    assert not refused["ok"] and "UNKNOWN_CA" in refused["error"].upper(), refused
    # The host still trusts the old CA alone: it refuses the new escortd.
    p = subprocess.run(["ip", "netns", "exec", lab.hosts[0], escort_bin(), "enroll", "--renew",
                        "--within", "3650", "--dir", str(h1)], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode != 0, p.stdout
    # A token printed with the old pin is void, whatever pin is given.
    p = enroll(lab, fleet, lab.hosts[1], unused, new_pin, tmp_path / "db2")
    assert p.returncode != 0 and "unknown, used or expired" in p.stderr, p.stderr
    # Enrolled again: a new token, the new pin.
    token, pin = fleet.token("db1")
    assert pin == new_pin
    p = enroll(lab, fleet, lab.hosts[0], token, pin, tmp_path / "db1-again")
    assert p.returncode == 0, p.stderr + fleet.log()
    assert probe(lab, fleet, lab.hosts[0], tmp_path / "db1-again")["ok"]


def rotate_ca(fleet, *stage):
    """escortd rotate-ca STAGE with escortd stopped, then escortd again."""
    fleet.stop()
    p = subprocess.run([escortd_bin(), "rotate-ca", *stage, "--state", str(fleet.state),
                        "--socket", str(fleet.socket)], capture_output=True, text=True,
                       timeout=30)
    fleet.stderr = open(fleet.stderr_path, "ab")
    fleet.start()
    assert p.returncode == 0, p.stderr
    return p.stdout


def issuer_is(cert_path, ca_path):
    return ssl._ssl._test_decode_cert(str(cert_path))["issuer"] == \
        ssl._ssl._test_decode_cert(str(ca_path))["subject"] and \
        subprocess.run(["openssl", "verify", "-CAfile", str(ca_path), str(cert_path)],
                       capture_output=True).returncode == 0


def test_a_ca_rotation_with_an_overlap_keeps_renewing_hosts_connected(lab, fleet, tmp_path):
    """--begin: hosts renewing get the next CA beside the current one;
    --finish: the new CA issues, escortd's pin stays, hosts that renewed
    connect and renew onto it, one that did not fails; --drop-previous:
    certificates of the old CA are refused."""
    h1, h2 = tmp_path / "db1", tmp_path / "db2"
    enrolled(lab, fleet, lab.hosts[0], "db1", h1)
    enrolled(lab, fleet, lab.hosts[1], "db2", h2)
    pin = fleet.token("x")[1]
    old_ca = fleet.state / "old-ca.crt"
    old_ca.write_bytes((fleet.state / "ca" / "ca.crt").read_bytes())
    rotate_ca(fleet, "--begin")
    fleet.wait_for("CA rotation: the next CA is handed to hosts")
    next_ca = fleet.state / "ca" / "next" / "ca.crt"
    assert renew(lab, lab.hosts[0], h1, within=3650).returncode == 0
    bundle = (h1 / "ca.crt").read_text()
    assert bundle.count("BEGIN CERTIFICATE") == 2 and next_ca.read_text() in bundle
    assert probe(lab, fleet, lab.hosts[0], h1)["ok"]
    out = rotate_ca(fleet, "--finish")
    assert f"pin is unchanged: {pin}" in out, out
    assert fleet.token("y")[1] == pin
    new_ca = fleet.state / "ca" / "ca.crt"
    assert new_ca.read_text() in bundle and new_ca.read_bytes() != old_ca.read_bytes()
    # db1 trusts the new CA already; its certificate (the old CA's) is still taken.
    assert issuer_is(h1 / "host.crt", old_ca)
    assert probe(lab, fleet, lab.hosts[0], h1)["ok"]
    # db2 never renewed: it trusts the old CA alone and refuses the new escortd.
    assert not probe(lab, fleet, lab.hosts[1], h2)["ok"]
    # db1 renews onto the new CA, and trusts it alone from then on.
    assert renew(lab, lab.hosts[0], h1, within=3650).returncode == 0
    assert issuer_is(h1 / "host.crt", new_ca)
    assert (h1 / "ca.crt").read_text().count("BEGIN CERTIFICATE") == 1
    rotate_ca(fleet, "--drop-previous")
    assert probe(lab, fleet, lab.hosts[0], h1)["ok"]
    # A certificate of the old CA, trusting the new escortd: refused now.
    (h2 / "ca.crt").write_bytes(new_ca.read_bytes())
    refused = probe(lab, fleet, lab.hosts[1], h2)
    assert not refused["ok"] and "UNKNOWN_CA" in refused["error"].upper(), refused
