"""Network namespaces for the fleet tests: escortd in one, each "host" in
its own, joined by veth pairs (real links that tests can cut with `ip link
set down`, or slow down with tc netem). Made and removed by the test."""
import os
import subprocess


def ip(*args, check=True):
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check)


def make_lab(hosts=2):
    """A Lab, or the test is skipped where namespaces cannot be made (no
    root, or a container without CAP_SYS_ADMIN / ip)."""
    import pytest
    try:
        return Lab(hosts)
    except (OSError, subprocess.CalledProcessError) as e:
        pytest.skip(f"network namespaces are not available here: {getattr(e, 'stderr', e)}")


class Lab:
    """The broker's namespace and n host namespaces: host i (1..n) is
    10.77.i.2, and reaches the broker at 10.77.i.1 over its own link."""

    def __init__(self, hosts=2):
        tag = f"{os.getpid() % 100000}"
        self.broker = f"esb{tag}"
        self.hosts = [f"esh{tag}h{i}" for i in range(1, hosts + 1)]
        self.links = {}
        try:
            self._make()
        except Exception:
            self.close()
            raise

    def _make(self):
        for ns in [self.broker, *self.hosts]:
            ip("netns", "add", ns)
            ip("-n", ns, "link", "set", "lo", "up")
        for i, ns in enumerate(self.hosts, start=1):
            outer, inner = f"vb{i}{self.broker[3:]}"[:15], f"vh{i}{self.broker[3:]}"[:15]
            ip("link", "add", outer, "type", "veth", "peer", "name", inner)
            ip("link", "set", outer, "netns", self.broker)
            ip("link", "set", inner, "netns", ns)
            ip("-n", self.broker, "addr", "add", f"10.77.{i}.1/24", "dev", outer)
            ip("-n", ns, "addr", "add", f"10.77.{i}.2/24", "dev", inner)
            ip("-n", self.broker, "link", "set", outer, "up")
            ip("-n", ns, "link", "set", inner, "up")
            self.links[ns] = (outer, inner)

    def broker_address(self, host_ns, port):
        i = self.hosts.index(host_ns) + 1
        return f"10.77.{i}.1:{port}"

    def run(self, ns, argv, **kw):
        """argv run inside namespace ns."""
        return subprocess.run(["ip", "netns", "exec", ns, *argv], **kw)

    def popen(self, ns, argv, **kw):
        return subprocess.Popen(["ip", "netns", "exec", ns, *argv], **kw)

    def link(self, host_ns, up):
        """Cuts (up=False) or restores the host's link to the broker."""
        inner = self.links[host_ns][1]
        ip("-n", host_ns, "link", "set", inner, "up" if up else "down")

    def netem(self, host_ns, *spec):
        """Delays or loses what goes both ways on the host's link (tc netem on
        both ends), e.g. netem(ns, "delay", "100ms", "loss", "2%")."""
        for ns, dev in ((host_ns, self.links[host_ns][1]), (self.broker, self.links[host_ns][0])):
            subprocess.run(["tc", "-n", ns, "qdisc", "replace", "dev", dev, "root", "netem",
                            *spec], check=True, capture_output=True)

    def has_netem(self):
        """Whether this kernel has tc netem (CONFIG_NET_SCH_NETEM)."""
        ns = self.hosts[0]
        p = subprocess.run(["tc", "-n", ns, "qdisc", "add", "dev", "lo", "root", "netem",
                            "delay", "1ms"], capture_output=True)
        subprocess.run(["tc", "-n", ns, "qdisc", "del", "dev", "lo", "root"], capture_output=True)
        return p.returncode == 0

    def close(self):
        for ns in [self.broker, *self.hosts]:
            ip("netns", "del", ns, check=False)

    def readdress(self, host_ns, last):
        """Gives the host another address on its link (10.77.i.LAST): what its
        open connections send can no longer leave (their source address is
        gone), and what escortd sends them is dropped, without a word either
        way (no FIN, no RST) — a connection lost deterministically, while new
        connections work at once."""
        i = self.hosts.index(host_ns) + 1
        inner = self.links[host_ns][1]
        ip("-n", host_ns, "addr", "flush", "dev", inner)
        ip("-n", host_ns, "addr", "add", f"10.77.{i}.{last}/24", "dev", inner)
