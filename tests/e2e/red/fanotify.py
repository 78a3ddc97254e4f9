"""Permission events make every open of a marked file, by any process of the
machine, wait for this program's answer. Prints what each class got."""
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
for cls, name in ((0x0, "notification"), (0x4, "content"), (0x8, "pre-content")):
    fd = libc.fanotify_init(cls, os.O_RDONLY)
    print(name, "made" if fd >= 0 else f"refused {ctypes.get_errno()}", flush=True)
