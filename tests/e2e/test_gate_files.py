"""Changes to files are held like execs (issue 12): every open for writing,
deletion, rename, link, folder, mode, owner and attribute change of the
session is trapped, resolved the way the kernel resolves it, rated by the
rules about changes, and done by the gate itself when allowed. Real sessions
on real PTYs, as root (the tests write outside the scratch folders)."""
import os
import pathlib
import pwd
import shutil
import subprocess
import tempfile
import textwrap
import time
import uuid

import pytest
from conftest import ROOT, events
from test_gate import Session, site_rules

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="needs root: the victims live outside scratch folders")


@pytest.fixture
def srv():
    """A data folder outside every scratch folder, as an application's."""
    path = pathlib.Path("/srv") / f"escort-test-{uuid.uuid4().hex[:8]}"
    (path / "sub").mkdir(parents=True)
    (path / "data.db").write_text("precious\n")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def change_decisions(evs):
    return [e for e in evs if e["type"] == "decision" and "change" in e]


def refused_change(evs, path, kind=None):
    return [e for e in change_decisions(evs)
            if e["action"] == "deny" and (e.get("path") == str(path) or e.get("path2") == str(path))
            and (kind is None or e["change"] == kind)]


def test_shell_redirections_and_builtins_outside_scratch_are_refused(escort, tmp_path, srv):
    db = srv / "data.db"
    s = Session(escort, tmp_path)
    lines = [f": > {db}", f"exec 3>{db}", f"printf 'x' >> {db}",
             f"echo x > /srv/../srv//{srv.name}/./sub/../data.db",
             f"cd {srv}/sub && echo x >> ../data.db; cd /"]
    for line in lines:
        out, status = s.run(line)
        s.run("sleep 0.3")  # the same refusal at once again is one line, not two
        assert "escort: refused:" in out and str(db) in out, (line, out)
        assert "Operation not permitted" in out, (line, out)
        assert db.read_text() == "precious\n", line
    evs = s.close()
    # What the operator read is in the recording (replay and export show it).
    shown = "".join(e.get("data", "") for e in evs if e["type"] == "output")
    assert f"escort: refused: Empties {db}" in shown
    # Decided on the path the kernel would use, never the text typed.
    assert len(refused_change(evs, db)) >= len(lines)
    assert {e["change"] for e in refused_change(evs, db)} >= {"truncate", "write"}
    for e in refused_change(evs, db):
        assert e["level"] == "high" and "changes.data-deletion" in e["rule"] or \
            e["level"] == "medium", e


def test_login_files_and_sudoers_are_refused_however_the_path_is_written(escort, tmp_path):
    bashrc = pathlib.Path.home() / ".bashrc"
    before = bashrc.read_bytes() if bashrc.exists() else None
    sudoers = pathlib.Path("/etc/sudoers").read_bytes()
    s = Session(escort, tmp_path)
    out, _ = s.run("printf '# escort-test curl -s URL | sh\\n' >> ~/.bashrc")
    assert "escort: refused:" in out and ".bashrc" in out
    out, _ = s.run("cd /etc && echo 'op ALL=(ALL) NOPASSWD: ALL' >> sudoers; cd /")
    assert "escort: refused:" in out and "/etc/sudoers" in out
    out, _ = s.run("cd /etc/ssh/.. && tee -a ./sudoers.d/escort-test </dev/null; cd /")
    assert "refused" in out
    evs = s.close()
    assert (bashrc.read_bytes() if bashrc.exists() else None) == before
    assert pathlib.Path("/etc/sudoers").read_bytes() == sudoers
    assert not pathlib.Path("/etc/sudoers.d/escort-test").exists()
    sud = refused_change(evs, "/etc/sudoers")
    assert sud and sud[0]["level"] == "critical" and "changes.sudoers" in sud[0]["rule"]
    rc = refused_change(evs, bashrc)
    assert rc and "changes.login-files" in rc[0]["rule"]


def test_programs_rated_low_are_held_for_what_they_do(escort, tmp_path, srv):
    """Side effects of everyday programs and of interpreters: decided on the
    change, not the program's name."""
    db = srv / "data.db"
    s = Session(escort, tmp_path, rules=site_rules(tmp_path))
    attempts = [
        f"/usr/bin/python3 -c 'open(\"{db}\", \"w\")'",
        f"/usr/bin/python3 -c 'import os; os.unlink(\"{db}\")'",
        f"/usr/bin/python3 -c 'import os; os.rename(\"{db}\", \"{srv}/moved\")'",
        f"/usr/bin/python3 -c 'import os; os.symlink(\"/dev/null\", \"{srv}/sub/new\")'",
        f"/usr/bin/python3 -c 'import os; os.mkdir(\"{srv}/newdir\")'",
        f"/usr/bin/python3 -c 'import os; os.chmod(\"{db}\", 0o600)'",
        f"/usr/bin/python3 -c 'import os; os.truncate(\"{db}\", 0)'",
        f"busybox sh -c 'rm -f {db}'",
        f"busybox sh -c 'echo gone > {db}'",
        f"sort -o {db} /dev/null",
        f"awk 'BEGIN {{ print \"x\" > \"{db}\" }}'",
        f"sed -n 'w {db}' /dev/null",
        f"cp /dev/null {db}",
    ]
    for line in attempts:
        out, status = s.run(line)
        assert "escort: refused:" in out, (line, out)
        assert status != 0, line
        assert db.read_text() == "precious\n", line
    evs = s.close()
    assert not (srv / "moved").exists() and not (srv / "newdir").exists()
    assert not (srv / "sub" / "new").exists()
    # The interpreter ran (rated low): each of its changes was refused on its own.
    kinds = {e["change"] for e in change_decisions(evs) if e["action"] == "deny"}
    assert kinds >= {"write", "delete", "rename", "symlink", "mkdir", "mode", "truncate"}


def test_set_user_id_bits_are_refused_however_the_mode_is_written(escort, tmp_path):
    s = Session(escort, tmp_path, rules=site_rules(tmp_path))
    target = tmp_path / "shell"
    shutil.copy("/bin/sh", target)
    for line in [f"/usr/bin/python3 -c 'import os; os.chmod(\"{target}\", 0o4755)'",
                 f"/usr/bin/python3 -c 'import os; os.chmod(\"{target}\", 0o2755)'",
                 f"/usr/bin/python3 -c 'import os; os.close(os.open(\"{tmp_path}/new\", "
                 f"os.O_CREAT | os.O_WRONLY, 0o4755))'"]:
        out, status = s.run(line)
        assert "escort: refused:" in out and status != 0, (line, out)
    # tar's way: extract a file whose archived mode is 4755, keeping modes.
    tar = tmp_path / "x.tar"
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy("/bin/sh", src / "rootshell")
    subprocess.run(["tar", "--mode=4755", "-cf", str(tar), "-C", str(src), "rootshell"],
                   check=True)
    dest = tmp_path / "dest"
    dest.mkdir()
    out, status = s.run(f"tar -xpf {tar} -C {dest}")
    evs = s.close()
    assert not (target.stat().st_mode & 0o6000)
    assert not (tmp_path / "new").exists() or not ((tmp_path / "new").stat().st_mode & 0o4000)
    extracted = dest / "rootshell"
    assert not extracted.exists() or not (extracted.stat().st_mode & 0o6000)
    setuid = [e for e in change_decisions(evs) if "setuid-bit" in e.get("rule", [])]
    assert len([e for e in setuid if e["action"] == "deny"]) >= 4
    assert not [e for e in setuid if e["action"] == "allow"]


def test_a_link_in_scratch_leads_the_gate_to_the_real_file(escort, tmp_path, srv):
    db = srv / "data.db"
    s = Session(escort, tmp_path)
    out, status = s.run(f"ln -s {db} {tmp_path}/innocent && echo linked")
    assert "linked" in out and status == 0
    out, status = s.run(f": > {tmp_path}/innocent")
    assert "escort: refused:" in out and str(db) in out
    out, status = s.run(f"ln -s /proc/self/cwd {tmp_path}/here; cd {srv}; "
                        f"echo x >> {tmp_path}/here/data.db; cd /")
    assert "escort: refused:" in out
    evs = s.close()
    assert db.read_text() == "precious\n"
    assert refused_change(evs, db)


RACER = textwrap.dedent("""
    import ctypes, os, sys, threading
    libc = ctypes.CDLL(None, use_errno=True)
    safe, victim = sys.argv[1].encode(), sys.argv[2].encode()
    buf = ctypes.create_string_buffer(4096)
    buf.value = safe
    stop = False

    def swap():
        while not stop:
            ctypes.memmove(buf, victim + b"\\0", len(victim) + 1)
            ctypes.memmove(buf, safe + b"\\0", len(safe) + 1)

    t = threading.Thread(target=swap)
    t.start()
    opened = 0
    for i in range(3000):
        fd = libc.open(buf, os.O_WRONLY | os.O_CREAT, 0o644)
        if fd >= 0:
            opened += 1
            os.write(fd, b"X")
            os.close(fd)
    stop = True
    t.join()
    print("opened=%d" % opened)
""")


def test_a_second_thread_swapping_the_path_changes_nothing_outside_scratch(escort, tmp_path, srv):
    """The gate decides on the path it read, then acts on what it resolved:
    the kernel never reads the process's memory again."""
    (tmp_path / "racer.py").write_text(RACER)
    db = srv / "data.db"
    s = Session(escort, tmp_path, rules=site_rules(tmp_path))
    out, status = s.run(f"/usr/bin/python3 {tmp_path}/racer.py {tmp_path}/scratch-file {db}")
    s.close()
    assert "opened=" in out and status == 0, out
    opened = int(out.split("opened=")[1].split()[0])
    assert opened > 100  # the scratch file was written, again and again
    assert db.exists() and db.read_text() == "precious\n"


def test_the_gate_acts_with_the_processs_own_rights(escort, tmp_path):
    """A root session's process that became another account writes with
    that account's rights, not the session host's."""
    shared = pathlib.Path(tempfile.mkdtemp(prefix="escort-shared-", dir="/tmp"))
    os.chmod(shared, 0o1777)
    rootfile = shared / "roots"
    rootfile.write_text("root's\n")
    os.chmod(rootfile, 0o644)
    s = Session(escort, tmp_path, rules=site_rules(tmp_path))
    out, status = s.run(
        "/usr/bin/python3 -c 'import os; os.setgroups([]); os.setgid(65534); os.setuid(65534); "
        f"open(\"{shared}/mine\", \"w\").write(\"x\"); "
        f"open(\"{rootfile}\", \"a\").write(\"y\")'")
    s.close()
    mine = shared / "mine"
    try:
        assert "PermissionError" in out and str(rootfile) in out, out
        assert rootfile.read_text() == "root's\n"
        assert mine.exists() and mine.stat().st_uid == 65534
    finally:
        shutil.rmtree(shared, ignore_errors=True)



def test_an_unnamed_temporary_file_keeps_its_mode_and_can_be_named(escort, tmp_path, srv):
    """O_TMPFILE in a scratch folder: the gate's open keeps the mode asked
    for (it was 0) and the file can be given a name by its descriptor
    (linkat failed with ENOENT); naming it outside scratch is still held."""
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="escort-tmpfile-", dir="/tmp"))
    s = Session(escort, tmp_path)
    out, _ = s.run(f"/usr/bin/python3 {ROOT}/tests/e2e/red/tmpfile.py {scratch}")
    outside, _ = s.run(f"/usr/bin/python3 {ROOT}/tests/e2e/red/tmpfile.py {scratch} {srv}")
    evs = s.close()
    try:
        assert out.count("mode 0o640") == 2 and out.count("link ok") == 2, out
        for how in ("empty", "proc"):
            assert (scratch / how).read_text() == f"{how}\n"
            assert stat_mode(scratch / how) == 0o640
        assert outside.count("link Operation not permitted") == 2, outside
        assert not (srv / "empty").exists() and not (srv / "proc").exists()
        assert refused_change(evs, srv / "empty", "link"), change_decisions(evs)
        assert refused_change(evs, srv / "proc", "link"), change_decisions(evs)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def stat_mode(path):
    return os.stat(path).st_mode & 0o7777

def test_rights_kept_between_changes_follow_setuid_umask_and_exec(escort, tmp_path):
    """The gate keeps a thread's rights between its changes (creds-cache.c):
    a process that wrote as root, then became another account, writes with
    that account's rights; a umask changed after a first file applies to the
    next; a thread ID reused by another process never gets the rights kept
    for the one that ended."""
    shared = pathlib.Path(tempfile.mkdtemp(prefix="escort-shared-", dir="/tmp"))
    os.chmod(shared, 0o1777)
    rootfile = shared / "roots"
    rootfile.write_text("root's\n")
    os.chmod(rootfile, 0o644)
    script = tmp_path / "rights.py"
    script.write_text(textwrap.dedent(f"""\
        import os
        os.umask(0o022)
        open("{shared}/first", "w").write("as root")        # rights kept: root
        os.umask(0o077)
        open("{shared}/second", "w").write("tight")         # the new umask
        open("{rootfile}", "a").write("root may")           # still root
        os.setgroups([]); os.setgid(65534); os.setuid(65534)
        try:
            open("{rootfile}", "a").write("nobody may not")
        except PermissionError:
            print("REFUSED-AS-NOBODY")
        open("{shared}/third", "w").write("mine")
        """))
    s = Session(escort, tmp_path, rules=site_rules(tmp_path))
    out, status = s.run(f"/usr/bin/python3 {script}")
    s.close()
    try:
        assert "REFUSED-AS-NOBODY" in out, out
        assert rootfile.read_text() == "root's\nroot may", rootfile.read_text()
        assert (shared / "first").stat().st_mode & 0o777 == 0o644
        assert (shared / "second").stat().st_mode & 0o777 == 0o600
        assert (shared / "third").stat().st_uid == 65534
        assert (shared / "third").stat().st_mode & 0o777 == 0o600
    finally:
        shutil.rmtree(shared, ignore_errors=True)


REUSE_SCRIPT = """\
import os, sys, time
shared, rootfile = sys.argv[1], sys.argv[2]
ready_r, ready_w = os.pipe()
go_r, go_w = os.pipe()
b = os.fork()
if b == 0:  # becomes nobody first, before any rights are kept
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
    os.write(ready_w, b"r")
    os.read(go_r, 1)
    c = os.fork()
    if c == 0:  # with luck, the thread ID of the root process that ended
        try:
            open(rootfile, "a").write("nobody")
            print("WROTE-AS", os.getpid(), flush=True)
        except PermissionError:
            print("REFUSED-AS", os.getpid(), flush=True)
        os._exit(0)
    os.waitpid(c, 0)
    os._exit(0)
os.read(ready_r, 1)
a = os.fork()
if a == 0:
    open(shared + "/by-root", "w").write("root")  # its rights are kept
    os._exit(0)
os.waitpid(a, 0)
open(shared + "/pid", "w").write(str(a))
while not os.path.exists(shared + "/go"):
    time.sleep(0.01)
os.write(go_w, b"g")
os.waitpid(b, 0)
print("ENDED-PID", a, flush=True)
"""


def test_a_reused_thread_id_never_gets_the_rights_kept_for_another(escort, tmp_path):
    """A root process writes (its rights are kept) and ends; another process
    of the session, an ordinary account's, is given the same process ID (the
    test sets ns_last_pid from outside) and writes a root-only file."""
    import threading
    script = tmp_path / "reuse.py"
    script.write_text(REUSE_SCRIPT)
    rules = site_rules(tmp_path)
    for attempt in range(10):
        shared = pathlib.Path(tempfile.mkdtemp(prefix="escort-reuse-", dir="/tmp"))
        os.chmod(shared, 0o1777)
        rootfile = shared / "roots"
        rootfile.write_text("root's\n")
        os.chmod(rootfile, 0o644)

        def steer():
            pidfile = shared / "pid"
            for _ in range(1000):
                if pidfile.exists() and pidfile.read_text():
                    break
                time.sleep(0.01)
            pathlib.Path("/proc/sys/kernel/ns_last_pid").write_text(
                str(int(pidfile.read_text()) - 1))
            (shared / "go").write_text("")
        s = Session(escort, tmp_path, rules=rules)
        t = threading.Thread(target=steer)
        t.start()
        out, status = s.run(f"/usr/bin/python3 {script} {shared} {rootfile}")
        s.close()
        t.join()
        try:
            ended = out.split("ENDED-PID")[1].split()[0]
            assert "WROTE-AS" not in out, out
            assert rootfile.read_text() == "root's\n"
            if f"REFUSED-AS {ended}" in out:
                return  # the same ID, refused: the pidfd said the root one ended
        finally:
            shutil.rmtree(shared, ignore_errors=True)
    pytest.fail("the process ID was never reused (other processes took it)")


@pytest.fixture
def appdir():
    """A folder no shipped rule knows (not a data folder, not the system's)."""
    path = pathlib.Path("/var") / f"escort-test-{uuid.uuid4().hex[:8]}"
    (path / "sub").mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_allowed_changes_outside_scratch_are_recorded(escort, tmp_path, appdir):
    srv = appdir
    rules = site_rules(tmp_path)
    (rules / "97-app.yaml").write_text(f"""
- id: site.app-data
  family: site
  level: low
  attack: []
  match:
    change: [write, create, truncate, mkdir, delete, rename]
    paths: ["{srv}/*"]
  explain: "Changes {{path}}, the test application's data."
  why: "test"
  ask: "Nothing."
  undo: "unknown"
  test_hit: ["write {srv}/x"]
""")
    s = Session(escort, tmp_path, rules=rules)
    out, status = s.run(f"echo new > {srv}/sub/f && mv {srv}/sub/f {srv}/sub/g && echo done")
    assert "done" in out and status == 0, out
    out, status = s.run(f"echo scratch > {tmp_path}/x; cat {tmp_path}/x")
    evs = s.close()
    assert (srv / "sub" / "g").read_text() == "new\n"
    allowed = [e for e in change_decisions(evs) if e["action"] == "allow"]
    assert any(e["path"] == f"{srv}/sub/f" and e["change"] == "create" for e in allowed)
    assert any(e["change"] == "rename" and e["path2"] == f"{srv}/sub/g" for e in allowed)
    assert not any(e.get("path") == f"{tmp_path}/x" for e in change_decisions(evs))
    end = [e for e in evs if e["type"] == "session-end"][0]
    assert int(end["changes_scratch"]) >= 1 and int(end["changes"]) >= 3


def test_everyday_work_runs_without_a_single_refusal(escort, tmp_path, srv):
    home = tmp_path / "work"
    home.mkdir()
    # A repository outside the scratch folders: a local clone hard-links its
    # objects (the links change nothing; the clone's bench waited on them).
    subprocess.run(["git", "init", "-q", str(srv / "repo")], check=True)
    (srv / "repo" / "a").write_text("a\n")
    subprocess.run(["git", "-C", str(srv / "repo"), "add", "a"], check=True)
    subprocess.run(["git", "-C", str(srv / "repo"), "-c", "user.name=t", "-c", "user.email=t@t",
                    "commit", "-qm", "first"], check=True)
    s = Session(escort, tmp_path)
    lines = [
        f"cd {home}",
        "ls -la > /dev/null && echo x | cat | wc -c",
        "echo notes > notes.txt && cat notes.txt >> notes2.txt && mkdir -p d/e && touch d/e/f",
        "printf 'int main(void){return 0;}\\n' > m.c && cc -o m m.c && test -x m",
        "git init -q repo && cd repo && echo a > a && git add a && "
        "git -c user.name=t -c user.email=t@t commit -qm first && git log --oneline | cat",
        f"cd {home} && git clone -q repo clone && ls clone",
        f"git clone -q {srv}/repo clone2 && ls clone2",
        "tar cf t.tar d && mkdir x && tar xf t.tar -C x && ls x/d/e",
        "git -C repo log | cat; less -FX notes.txt; man -P cat ls | head -3; tail -n1 notes.txt",
        "echo tmp > /tmp/escort-everyday-$$ && rm -f /tmp/escort-everyday-$$",
        "mv notes2.txt notes3.txt && cp notes3.txt notes4.txt && chmod 600 notes4.txt",
        "ln -s notes3.txt link && ln notes3.txt hard && readlink link",
        "/usr/bin/python3 -c 'print(open(\"notes3.txt\").read())' | cat",
        "timeout 1 tail -f notes3.txt; true",
    ]
    # An editor saving a file in the working folder, and the journal, where installed.
    if shutil.which("vi"):
        lines.append("vi -es -c 'normal Gohello' -c 'wq' edited.txt && cat edited.txt")
    if shutil.which("journalctl"):
        lines.append("journalctl -n 1 --no-pager >/dev/null 2>&1; true")
    for line in lines:
        out, status = s.run(line)
        assert "escort:" not in out and status == 0, (line, out)
    evs = s.close()
    assert not [e for e in evs if e["type"] == "decision" and e["action"] != "allow"]


def test_an_accounts_session_cannot_touch_its_own_log(escort):
    """Without root there is no hiding: the file gate refuses every change
    to the session's log, whatever path names it."""
    from test_gate_own_files import make_user
    name = "escort-ownlog"
    make_user(name)
    pw = pwd.getpwnam(name)
    base = pathlib.Path(tempfile.mkdtemp(prefix="escort-ownlog-"))
    try:
        os.chmod(base, 0o755)
        work = base / "work"
        work.mkdir()
        os.chown(work, pw.pw_uid, pw.pw_gid)
        s = Session(escort, work, wrap=["runuser", "-u", name, "--"])
        log = s.log
        for line in [f": > {log}", f"cd {work} && : > ./{log.name}", f"mv {log} {work}/x",
                     f"ln -sf /dev/null {log}", f"echo junk >> {log}.1"]:
            out, status = s.run(line)
            assert "escort: refused:" in out and status != 0, (line, out)
            s.run("sleep 0.3")
        evs = s.close()
        own = [e for e in change_decisions(evs) if "escort-own-file" in e.get("rule", [])]
        assert len(own) >= 4 and all(e["action"] == "deny" for e in own)
        p = subprocess.run([escort, "verify", str(log)], capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_the_shells_own_hooks_and_builtin_only_scripts_are_held(escort, tmp_path, srv):
    """PROMPT_COMMAND, trap and a script of builtins piped into sh start no
    program: what they change is held all the same."""
    db = srv / "data.db"
    script = tmp_path / "builtins.sh"
    script.write_text(f"echo one > {db}\nprintf two >> {db}\n: > {db}\n")
    s = Session(escort, tmp_path)
    s.child.sendline(f"PROMPT_COMMAND='echo hook >> {db}'")
    s.child.expect(r"escort: refused: Writes into (\S+)")  # before the next prompt
    assert s.child.match.group(1) == str(db)
    s.child.expect_exact("gate$ ")
    s.run("unset PROMPT_COMMAND")
    out, _ = s.run(f"cat {script} | sh")
    assert "escort: refused:" in out and str(db) in out, out
    out, status = s.run(f"sh -c \"trap 'echo trapped > {db}' EXIT; true\"")
    assert "escort: refused:" in out, out
    evs = s.close()
    assert db.read_text() == "precious\n"
    assert len(refused_change(evs, db)) >= 3


def test_links_and_archives_that_replace_or_delete_are_held(escort, tmp_path, srv):
    db = srv / "data.db"
    (tmp_path / "keep.txt").write_text("k\n")
    s = Session(escort, tmp_path)
    out, status = s.run(f"ln -sf /dev/null {db}")
    assert "escort: refused:" in out and status != 0, out
    s.run("sleep 0.3")
    out, status = s.run(f"cd {srv} && tar cf {tmp_path}/a.tar --remove-files data.db; cd /")
    assert "escort: refused:" in out, out
    evs = s.close()
    assert db.is_file() and not db.is_symlink() and db.read_text() == "precious\n"
    assert {e["change"] for e in refused_change(evs, db)} & {"delete", "rename", "symlink"}
