"""Tries to stop the gate for good: a path on a page whose faults userfaultfd
answers, and nobody answers. The gate reads the caller's memory with
process_vm_readv: without the fix it waits in the kernel (uninterruptible)
until this program exits after HOLD seconds, closing the userfaultfd.
Prints how long another change to a scratch file took meanwhile."""
import ctypes, os, struct, subprocess, sys, threading, time
scratch, hold = sys.argv[1], float(sys.argv[2])
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                      ctypes.c_long]
fd = libc.syscall(323, os.O_CLOEXEC | os.O_NONBLOCK)
if fd < 0:  # the call, then the device's ioctl
    try:
        dev = os.open("/dev/userfaultfd", os.O_RDONLY | os.O_CLOEXEC)
        fd = libc.ioctl(dev, 0xaa00, os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        fd = -1
print("userfaultfd", "refused" if fd < 0 else "made", flush=True)
if fd < 0:
    sys.exit(0)
api = (ctypes.c_char * 24).from_buffer(bytearray(struct.pack("QQQ", 0xaa, 0, 0)))
libc.ioctl(fd, 0xc018aa3f, api)  # UFFDIO_API
addr = libc.mmap(None, 4096, 3, 0x22, -1, 0)
reg = (ctypes.c_char * 32).from_buffer(bytearray(struct.pack("QQQQ", addr, 4096, 1, 0)))
libc.ioctl(fd, 0xc020aa00, reg)  # UFFDIO_REGISTER, missing pages
threading.Thread(target=lambda: libc.unlink(ctypes.c_void_p(addr)), daemon=True).start()
time.sleep(0.5)
t0 = time.time()
p = subprocess.Popen(["/usr/bin/touch", os.path.join(scratch, "after-userfaultfd")])
while p.poll() is None and time.time() - t0 < hold:
    time.sleep(0.1)
print("touch took", round(time.time() - t0, 1), flush=True)
os._exit(0)  # closes the userfaultfd: the gate, if it waited, goes on
