# As nobody, calls that need rights nobody lacks (CAP_NET_ADMIN, CAP_NET_RAW),
# which the gate has: made by the gate, they passed. Prints NAME PASSED or
# NAME refused ERRNO for each; the kernel refuses all of them (EPERM).
import ctypes, os, socket, struct, sys
if os.geteuid() == 0:
    os.setgroups([]); os.setgid(65534); os.setuid(65534)

def attempt(name, fn):
    try:
        fn()
        print(name, "PASSED", flush=True)
    except OSError as e:
        print(name, "refused", e.errno, flush=True)

def nl_send_group():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    msg = struct.pack("=LHHLL", 16, 3, 0, 1, 0)  # NLMSG_DONE
    s.sendto(msg, (0, 1))  # to the kernel's RTMGRP_LINK listeners

def nl_sendmsg_group():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 15)
    s.sendmsg([b"add@/devices/fake\0ACTION=add\0"], [], 0, (0, 1))

def nl_bind_group():
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETLINK_NETFILTER
    s.bind((0, 1))  # conntrack NEW events of the machine

def v6_hopopts():
    r = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); r.bind(("::1", 0))
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    hop = bytes([0, 0, 1, 4, 0, 0, 0, 0])
    s.sendmsg([b"x"], [(socket.IPPROTO_IPV6, socket.IPV6_HOPOPTS, hop)], 0, r.getsockname())

def v6_dstopts():
    r = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); r.bind(("::1", 0))
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    hop = bytes([0, 0, 1, 4, 0, 0, 0, 0])
    s.sendmsg([b"x"], [(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS, hop)], 0, r.getsockname())

def hidden_mark():
    """SO_MARK after an IP_TOS, its length rounded up past the end: glibc's
    CMSG_NXTHDR stops before it, the kernel reads it."""
    libc = ctypes.CDLL(None, use_errno=True)
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); r.bind(("127.0.0.1", 0))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ctl = (struct.pack("=Qii", 20, socket.IPPROTO_IP, socket.IP_TOS) + struct.pack("=i4x", 0x10)
           + struct.pack("=Qii", 20, socket.SOL_SOCKET, socket.SO_MARK) + struct.pack("=i", 7))
    assert len(ctl) == 44
    name = struct.pack("<HH4s8x", socket.AF_INET, socket.htons(r.getsockname()[1]),
                       socket.inet_aton("127.0.0.1"))
    nb, cb, data = (ctypes.create_string_buffer(x) for x in (name, ctl, b"x"))
    iov = struct.pack("=QQ", ctypes.addressof(data), 1)
    ib = ctypes.create_string_buffer(iov)
    hdr = struct.pack("=QI4xQQQQi4x", ctypes.addressof(nb), 16, ctypes.addressof(ib), 1,
                      ctypes.addressof(cb), 44, 0)
    hb = ctypes.create_string_buffer(hdr)
    if libc.sendmsg(s.fileno(), hb, 0) < 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))


for n, f in [("nl-sendto-group", nl_send_group), ("nl-sendmsg-group", nl_sendmsg_group),
             ("nl-bind-group", nl_bind_group), ("v6-hopopts", v6_hopopts),
             ("v6-dstopts", v6_dstopts), ("hidden-mark", hidden_mark)]:
    attempt(n, f)
