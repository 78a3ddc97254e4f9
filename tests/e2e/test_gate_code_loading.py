"""Code loaded into a running process: a library the operator compiled, mapped
as code by bash's `enable -f`, by ctypes or by any dlopen, is refused; the
system's own libraries (every program maps them at start) and a JIT's
anonymous memory are not."""
import shutil
import subprocess

import pytest
from test_gate import Session, python_calls, site_rules

from conftest import ROOT, of_type

REFUSED = "Loads code that is not part of the system into a running program"

pytestmark = pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")


def code_refusals(evs):
    return [e for e in of_type(evs, "decision")
            if e.get("syscall") in ("mmap", "mprotect", "pkey_mprotect")]


@pytest.fixture
def own_library(tmp_path):
    """A shared library the operator compiled: a bash builtin `hello` and a
    plain C function."""
    src = tmp_path / "hello.c"
    src.write_text(r"""
#include <stdio.h>
struct word_list;
static int hello_builtin(struct word_list *w) { (void)w; puts("HELLO FROM THE LIBRARY"); return 0; }
static char *hello_doc[] = {"hello", 0};
struct builtin { const char *name; int (*function)(struct word_list *); int flags;
                 char *const *long_doc; const char *short_doc; char *handle; };
struct builtin hello_struct = {"hello", hello_builtin, 1, hello_doc, "hello", 0};
int answer(void) { return 42; }
""")
    lib = tmp_path / "hello.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    return lib


def session(escort, tmp_path):
    return Session(escort, tmp_path, rules=site_rules(tmp_path))


def test_a_builtin_from_the_operators_library_is_refused(escort, tmp_path, own_library):
    s = session(escort, tmp_path)
    out, status = s.run(f"enable -f {own_library} hello && hello")
    assert status != 0
    assert "HELLO FROM THE LIBRARY" not in out
    assert f"escort: refused: mmap of code from {own_library} -- {REFUSED}" in out
    evs = s.close()
    (rec,) = code_refusals(evs)
    assert rec["action"] == "deny" and rec["by"] == "gate" and rec["level"] == "high"
    assert rec["path"] == str(own_library) and rec["attack"] == "T1129"


def test_ctypes_cannot_load_the_operators_library(escort, tmp_path, own_library):
    s = session(escort, tmp_path)
    out, _ = s.run(python_calls(tmp_path, "load.py", f"""
try:
    print("ANSWER", ctypes.CDLL("{own_library}").answer())
except OSError as e:
    print("REFUSED", e)
"""))
    assert "ANSWER 42" not in out and "REFUSED" in out
    assert f"escort: refused: mmap of code from {own_library}" in out
    evs = s.close()
    assert code_refusals(evs)


def test_system_libraries_load_without_a_refusal(escort, tmp_path):
    s = session(escort, tmp_path)
    out, status = s.run(python_calls(tmp_path, "system.py", """
z = ctypes.CDLL("libz.so.1")
print("ZLIB", z.zlibVersion and "loaded")
"""))
    assert "ZLIB loaded" in out and status == 0
    assert "escort:" not in out
    evs = s.close()
    assert not code_refusals(evs)


def test_everyday_programs_run_with_zero_refusals(escort, tmp_path):
    s = session(escort, tmp_path)
    out, status = s.run(f"ls / >/dev/null && cd {ROOT} && git log --oneline -n 1 | cat && "
                        "/usr/bin/python3 -c 'import json' && /usr/bin/python3 -c 'import ssl, sqlite3, decimal, ctypes' "
                        "&& grep -P 'r(o)+t' /etc/passwd >/dev/null && echo EVERYDAY-OK")
    assert "EVERYDAY-OK" in out and status == 0
    assert "escort:" not in out
    evs = s.close()
    assert not code_refusals(evs)


def test_a_file_mapping_made_executable_later_is_refused(escort, tmp_path, own_library):
    s = session(escort, tmp_path)
    out, _ = s.run(python_calls(tmp_path, "protect.py", f"""
libc.mmap.restype = ctypes.c_void_p
f = open("{own_library}", "rb")
base = libc.mmap(None, 4096, 1, 2, f.fileno(), 0)  # PROT_READ, MAP_PRIVATE: not code yet
call("mprotect", libc.mprotect(ctypes.c_void_p(base), 4096, 1 | 4))
"""))
    assert "mprotect rc -1 Operation not permitted" in out
    assert f"escort: refused: mprotect of code from {own_library}" in out
    evs = s.close()
    (rec,) = code_refusals(evs)
    assert rec["syscall"] == "mprotect" and rec["path"] == str(own_library)


def test_anonymous_memory_made_executable_is_allowed(escort, tmp_path):
    # What a JIT does: write code into anonymous memory, then make it executable.
    s = session(escort, tmp_path)
    out, _ = s.run(python_calls(tmp_path, "jit.py", """
libc.mmap.restype = ctypes.c_void_p
base = libc.mmap(None, 4096, 3, 0x22, -1, 0)
ctypes.memmove(base, b"\\xb8\\x2a\\x00\\x00\\x00\\xc3", 6)  # mov eax, 42; ret
call("mprotect", libc.mprotect(ctypes.c_void_p(base), 4096, 1 | 4))
print("JIT", ctypes.CFUNCTYPE(ctypes.c_int)(base)())
rwx = libc.mmap(None, 4096, 7, 0x22, -1, 0)
print("RWX", "ok" if rwx not in (None, 2**64 - 1) else "failed")
"""))
    assert "mprotect rc 0" in out and "JIT 42" in out and "RWX ok" in out
    assert "escort:" not in out
    evs = s.close()
    assert not code_refusals(evs)
