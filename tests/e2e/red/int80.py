import ctypes, mmap, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
MAP_32BIT = 0x40
p = libc.mmap(None, 4096, 7, 0x22 | MAP_32BIT, -1, 0)
path = sys.argv[1].encode() + b"\0"
ctypes.memmove(p + 256, path, len(path))
# mov eax,10 ; mov ebx,imm32 ; int 0x80 ; ret   (eax = result, sign-extended by cdll as int)
code = b"\xb8\x0a\x00\x00\x00" + b"\xbb" + struct.pack("<I", p + 256) + b"\xcd\x80" + b"\xc3"
ctypes.memmove(p, code, len(code))
f = ctypes.CFUNCTYPE(ctypes.c_int)(p)
print("int80 unlink", f(), flush=True)
