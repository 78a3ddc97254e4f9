"""O_TMPFILE as everyday programs use it (Python's TemporaryFile, editors
saving atomically): an unnamed file with its mode, then named by linkat
with AT_EMPTY_PATH or through /proc/self/fd with AT_SYMLINK_FOLLOW, in
the same folder or in TARGET."""
import ctypes, os, stat, sys
libc = ctypes.CDLL(None, use_errno=True)
folder = sys.argv[1]
target = sys.argv[2] if len(sys.argv) > 2 else folder  # where it is named
for how, flags in (("empty", 0x1000), ("proc", 0x400)):
    fd = os.open(folder, os.O_TMPFILE | os.O_RDWR, 0o640)
    os.write(fd, f"{how}\n".encode())
    print(how, "mode", oct(stat.S_IMODE(os.fstat(fd).st_mode)))
    src, dirfd = (b"", fd) if how == "empty" else (f"/proc/self/fd/{fd}".encode(), -100)
    r = libc.linkat(dirfd, src, -100, f"{target}/{how}".encode(), flags)
    print(how, "link", "ok" if r == 0 else os.strerror(ctypes.get_errno()))
