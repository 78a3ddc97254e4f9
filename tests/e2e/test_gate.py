"""The exec gate end to end: every program a session starts is stopped by the
kernel, identified by what it really is, and refused when it needs approval
(no escort is reachable in these tests, so the standalone policy applies)."""
import base64
import hashlib
import os
import pathlib
import re
import shutil
import signal
import subprocess
import time

import pexpect
import pytest
from conftest import ROOT, events, of_type

PROMPT = "gate$ "


def site_rules(tmp_path):
    """The shipped rules plus a site rule that lets Python and Perl run (as a
    site that trusts its interpreters would write it), so that what they
    start reaches the gate."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    execution = rules / "20-execution.yaml"
    text = execution.read_text()
    text = text.replace('command: ["python*", perl, ruby, node, php, lua, tclsh, Rscript]',
                        'command: [ruby, node, php, lua, tclsh, Rscript]')
    text = text.replace('command: ["python*", ipython, perl, ruby,', 'command: [ipython, ruby,')
    execution.write_text(text)
    (rules / "99-site.yaml").write_text("""
- id: site.interpreters
  family: interpreters
  level: low
  attack: []
  match:
    command: [python3, perl]
  explain: "Runs {command}; this site lets interpreters run, and escort checks what they start."
  why: "site policy"
  ask: "Nothing to ask."
  undo: "unknown"
  test_hit: ["python3 -c 1"]
""")
    return rules


class Session:
    def __init__(self, escort, tmp_path, rules=None, wrap=()):
        """wrap: a command escort runs under (its argv before escort's)."""
        self.log = tmp_path / "s.eslog"
        env = dict(os.environ, PS1=PROMPT, TERM="xterm")
        if rules:
            env["ESCORT_RULES"] = str(rules)
        argv = [*wrap, escort, "run", "--log", str(self.log), "--", "bash", "--norc",
                "--noprofile", "-i"]
        self.child = pexpect.spawn(argv[0], argv[1:],
                                   env=env, encoding="utf-8", timeout=20,
                                   dimensions=(40, 200))
        self.child.expect_exact(PROMPT)

    def run(self, line):
        """Types line, waits for it to finish; returns (output, status)."""
        sep = " " if line.rstrip().endswith("&") else "; "
        self.child.sendline(line + sep + 'echo "=""=DONE$?"')
        self.child.expect(r"==DONE(\d+)")
        out = self.child.before
        status = int(self.child.match.group(1))
        self.child.expect_exact(PROMPT)
        return out, status

    def close(self):
        self.child.sendline("exit")
        self.child.expect(pexpect.EOF)
        self.child.close()
        return events(self.log)


def decisions(evs):
    """exec id -> (request record, decision record)."""
    requests = {e["id"]: e for e in of_type(evs, "exec") if e.get("phase") == "request"}
    return {e["id"]: (requests.get(e["id"]), e) for e in of_type(evs, "decision")}


def refused(evs, program):
    return [(req, dec) for req, dec in decisions(evs).values()
            if req and req["program"] == program and dec["action"] == "deny"]


@pytest.fixture
def victim(tmp_path):
    v = tmp_path / "victim"
    v.mkdir()
    (v / "precious").write_text("keep me")
    return v


def same_device_dir(tmp_path):
    dev = os.stat("/usr/bin/rm").st_dev
    for d in (tmp_path, pathlib_or("/var/tmp"), pathlib_or("/root")):
        if d and os.path.isdir(d) and os.stat(d).st_dev == dev:
            return d
    return None


def pathlib_or(path):
    return path if os.path.isdir(path) else None


def test_everyday_read_only_work_runs_without_asking(escort, tmp_path):
    s = Session(escort, tmp_path)
    out, status = s.run("ls / | grep -c usr; cat /etc/hostname; ps aux | head -2 | wc -l; "
                        "df -h / | tail -1 | wc -l; id -u; uname -s; grep -c root /etc/passwd; "
                        "which ls; zgrep -c root /etc/passwd")
    assert status == 0
    assert "escort:" not in out
    assert "Linux" in out
    evs = s.close()
    actions = [dec["action"] for _, dec in decisions(evs).values()]
    assert actions and set(actions) == {"allow"}
    programs = {req["program"] for req, _ in decisions(evs).values()}
    assert {"ls", "grep", "cat", "ps", "head", "wc", "df", "tail", "id", "uname"} <= programs
    # Scripts the system installed are programs like the others (rated by name).
    which = [req for req, _ in decisions(evs).values() if req["program"] == "which"]
    assert which and which[0]["identity"].startswith("the script ") and which[0]["trust"] == "system"
    ran = [e for e in of_type(evs, "exec") if e.get("phase") in ("ran", "ended")]
    assert ran and not [e for e in of_type(evs, "exec") if e.get("phase") == "mismatch"]


def test_a_refused_program_says_what_and_why(escort, tmp_path, victim):
    s = Session(escort, tmp_path)
    out, status = s.run(f"rm -rf {victim}")
    assert status != 0
    assert re.search(r"escort: refused: rm -rf \S*victim -- high risk needs an escort's "
                     r"approval and no escort is reachable", out)
    assert (victim / "precious").exists()
    evs = s.close()
    (req, dec), = refused(evs, "rm")
    assert req["argv"] == ["rm", "-rf", str(victim)]
    assert req["file"] == os.path.realpath("/usr/bin/rm") and req["trust"] == "system"
    assert req["level"] == "high" and "destruction.rm-recursive" in req["rule"]
    assert req["cwd"] and req["sha256"] and req["syscall"] == "execve"
    assert dec["by"] == "standalone policy"


def test_critical_is_refused_and_recorded(escort, tmp_path):
    s = Session(escort, tmp_path)
    out, status = s.run("mkfs.ext4 /dev/escort-test-nonexistent")
    assert status != 0 and "escort: refused: mkfs.ext4" in out
    assert "critical risk is never allowed" in out
    s.close()


def bypasses(tmp_path, victim):
    """Ways to run rm without typing rm; each must be stopped as rm."""
    tidy = tmp_path / "tidy"
    shutil.copy("/usr/bin/rm", tidy)
    link = tmp_path / "lnk"
    link.symlink_to("/usr/bin/rm")
    script = tmp_path / "clean.sh"
    script.write_text(f"#!/bin/sh\nrm -rf {victim}\n")
    script.chmod(0o755)
    encoded = base64.b64encode(f"rm -rf {victim}\n".encode()).decode()
    cases = {
        "renamed copy": f"{tidy} -rf {victim}",
        "symlink": f"{link} -rf {victim}",
        "script": f"{script}",
        "sh -c": f"sh -c 'rm -rf {victim}'",
        "env": f"env rm -rf {victim}",
        "xargs": f"echo {victim} | xargs rm -rf",
        "find -exec": f"find {victim} -maxdepth 0 -exec rm -rf {{}} \\;",
        "base64 | sh": f"echo {encoded} | base64 -d | sh",
        "dynamic loader": f"/lib64/ld-linux-x86-64.so.2 /usr/bin/rm -rf {victim}",
        "exec builtin": f"exec rm -rf {victim}",
        "busybox": f"busybox rm -rf {victim}",
    }
    hard_dir = same_device_dir(tmp_path)
    if hard_dir:
        hard = os.path.join(hard_dir, f"escort-hard-{os.getpid()}")
        if os.path.exists(hard):
            os.unlink(hard)
        os.link("/usr/bin/rm", hard)
        cases["hard link"] = f"{hard} -rf {victim}"
    return cases


def test_bypasses_are_stopped_and_shown_as_the_real_program(escort, tmp_path, victim):
    cases = bypasses(tmp_path, victim)
    s = Session(escort, tmp_path)
    for name, line in cases.items():
        out, status = s.run(line)
        assert (victim / "precious").exists(), f"{name}: rm ran"
        assert "escort: refused" in out, f"{name}: no refusal shown: {out!r}"
    evs = s.close()
    stopped = refused(evs, "rm")
    identities = [req["identity"] for req, _ in stopped]
    # The renamed copy and the hard link are recognised by content.
    assert any("a copy of the system program" in i and "tidy" in i for i in identities)
    assert any(req["path"].endswith("lnk") for req, _ in stopped)
    assert any("dynamic loader" in i for i in identities)
    assert any("busybox applet" in i for i in identities)
    scripts = [req for req, dec in decisions(evs).values()
               if req and dec["action"] == "deny" and "clean.sh" in req["identity"]]
    assert scripts and scripts[0]["identity"].startswith("the script ")
    assert scripts[0]["script"] == f"#!/bin/sh\nrm -rf {victim}\n"
    assert "destruction.rm-recursive" in scripts[0]["rule"]
    if "hard link" in cases:
        assert any(req["path"].endswith(f"escort-hard-{os.getpid()}") for req, _ in stopped)
        os.unlink(cases["hard link"].split()[0])
    # base64 | sh: the shell reading the decoded text ran; its rm was stopped.
    assert any(req["argv"] == ["rm", "-rf", str(victim)] and req["syscall"] == "execve"
               for req, _ in stopped)


def test_interpreters_calling_system_are_stopped(escort, tmp_path, victim):
    s = Session(escort, tmp_path, rules=site_rules(tmp_path))
    out, _ = s.run(f"/usr/bin/python3 -c 'import os; print(\"status\", os.system(\"rm -rf {victim}\"))'")
    assert "escort: refused" in out and "status" in out
    out, _ = s.run(f"/usr/bin/perl -e 'print \"status \", system(\"/bin/rm\", \"-rf\", \"{victim}\"), "
                   f"\"\\n\"'")
    assert "escort: refused: /bin/rm -rf" in out
    assert (victim / "precious").exists()
    evs = s.close()
    programs = {req["program"] for req, _ in decisions(evs).values()}
    assert {"python3", "perl"} <= programs
    # Python's system() goes through sh -c, which is refused for the rm inside;
    # Perl's list form runs rm directly, which is refused as rm.
    assert refused(evs, "rm") and refused(evs, "sh")


def test_rules_the_operator_could_write_are_ignored(escort, tmp_path):
    """ESCORT_RULES is the operator's to set: a directory someone other than
    root can write is not used (the operator would choose their own ratings)."""
    rules = site_rules(tmp_path)
    os.chmod(rules, 0o777)
    s = Session(escort, tmp_path, rules=rules)
    assert (f"escort: the rules directory {rules} (ESCORT_RULES) can be changed by someone "
            "other than root: ignored") in s.child.before
    out, _ = s.run("/usr/bin/python3 -c 'import os; print(6 * 7); os.system(\"true\")'")
    assert "escort: refused" in out and "42" not in out  # the shipped rules hold it
    s.close()


def test_a_script_given_to_sh_is_read_where_the_process_is(escort, tmp_path, victim):
    """The gate reads `sh FILE`'s FILE as the process sees it (its working
    directory), not from the session host's own directory."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "tidy.sh").write_text(f"shred -u {victim}/precious\n")
    s = Session(escort, tmp_path)
    out, _ = s.run(f"cd {work} && sh ./tidy.sh")
    assert "escort: refused: sh ./tidy.sh" in out and "Overwrites" in out
    assert (victim / "precious").exists()
    s.close()


def test_memfd_and_threads(escort, tmp_path, victim):
    s = Session(escort, tmp_path, rules=site_rules(tmp_path))
    out, _ = s.run("/usr/bin/python3 -c 'import os; fd = os.memfd_create(\"x\"); "
                   "os.write(fd, open(\"/usr/bin/true\", \"rb\").read()); "
                   "os.execve(fd, [\"true\"], {})'")
    assert "escort: refused: true" in out and "PermissionError" in out
    out, _ = s.run("/usr/bin/python3 -c 'import os; fd = os.memfd_create(\"y\"); "
                   "os.write(fd, open(\"/usr/bin/true\", \"rb\").read()); "
                   "os.execv(\"/proc/self/fd/%d\" % fd, [\"true\"])'")
    assert "escort: refused" in out and "PermissionError" in out
    out, _ = s.run("/usr/bin/python3 -c 'import os, threading; "
                   f"t = threading.Thread(target=lambda: os.execv(\"/usr/bin/rm\", "
                   f"[\"rm\", \"-rf\", \"{victim}\"])); t.start(); t.join()'")
    assert "escort: refused: rm" in out
    out, _ = s.run("/usr/bin/python3 -c 'import os, threading; "
                   "t = threading.Thread(target=lambda: os.execv(\"/usr/bin/echo\", "
                   "[\"echo\", \"from-a-thread\"])); t.start(); t.join()'")
    assert "from-a-thread" in out
    assert (victim / "precious").exists()
    evs = s.close()
    memory = [req for req, dec in decisions(evs).values()
              if req and req["trust"] == "memory" and dec["action"] == "deny"]
    assert len(memory) == 2
    assert {"memory-code"} <= set(memory[0]["rule"])
    assert any(req["syscall"] == "execveat" for req in memory)
    assert refused(evs, "rm")
    echo = [req for req, dec in decisions(evs).values()
            if req and req["program"] == "echo" and dec["action"] == "allow"]
    assert echo
    ran = {e["id"]: e for e in of_type(evs, "exec") if e.get("phase") != "request"}
    assert ran[echo[-1]["id"]]["phase"] in ("ran", "ended")


def test_a_background_job_outliving_the_line_is_stopped(escort, tmp_path, victim):
    s = Session(escort, tmp_path)
    s.run(f"(sleep 0.5; rm -rf {victim}) &")
    time.sleep(2)
    out, _ = s.run("true")
    assert (victim / "precious").exists()
    evs = s.close()
    assert refused(evs, "rm")


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("sudo") is None,
                    reason="sudo inside a session needs escort to start as root")
def test_sudo_is_stopped_and_its_own_execs_trapped(escort, tmp_path, victim):
    s = Session(escort, tmp_path)
    out, status = s.run(f"sudo rm -rf {victim}")
    assert "escort: refused: sudo rm" in out and (victim / "precious").exists()
    out, status = s.run("sudo /usr/bin/echo via-sudo")
    assert "via-sudo" in out and status == 0
    evs = s.close()
    allowed = [req for req, dec in decisions(evs).values()
               if req and dec["action"] == "allow"]
    sudo = [r for r in allowed if r["program"] == "sudo"]
    echo = [r for r in allowed if r["program"] == "echo" and r["argv"][0] == "/usr/bin/echo"]
    assert sudo and echo and echo[-1]["id"] > sudo[-1]["id"]


def test_the_first_program_is_gated_too(escort, tmp_path, victim):
    p = subprocess.run([escort, "run", "--log", str(tmp_path / "s.eslog"), "--",
                        "rm", "-rf", str(victim)], capture_output=True, timeout=30,
                       stdin=subprocess.DEVNULL)
    assert p.returncode == 126
    assert b"escort: refused: rm -rf" in p.stderr
    assert (victim / "precious").exists()
    assert refused(events(tmp_path / "s.eslog"), "rm")


def test_nothing_new_runs_after_the_session_host_is_killed(escort, tmp_path):
    started, ran, status = tmp_path / "started", tmp_path / "ran", tmp_path / "status"
    s = Session(escort, tmp_path)
    # The status goes out through a descriptor opened while the host lived:
    # afterwards, opening a file for writing is refused like any exec.
    s.run(f"nohup sh -c 'trap \"\" HUP; exec 4>{status}; echo up > {started}; sleep 2; "
          f"touch {ran}; echo $? >&4; echo late > {tmp_path}/late' >{tmp_path}/out 2>&1 &")
    wait_for(started)
    os.kill(s.child.pid, signal.SIGKILL)
    s.child.close(force=True)
    out = tmp_path / "out"
    wait_for(status, seconds=40,
             why=lambda: f"job output: {out.read_text() if out.exists() else '(none)'}; "
             f"processes: {[l for l in subprocess.run(['ps', '-eo', 'pid,ppid,stat,wchan:30,cmd'], capture_output=True, text=True).stdout.splitlines() if 'sleep' in l or 'sh -c' in l or 'touch' in l or 'escort' in l]}")
    assert not ran.exists()
    assert status.read_text().strip() != "0"
    assert "touch: Function not implemented" in (tmp_path / "out").read_text()
    wait_for(out, why=lambda: out.read_text())
    deadline = time.time() + 10
    while "late: Function not implemented" not in out.read_text() and time.time() < deadline:
        time.sleep(0.1)
    assert "late: Function not implemented" in out.read_text()
    assert not (tmp_path / "late").exists()


def padded(program, size):
    """program's bytes, then zeros up to size: an ELF no index knows."""
    data = pathlib.Path(program).read_bytes()
    assert len(data) <= size
    return data + b"\0" * (size - len(data))


def test_a_copy_given_new_content_and_its_old_timestamps_is_seen_anew(escort, tmp_path, victim):
    """Users can set a file's mtime but not its ctime: a copy of ls that was
    identified, then given other code of the same size and ls's timestamps
    back (touch -r), is identified again by what it now holds."""
    home = tmp_path / "home"
    home.mkdir()
    fake = home / "ls"
    shutil.copy2("/usr/bin/ls", fake)
    time.sleep(1.2)  # old enough for the gate to keep what it found
    s = Session(escort, tmp_path)
    out, status = s.run(f"{fake} -d {home}")
    assert status == 0 and "escort:" not in out
    st = os.stat(fake)
    with open(fake, "r+b") as f:
        f.write(padded("/usr/bin/rm", st.st_size))
    os.utime(fake, ns=(st.st_atime_ns, st.st_mtime_ns))
    now = os.stat(fake)
    assert (now.st_ino, now.st_size, now.st_mtime_ns) == (st.st_ino, st.st_size, st.st_mtime_ns)
    out, status = s.run(f"{fake} -rf {victim}")
    assert (victim / "precious").exists(), "rm's code ran as a copy of ls"
    assert "escort: refused" in out
    evs = s.close()
    runs = [req for req, _ in decisions(evs).values() if req and req["path"] == str(fake)]
    assert runs[0]["trust"] == "copy" and runs[0]["program"] == "ls"
    assert runs[-1]["sha256"] == hashlib.sha256(fake.read_bytes()).hexdigest()
    assert runs[-1]["trust"] == "unknown" and "unknown-code" in runs[-1]["rule"]


@pytest.mark.skipif(os.geteuid() != 0, reason="plants programs in a directory only root can write")
def test_a_root_owned_directory_vouches_for_nothing(escort, tmp_path, victim):
    """Only the package manager's paths and the index's contents are the
    system's: a link is named by what it leads to, a file by what it holds."""
    os.makedirs("/srv", exist_ok=True)
    d = pathlib.Path(f"/srv/escort-test-{os.getpid()}")
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir()
    os.chmod(d, 0o755)
    try:
        (d / "cat").symlink_to("/bin/rm")
        shutil.copy("/usr/bin/rm", d / "ls")
        (d / "df").write_bytes(padded("/usr/bin/rm", os.stat("/usr/bin/rm").st_size + 4096))
        (d / "uname").write_text("#!/bin/sh\necho from-a-planted-script\n")
        for name in ("df", "uname"):
            os.chmod(d / name, 0o755)
        s = Session(escort, tmp_path)
        for name in ("cat", "ls", "df"):
            out, _ = s.run(f"{d}/{name} -rf {victim}")
            assert (victim / "precious").exists(), f"{name}: rm ran"
            assert "escort: refused" in out, f"{name}: {out!r}"
        out, _ = s.run(f"{d}/uname")
        evs = s.close()
    finally:
        shutil.rmtree(d, ignore_errors=True)
    by_path = {req["path"]: req for req, _ in decisions(evs).values() if req}
    assert by_path[f"{d}/cat"]["program"] == "rm" and by_path[f"{d}/cat"]["trust"] == "system"
    assert by_path[f"{d}/ls"]["program"] == "rm" and by_path[f"{d}/ls"]["trust"] == "copy"
    assert by_path[f"{d}/df"]["trust"] == "unknown"
    planted = by_path[f"{d}/uname"]
    assert planted["program"] != "uname" and planted["identity"].startswith("the script ")


def test_loader_variables_that_inject_code_are_rated_like_ld_preload(escort, tmp_path):
    s = Session(escort, tmp_path)
    out, _ = s.run("LD_PRELOAD=/tmp/escort-x.so ls /")
    assert "escort: refused" in out
    out, _ = s.run("LD_AUDIT=/tmp/escort-x.so ls /")
    assert "escort: refused" in out
    evs = s.close()
    audit = [req for req, dec in decisions(evs).values()
             if req and any(e.startswith("LD_AUDIT=") for e in req.get("env", []))]
    assert audit and "preload" in audit[0]["rule"]


@pytest.mark.parametrize("line, rule", [
    ("ssh-keygen -D /tmp/escort-x.so", "exec.ssh-loads-library"),
    ("openssl engine dynamic -pre SO_PATH:/tmp/escort-x.so -pre LOAD", "exec.openssl-loads-engine"),
])
def test_programs_that_load_code_by_option_are_rated_for_it(escort, tmp_path, line, rule):
    if shutil.which(line.split()[0]) is None:
        pytest.skip(f"{line.split()[0]} is not installed")
    s = Session(escort, tmp_path)
    out, status = s.run(line)
    assert "escort: refused" in out and status != 0
    evs = s.close()
    (req, _), = refused(evs, line.split()[0])
    assert rule in req["rule"]


def wait_for(path, seconds=15, why=lambda: ""):
    deadline = time.time() + seconds
    while not path.exists() or path.stat().st_size == 0:
        assert time.time() < deadline, f"{path} never appeared. {why()}"
        time.sleep(0.05)


def python_calls(tmp_path, name, code):
    """A Python script the session runs (Python is allowed by site_rules): it
    makes system calls through ctypes, without starting any other program."""
    script = tmp_path / name
    script.write_text("import ctypes, os\n"
                      "libc = ctypes.CDLL(None, use_errno=True)\n"
                      "def call(name, rc):\n"
                      "    print(name, 'rc', rc, os.strerror(ctypes.get_errno()) if rc < 0 else '')\n"
                      + code)
    return f"/usr/bin/python3 {script}"


def effects(evs, syscall):
    return [e for e in of_type(evs, "decision") if e.get("syscall") == syscall]


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None,
                    reason="only root can change the system")
def test_changes_to_the_system_are_refused_even_for_root(escort, tmp_path):
    # In UTS and mount namespaces of its own: without the gate, the host name
    # and the mount would change there, not on the machine.
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    s = Session(escort, tmp_path, rules=site_rules(tmp_path),
                wrap=["unshare", "--uts", "--mount", "--propagation", "private"])
    out, _ = s.run(python_calls(tmp_path, "system.py", f"""
before = os.uname().nodename
call("sethostname", libc.sethostname(b"escort-was-here", 15))
call("mount", libc.mount(b"none", b"{mnt}", b"tmpfs", 0, None))
call("io_uring_setup", libc.syscall(425, 8, ctypes.create_string_buffer(120)))
call("unshare", libc.unshare(0x20000 | 0x04000000))
print("HOSTNAME", "same" if os.uname().nodename == before else "changed")
print("MOUNTED", "{mnt}" in open("/proc/self/mounts").read())
"""))
    for name in ("sethostname", "mount", "io_uring_setup", "unshare"):
        assert f"{name} rc -1 Operation not permitted" in out
    assert "escort: refused: sethostname -- Changes the machine's host name" in out
    assert "without passing them through escort's checks" in out
    assert "escort: refused: unshare" in out
    assert "HOSTNAME same" in out and "MOUNTED False" in out
    evs = s.close()
    for name in ("sethostname", "mount", "io_uring_setup", "unshare"):
        (rec,) = effects(evs, name)
        assert rec["action"] == "deny" and rec["by"] == "gate" and rec["reason"]
        assert rec["attack"] and rec["level"] in ("high", "critical")


def test_signals_reach_the_sessions_own_processes_only(escort, tmp_path):
    outside = subprocess.Popen(["sleep", "300"])
    try:
        s = Session(escort, tmp_path)
        out, status = s.run(f"kill -TERM {outside.pid}")
        assert status != 0
        assert f"escort: refused: kill signal 15 to process {outside.pid} (sleep)" in out
        assert "not part of this session" in out
        out, status = s.run("kill -0 $$")
        assert status == 0 and "escort:" not in out
        s.run("sleep 100 &")
        out, status = s.run("kill %1; wait")
        assert "escort:" not in out
        s.run("sleep 101 &")
        out, status = s.run("kill $!; wait $!")
        assert status == 128 + signal.SIGTERM and "escort:" not in out
        out, status = s.run("(sleep 102 & kill $!; wait $!)")
        assert status == 128 + signal.SIGTERM and "escort:" not in out
        evs = s.close()
        assert outside.poll() is None, "the process outside the session was killed"
        (rec,) = effects(evs, "kill")
        assert rec["target"] == str(outside.pid) and rec["signal"] == signal.SIGTERM
        assert rec["action"] == "deny"
    finally:
        outside.kill()
        outside.wait()


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("unshare") is None,
                    reason="needs a pid namespace of its own")
def test_kill_minus_one_reaches_nothing_outside(escort, tmp_path):
    # In a pid namespace of its own: without the gate, kill -9 -1 would kill
    # every process of the namespace, not every process of the machine.
    pids = tmp_path / "pids"
    s = Session(escort, tmp_path, wrap=[
        "unshare", "--pid", "--fork", "--mount-proc", "--kill-child", "sh", "-c",
        f"sleep 300 & echo $! > {pids}; exec \"$0\" \"$@\""])
    out, status = s.run("kill -9 -1")
    assert status != 0
    assert "escort: refused: kill signal 9 to every process it may signal" in out
    outside = pids.read_text().strip()
    out, status = s.run(f"kill -0 {outside} && echo ALIVE")
    assert "ALIVE" in out
    evs = s.close()
    (rec,) = effects(evs, "kill")
    assert rec["signal"] == signal.SIGKILL and "target" not in rec
