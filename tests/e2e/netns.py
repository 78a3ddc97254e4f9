"""Network namespaces for the fleet tests: escortd in one, each "host" in
its own, joined by veth pairs (real links that tests can cut with `ip link
set down`, slow down with tc netem, or where the kernel has no netem, slow
down with an HTB rate limit and lose packets with nftables). Made and
removed by the test."""
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
    10.77.i.2, and reaches the broker at 10.77.i.1 over its own link. The
    operators' namespace (their workstations) reaches host i at 10.78.i.2
    over another link of its own, as an operator's ssh reaches a server
    by another network than the server's to escortd: cutting, slowing or
    losing on a host's link to the broker leaves the operator's ssh be."""

    def __init__(self, hosts=2):
        tag = f"{os.getpid() % 100000}"
        self.broker = f"esb{tag}"
        self.operators = f"eso{tag}"
        self.hosts = [f"esh{tag}h{i}" for i in range(1, hosts + 1)]
        self.links = {}
        try:
            self._make()
        except Exception:
            self.close()
            raise

    def _make(self):
        for ns in [self.broker, self.operators, *self.hosts]:
            ip("netns", "add", ns)
            ip("-n", ns, "link", "set", "lo", "up")
        tag = self.broker[3:]
        for i, ns in enumerate(self.hosts, start=1):
            self.links[ns] = self._pair(self.broker, f"vb{i}{tag}", ns, f"vh{i}{tag}",
                                        f"10.77.{i}")
            self._pair(self.operators, f"vo{i}{tag}", ns, f"vp{i}{tag}", f"10.78.{i}")

    @staticmethod
    def _pair(outer_ns, outer, inner_ns, inner, net):
        """A veth pair: outer (NET.1) in outer_ns, inner (NET.2) in inner_ns."""
        outer, inner = outer[:15], inner[:15]
        ip("link", "add", outer, "type", "veth", "peer", "name", inner)
        for ns, dev, last in ((outer_ns, outer, 1), (inner_ns, inner, 2)):
            ip("link", "set", dev, "netns", ns)
            ip("-n", ns, "addr", "add", f"{net}.{last}/24", "dev", dev)
            ip("-n", ns, "link", "set", dev, "up")
        return outer, inner

    def operator_address(self, host_ns):
        """The host's address on the operators' network."""
        return f"10.78.{self.hosts.index(host_ns) + 1}.2"

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

    def ends(self, host_ns):
        """(namespace, device) of both ends of the host's link."""
        return ((host_ns, self.links[host_ns][1]), (self.broker, self.links[host_ns][0]))

    def throttle(self, host_ns, rate, loss_percent):
        """Without netem: every packet both ways on the host's link waits for
        a link of `rate` (tc htb; e.g. "256kbit": 47 ms for a full frame)
        and one in every 100/loss_percent of them is dropped (nftables
        `numgen inc`: the same loss rate on every run), by the kernels of both
        ends."""
        for ns, dev in self.ends(host_ns):
            tc = ["tc", "-n", ns]
            subprocess.run([*tc, "qdisc", "replace", "dev", dev, "root", "handle", "1:", "htb",
                            "default", "1"], check=True, capture_output=True)
            subprocess.run([*tc, "class", "replace", "dev", dev, "parent", "1:", "classid", "1:1",
                            "htb", "rate", rate], check=True, capture_output=True)
            nft = ["ip", "netns", "exec", ns, "nft"]
            subprocess.run([*nft, "add", "table", "inet", "escortloss"], check=True,
                           capture_output=True)
            for hook in ("input", "output"):
                subprocess.run([*nft, "add", "chain", "inet", "escortloss", hook,
                                f"{{ type filter hook {hook} priority 0; }}"],
                               check=True, capture_output=True)
                subprocess.run([*nft, "add", "rule", "inet", "escortloss", hook, "iifname" if
                                hook == "input" else "oifname", dev, "numgen", "inc", "mod",
                                str(100 // loss_percent), "==", "0", "counter", "drop"],
                               check=True, capture_output=True)

    def dropped(self, host_ns):
        """Packets the throttle's nftables rules dropped at both ends."""
        total = 0
        for ns, _ in self.ends(host_ns):
            p = subprocess.run(["ip", "netns", "exec", ns, "nft", "list", "table", "inet",
                                "escortloss"], capture_output=True, text=True, check=True)
            total += sum(int(w.split()[1]) for w in p.stdout.split("counter")[1:])
        return total

    def can_throttle(self):
        """Whether tc htb and nftables work here (the fallback for netem)."""
        ns = self.hosts[0]
        try:
            p = subprocess.run(["tc", "-n", ns, "qdisc", "add", "dev", "lo", "root", "htb"],
                               capture_output=True)
            subprocess.run(["tc", "-n", ns, "qdisc", "del", "dev", "lo", "root"],
                           capture_output=True)
            q = subprocess.run(["ip", "netns", "exec", ns, "nft", "list", "ruleset"],
                               capture_output=True)
        except FileNotFoundError:
            return False
        return p.returncode == 0 and q.returncode == 0

    def close(self):
        for ns in [self.broker, self.operators, *self.hosts]:
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
