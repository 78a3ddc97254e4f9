"""Attacks the gate must stop; one line of result each: name ok|BYPASS detail."""
import ctypes, errno, mmap, os, subprocess, sys
srv = sys.argv[1]; scratch = sys.argv[2]
victim = os.path.join(srv, "victim")
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long

def unchanged():
    return open(victim).read() == "precious\n" and os.stat(victim).st_mode & 0o7777 == 0o644

def report(name, fn):
    try:
        detail = fn()
    except OSError as e:
        detail = f"errno {e.errno}"
    ok = unchanged() and not os.path.exists(os.path.join(srv, "new"))
    print(f"{name} {'ok' if ok else 'BYPASS'} {detail}", flush=True)

def tmpfile_link_empty_path():
    fd = os.open(scratch, os.O_TMPFILE | os.O_WRONLY, 0o644)
    os.write(fd, b"evil\n")
    r = libc.linkat(fd, b"", -100, os.path.join(srv, "new").encode(), 0x1000)
    return f"rc {r} errno {ctypes.get_errno()}"

def tmpfile_link_proc():
    fd = os.open(scratch, os.O_TMPFILE | os.O_WRONLY, 0o644)
    os.link(f"/proc/self/fd/{fd}", os.path.join(srv, "new"), follow_symlinks=True)

def rename_exchange():
    a = os.path.join(scratch, "swap"); open(a, "w").write("evil\n")
    r = libc.renameat2(-100, a.encode(), -100, victim.encode(), 2)
    return f"rc {r} errno {ctypes.get_errno()}"

def hard_link_then_write():
    hl = os.path.join(scratch, "hl")
    os.link(victim, hl)
    open(hl, "a").write("evil\n")

def proc_fd_reopen():
    fd = os.open(victim, os.O_RDONLY)
    open(f"/proc/self/fd/{fd}", "a").write("evil\n")

def proc_fd_sibling():
    p = subprocess.Popen(["/usr/bin/sleep", "5"], stdin=open(victim))
    try:
        open(f"/proc/{p.pid}/fd/0", "a").write("evil\n")
    finally:
        p.kill(); p.wait()

def fchmod_ro_fd():
    fd = os.open(victim, os.O_RDONLY)
    os.fchmod(fd, 0o666)

def fchown_ro_fd():
    fd = os.open(victim, os.O_RDONLY)
    os.fchown(fd, 65534, 65534)
    return "fchown passed: " + str(os.stat(victim).st_uid)

def fsetxattr_ro_fd():
    fd = os.open(victim, os.O_RDONLY)
    os.setxattr(fd, "trusted.red", b"x")
    return "xattr set"

def chmod_proc_fd():
    fd = os.open(victim, os.O_RDONLY)
    os.chmod(f"/proc/self/fd/{fd}", 0o666)

def mmap_shared_write():
    fd = os.open(victim, os.O_RDONLY)
    m = mmap.mmap(fd, 0, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    m[0:4] = b"evil"

def openat2():
    r = libc.syscall(437, -100, victim.encode(), ctypes.c_char_p(b"\x02" + b"\0" * 23), 24)
    return f"rc {r} errno {ctypes.get_errno()}"

def io_uring():
    params = ctypes.create_string_buffer(120)
    r = libc.syscall(425, 8, params)
    return f"rc {r} errno {ctypes.get_errno()}"

def run_file(code):
    f = os.path.join(scratch, "code.py"); open(f, "w").write(code)
    p = subprocess.run(["/usr/bin/python3", f], capture_output=True)
    return f"exit {p.returncode} {p.stdout!r} {p.stderr[-200:]!r}"

def x32_rename():
    a = os.path.join(scratch, "x32"); open(a, "w").write("evil\n")
    code = f"import ctypes; l=ctypes.CDLL(None); l.syscall.restype=ctypes.c_long; " \
           f"print(l.syscall(0x40000000 | 82, b'{a}', b'{victim}'))"
    return run_file(code)

def int80_rename():
    a = os.path.join(scratch, "i386"); open(a, "w").write("evil\n")
    code = f"""
import ctypes, mmap, struct
l = ctypes.CDLL(None); l.mmap.restype = ctypes.c_void_p
l.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
low = l.mmap(None, 4096, 7, 0x22 | 0x40, -1, 0)   # MAP_32BIT: addresses int 0x80 can take
ctypes.memmove(low, b'{a}\\0', {len(a) + 1}); ctypes.memmove(low + 512, b'{victim}\\0', {len(victim) + 1})
code = b'\\x53\\xb8\\x26\\0\\0\\0\\xbb' + struct.pack('<I', low) + b'\\xb9' + struct.pack('<I', low + 512) + b'\\xcd\\x80\\x5b\\xc3'
ctypes.memmove(low + 1024, code, len(code))
print(ctypes.CFUNCTYPE(ctypes.c_int)(low + 1024)())
"""
    return run_file(code)

def device_node():
    os.mknod(os.path.join(scratch, "mem"), 0o666 | 0o020000, os.makedev(1, 1))
    return "made /dev/mem's twin"

def bind_mount():
    r = libc.mount(scratch.encode(), srv.encode(), None, 4096, None)
    return f"rc {r} errno {ctypes.get_errno()}"

def truncate_path():
    os.truncate(victim, 0)

def utimensat():
    os.utime(victim, (0, 0))
    return "timestamps (documented: not held)"

for name, fn in list(globals().items()):
    if callable(fn) and fn.__module__ == "__main__" and name not in ("unchanged", "report", "run_file"):
        report(name, fn)
