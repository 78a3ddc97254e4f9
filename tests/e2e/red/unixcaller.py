# unixcaller.py AS PATH...: blocking connects, one a path, as AS: "root" (as
# started), "nobody" (uid and gid 65534, no groups) or "-cap,-cap" (root
# without those effective capabilities). Prints "connect PATH: OUTCOME".
import ctypes, errno, os, socket, sys
libc = ctypes.CDLL(None, use_errno=True)
CAPS = {"dac_override": 1, "dac_read_search": 2, "sys_ptrace": 19, "net_bind_service": 10}
def drop_effective(names):
    hdr = (ctypes.c_uint32 * 2)(0x20080522, 0)
    data = (ctypes.c_uint32 * 6)()
    assert libc.capget(hdr, data) == 0
    for n in names:
        bit = CAPS[n]
        data[0 + 3 * (bit // 32)] &= ~(1 << (bit % 32))
    assert libc.capset(hdr, data) == 0, ctypes.get_errno()
who = sys.argv[1]
if who == "nobody":
    os.setgroups([]); os.setresgid(65534, 65534, 65534); os.setresuid(65534, 65534, 65534)
elif who != "root":
    drop_effective([c.lstrip("-") for c in who.split(",")])
for path in sys.argv[2:]:
    s = socket.socket(socket.AF_UNIX)
    addr = socket.AF_UNIX.to_bytes(2, "little") + path.encode() + b"\0"
    r = libc.connect(s.fileno(), ctypes.c_char_p(addr), len(addr))
    print(f"connect {path}: {'ok' if r == 0 else errno.errorcode.get(ctypes.get_errno())}", flush=True)
