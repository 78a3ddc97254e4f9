"""Changes to files held at escortd (issue 12): a change the policy says to
ask about waits in the kernel while an escort decides; approved, the gate
does exactly what was resolved when it asked; a path approval lets the
approved program tree change files under one folder without asking again,
and nothing else. Real escortd, real accounts, real PTYs."""
import json
import os
import pathlib
import shutil
import stat
import subprocess
import time
import uuid

import pytest
import wire
from conftest import events, of_type
from test_broker import ESCORT, OPERATOR, Operator, broker, only_session, world  # noqa: F401
from test_gate_network import TCP_PORT, other_host  # noqa: F401


@pytest.fixture
def appdir():
    """The operator's application folder, outside every scratch folder."""
    path = pathlib.Path("/var") / f"escort-app-{uuid.uuid4().hex[:8]}"
    (path / "data").mkdir(parents=True)
    (path / "data" / "app.db").write_text("precious\n")
    subprocess.run(["chown", "-R", OPERATOR, str(path)], check=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def wait_change(broker, kind=None, deadline=15):
    end = time.time() + deadline
    while time.time() < end:
        items = [i for i in broker.pending() if "change" in i]
        if items and (kind is None or items[0]["change"]["kind"] == kind):
            return items[0]
        time.sleep(0.1)
    raise AssertionError(f"no change became pending: {broker.pending()}")


def test_a_change_is_held_at_escortd_and_a_denial_changes_nothing(broker, appdir):
    db = appdir / "data" / "app.db"
    op = Operator(broker)
    op.send(f"cd {appdir}/data && : > ./app.db; echo ==DONE$?")
    op.child.expect("held: Empties")
    item = wait_change(broker, "truncate")
    assert item["change"]["path"] == str(db)  # resolved, not the text typed
    assert item["change"]["text"] == f"Empties {db}"
    assert item["level"] == "medium" and item["operator"] == OPERATOR
    assert any(f["rule"] == "change-outside-scratch" for f in item["findings"])
    assert item["typed_line"].startswith(f"cd {appdir}/data")
    text = broker.console(ESCORT, "pending").stdout
    assert f"CHANGE:    Empties {db}" in text
    p = broker.console(ESCORT, "deny", str(item["id"]), "--note", "not today")
    assert p.returncode == 0, p.stderr
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) != "0"
    assert db.read_text() == "precious\n"
    session = only_session(broker)
    op.close()
    evs = events(broker.session_log(session))
    decided = [e for e in of_type(evs, "decision") if e.get("path") == str(db)]
    assert [e["action"] for e in decided] == ["ask", "deny"]
    assert any(e["state"] == "denied" for e in of_type(evs, "approval"))


def test_an_approved_change_is_done_once_and_asked_again(broker, appdir):
    db = appdir / "data" / "app.db"
    op = Operator(broker)
    op.send(f"echo new > {db}; echo ==DONE$?")
    item = wait_change(broker)
    p = broker.console(ESCORT, "approve", str(item["id"]))
    assert p.returncode == 0, p.stderr
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) == "0"
    op.child.expect_exact("op$ ")
    assert db.read_text() == "new\n"
    op.send(f"echo again > {db}; echo ==DONE$?")
    item = wait_change(broker)  # the same change, asked again: scope once
    broker.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    assert db.read_text() == "new\n"
    op.close()


def test_a_path_approval_covers_the_tree_under_the_folder_and_nothing_else(broker, appdir):
    src = appdir / "src"
    src.mkdir()
    for i in range(30):
        (src / f"f{i}.txt").write_text(f"file {i}\n")
    tar = appdir / "release.tar"
    subprocess.run(["tar", "cf", str(tar), "-C", str(src), "."], check=True)
    subprocess.run(["chown", "-R", OPERATOR, str(appdir)], check=True)
    release = appdir / "release"
    op = Operator(broker)
    op.send(f"mkdir {release} && tar xf {tar} -C {release} && echo extracted-$((6*7)); "
            "echo ==DONE$?")
    item = wait_change(broker, "mkdir")
    assert item["change"]["path"] == str(release)
    p = broker.console(ESCORT, "approve", str(item["id"]), "--scope", "path", "--path",
                       str(appdir))
    assert p.returncode == 0, p.stderr
    # tar is a new tree (mkdir's shell started it): its first change asks again
    item = wait_change(broker)
    assert item["change"]["path"].startswith(str(release))
    p = broker.console(ESCORT, "approve", str(item["id"]), "--scope", "path", "--path",
                       str(release))
    assert p.returncode == 0, p.stderr
    op.child.expect(r"extracted-42")
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) == "0"
    assert len(list(release.glob("f*.txt"))) == 30
    assert broker.pending() == []  # 30 files, one question for tar
    # The same folder, another command: asked again.
    op.send(f"echo later > {release}/f1.txt; echo ==DONE$?")
    item = wait_change(broker)
    broker.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    assert (release / "f1.txt").read_text() == "file 1\n"
    session = only_session(broker)
    op.close()
    approvals = of_type(events(broker.session_log(session)), "approval")
    assert any(a["scope"] == "path" and str(release) in a["reason"] for a in approvals)


def test_a_path_approval_must_name_a_folder_holding_the_change(broker, appdir):
    op = Operator(broker)
    op.send(f"echo x > {appdir}/data/new.txt; echo ==DONE$?")
    item = wait_change(broker)
    for bad in ["/", "/etc", f"{appdir}/../etc", "relative/dir", f"{appdir}//data"]:
        p = broker.console(ESCORT, "approve", str(item["id"]), "--scope", "path",
                           "--path", bad)
        assert p.returncode != 0, bad
    assert broker.pending()  # still waiting
    broker.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    op.close()


def test_without_escortd_a_change_that_needs_approval_is_refused(broker, appdir):
    db = appdir / "data" / "app.db"
    op = Operator(broker)
    broker.kill()
    out, status = op.run(f": > {db}")
    assert status != 0 and "escort: refused: Empties" in out
    assert "escortd is not reachable" in out
    assert db.read_text() == "precious\n"
    broker.start()
    op.close()


HOSTILE_CHANGES = r'''
import json, socket, sys
sys.path.insert(0, sys.argv[1])
import wire
s = socket.socket(socket.AF_UNIX)
s.settimeout(10)
s.connect(sys.argv[2])
s.sendall(wire.hello_session())
kind, welcome = wire.read_answer(s)
assert kind == wire.WELCOME and welcome.get(1) == [1], welcome
variants = [
    ("truncate", "/etc/shadow"),            # critical by escortd's own rules
    ("write", "/etc/shadow", "", "harmless", "/", 0, 0, [wire.finding("changes.scratch", 0)]),
    ("no-such-kind", "/srv/x"),
    ("write", "relative/path"),
    ("write", ""),
    ("rename", "/tmp/a", "/etc/sudoers"),     # the second path counts too
    ("write", "/tmp/" + "a" * 70000),
    ("write", "/tmp/x\nescortd: FORGED\x1b[2J"),
    ("delete", "/home/x/.bashrc", "", "t", "/home/x"),
    ("write", "/tmp/ok", "", "t", "/tmp", 0, -5),
]
answers = {}
for ask_id, v in enumerate(variants, 1):
    args = list(v) + [None] * (8 - len(v))
    kw = {}
    if args[3] is not None: kw["text"] = args[3]
    if args[4] is not None: kw["home"] = args[4]
    if args[5] is not None: kw["as_root"] = args[5]
    if args[6] is not None: kw["level"] = args[6]
    if args[7] is not None: kw["findings"] = args[7]
    s.sendall(wire.change_request(ask_id, v[0], v[1], args[2] or "", **kw))
    kind, d = wire.read_answer(s)
    assert kind == wire.DECISION and d[1] == [ask_id], (v, kind, d)
    answers[ask_id] = d.get(2, [0])[0]
print(json.dumps(answers), flush=True)
sys.stdin.read()
'''


def test_hostile_changes_from_a_session_host_never_harm_escortd(broker):
    here = os.path.dirname(os.path.abspath(__file__))
    shutil.copy(os.path.join(here, "wire.py"), os.path.join(broker.base, "wire.py"))
    os.chmod(os.path.join(broker.base, "wire.py"), 0o644)
    host = subprocess.Popen(["runuser", "-u", OPERATOR, "--", "/usr/bin/python3", "-c",
                             HOSTILE_CHANGES, broker.base, broker.socket],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = host.stdout.readline()
    assert line, host.stderr.read() + broker.log()
    answers = {int(k): v for k, v in json.loads(line).items()}
    assert broker.proc.poll() is None, broker.log()
    # Nothing here may be allowed without an escort: the host's own words
    # ("harmless", a scratch finding, a negative level) count for nothing;
    # only the write in /tmp with an odd name is scratch by escortd's own
    # rules; a level outside the protocol's counts as critical.
    assert answers.pop(8) == wire.ACTION_ALLOW
    assert all(a in (wire.ACTION_ASK, wire.ACTION_DENY) for a in answers.values()), answers
    by_path = {}
    for item in broker.pending():
        by_path[item["change"]["path"]] = item
        assert item["level"] in ("medium", "high", "critical"), item
    assert by_path["/etc/shadow"]["level"] == "critical"
    assert by_path["/tmp/a"]["level"] == "critical"  # renamed over /etc/sudoers
    assert by_path["relative/path"]["level"] == "high"
    host.stdin.close()
    assert host.wait(timeout=30) == 0
    log = broker.log()
    assert "\nescortd: FORGED" not in log and "\x1b" not in log


def test_a_connection_to_another_machine_waits_for_an_escort(broker, other_host):
    """Connections are held like changes. Approved, the kernel connects;
    denied, nothing reaches the other machine."""
    op = Operator(broker)
    op.send(f"echo approved-data > /dev/tcp/{other_host.address}/{TCP_PORT}; echo ==DONE$?")
    op.child.expect("held: Connects to")
    item = wait_change(broker, "connect")
    assert other_host.address in item["change"]["path"] and item["level"] == "medium"
    assert "CHANGE:    Connects to" in broker.console(ESCORT, "pending").stdout
    p = broker.console(ESCORT, "approve", str(item["id"]))
    assert p.returncode == 0, p.stderr
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) == "0"
    op.child.expect_exact("op$ ")
    got = other_host.got()
    assert any("approved-data" in line for line in got), got
    op.send(f"echo denied-data > /dev/tcp/{other_host.address}/{TCP_PORT}; echo ==DONE$?")
    item = wait_change(broker, "connect")
    broker.console(ESCORT, "deny", str(item["id"]))
    op.child.expect(r"==DONE(\d+)")
    assert op.child.match.group(1) != "0"
    assert not any("denied-data" in line for line in other_host.got())
    op.close()


REUSE_R = """\
import os, sys, time
app, x = sys.argv[1], sys.argv[2]
open(app + "/first", "w").write("held, then approved for the folder")
for k in range(10):
    c = os.fork()
    if c == 0:
        open(f"{app}/child-{k}", "w").write("inside the approved tree")
        os._exit(0)
    os.waitpid(c, 0)
    open(f"{x}/pid-{k}", "w").write(str(c))
    while not os.path.exists(f"{x}/next-{k}") and not os.path.exists(f"{x}/stop"):
        time.sleep(0.01)
    if os.path.exists(f"{x}/stop"):
        break
"""

REUSE_S = """\
import os, sys, time
app, x = sys.argv[1], sys.argv[2]
for k in range(10):
    while not os.path.exists(f"{x}/go-{k}") and not os.path.exists(f"{x}/stop"):
        time.sleep(0.01)
    if os.path.exists(f"{x}/stop"):
        break
    c = os.fork()
    if c == 0:
        open(f"{x}/c2-{k}", "w").write(str(os.getpid()))
        try:
            open(f"{app}/intruder-{k}", "w").write("outside the approved tree")
        except PermissionError:
            pass
        os._exit(0)
    os.waitpid(c, 0)
"""


def test_a_process_id_reused_outside_an_approved_tree_is_asked_again(broker, appdir):
    """The gate keeps the processes it found inside a path approval's tree
    (tree-grants.c); one that ended and whose ID goes to a process outside
    the tree (ns_last_pid set from outside) gives that process nothing."""
    x = pathlib.Path(f"/tmp/escort-reuse-{uuid.uuid4().hex[:8]}")
    x.mkdir()
    os.chmod(x, 0o1777)
    for name, text in (("r.py", REUSE_R), ("s.py", REUSE_S)):
        (x / name).write_text(text)
    op = Operator(broker)
    op.send(f"/usr/bin/python3 {x}/s.py {appdir} {x} & /usr/bin/python3 {x}/r.py {appdir} {x}; "
            "wait; echo ==DONE$?")
    approve_programs(broker)  # the two scripts' starts, then the first change
    item = wait_change(broker)
    assert item["change"]["path"] == str(appdir / "first")
    p = broker.console(ESCORT, "approve", str(item["id"]), "--scope", "path", "--path",
                       str(appdir))
    assert p.returncode == 0, p.stderr
    reused = False
    try:
        for k in range(10):
            pidfile = x / f"pid-{k}"
            end = time.time() + 15
            while not (pidfile.exists() and pidfile.read_text()) and time.time() < end:
                time.sleep(0.02)
            assert (appdir / f"child-{k}").exists()  # covered, not asked
            pathlib.Path("/proc/sys/kernel/ns_last_pid").write_text(
                str(int(pidfile.read_text()) - 1))
            (x / f"go-{k}").write_text("")
            c2 = x / f"c2-{k}"
            while not (c2.exists() and c2.read_text()) and time.time() < end:
                time.sleep(0.005)  # no process of ours may take the ID first
            item = wait_change(broker)  # the intruder's write is asked about
            assert item["change"]["path"] == str(appdir / f"intruder-{k}")
            broker.console(ESCORT, "deny", str(item["id"]))
            assert not (appdir / f"intruder-{k}").exists()
            reused = reused or (x / f"c2-{k}").read_text() == pidfile.read_text()
            (x / f"next-{k}").write_text("")
            if reused:
                break
        assert reused, "the process ID was never reused (other processes took it)"
    finally:
        (x / "stop").write_text("")
        op.child.expect(r"==DONE(\d+)", timeout=30)
        op.close()
        shutil.rmtree(x, ignore_errors=True)


def test_an_approved_connection_is_made_without_stopping_the_session(broker, other_host):
    """The gate makes an allowed connection itself (to the address it
    judged, net-connect.c) without waiting for it: while a blocking connect
    to an address nobody answers (no reply to ARP: 'No route to host' after
    about 3 s) is being made, the session's other programs go on."""
    silent = other_host.address.rsplit(".", 1)[0] + ".3"
    go = pathlib.Path(f"/tmp/escort-go-{uuid.uuid4().hex[:8]}")
    op = Operator(broker)
    # Builtins only (no exec to approve): after the go file, eight files
    # written in /tmp, each a change the gate answers; the subshell ends
    # only after the connect (its SIGCHLD would interrupt it).
    op.send(f"(until [ -e {go} ]; do :; done; for i in 1 2 3 4 5 6 7 8; do echo $i > {go}-$i; "
            f"done; echo TICKS-$((6*7)); until [ -e {go}-end ]; do :; done) & "
            f"echo x > /dev/tcp/{silent}/{TCP_PORT}; echo CONNECT-$((6*7)); touch {go}-end; "
            "wait; echo ==DONE$?")
    item = wait_change(broker, "connect")
    assert silent in item["change"]["path"]
    p = broker.console(ESCORT, "approve", str(item["id"]))
    assert p.returncode == 0, p.stderr
    started = time.time()
    go.write_text("")
    op.child.expect(r"(TICKS|CONNECT)-42", timeout=30)
    first, ticked = op.child.match.group(1), time.time() - started
    op.child.expect(r"(TICKS|CONNECT)-42", timeout=30)
    ended = time.time() - started
    out = op.child.before
    op.child.expect(r"==DONE(\d+)")
    op.close()
    for f in go.parent.glob(go.name + "*"):
        f.unlink()
    assert first == "TICKS", (first, out)
    assert "No route to host" in out and ended > 2 and ticked < 2, (ticked, ended, out)


def change_after_programs(broker, deadline=30):
    """The first change held, the programs before it approved (this
    broker's policy asks for every program)."""
    end = time.time() + deadline
    while time.time() < end:
        for item in broker.pending():
            if "change" in item:
                return item
            broker.console(ESCORT, "approve", str(item["id"]))
        time.sleep(0.1)
    raise AssertionError(f"no change became pending: {broker.pending()}")


def test_file_attributes_are_held_and_set_once_approved(broker, appdir):
    """chattr's ioctl (FS_IOC_SETFLAGS on a descriptor opened for reading)
    is a change like a write: outside scratch it waits for an escort, in
    plain words; denied, nothing changes; approved, the gate sets exactly
    the flags it showed on the file it resolved."""
    db = appdir / "data" / "app.db"
    red = pathlib.Path(__file__).resolve().parent / "red" / "nonexec.py"
    op = Operator(broker)
    for answer in ("deny", "approve"):
        op.send(f"cd {appdir} && /usr/bin/python3 {red} chattr ./data/app.db 0x40")
        item = change_after_programs(broker)
        assert item["change"]["kind"] == "xattr"
        assert item["change"]["path"] == str(db)
        assert item["change"]["text"] == f"Sets the file attributes (no-dump) of {db}"
        assert broker.console(ESCORT, answer, str(item["id"])).returncode == 0
        op.child.expect(r"chattr (ok|Operation not permitted)")
        assert op.child.match.group(1) == ("ok" if answer == "approve" else
                                           "Operation not permitted")
        flags = subprocess.run(["lsattr", str(db)], capture_output=True, text=True).stdout
        assert ("d" in flags.split()[0]) == (answer == "approve"), flags
    session = only_session(broker)
    op.close()
    evs = events(broker.session_log(session))
    decided = [e["action"] for e in of_type(evs, "decision") if e.get("path") == str(db)]
    assert decided == ["ask", "deny", "ask", "allow"], decided
    assert all(e.get("xattr") == "file attributes (no-dump)" for e in of_type(evs, "decision")
               if e.get("path") == str(db))


def approve_programs(broker, deadline=15):
    """Approves the programs that wait, until a change waits."""
    end = time.time() + deadline
    while time.time() < end:
        items = broker.pending()
        for i in items:
            if "change" not in i:
                broker.console(ESCORT, "approve", str(i["id"]))
        if any("change" in i for i in items):
            return
        time.sleep(0.1)


BIND_SCRIPT = """\
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
print("BOUND")
"""


def test_a_socket_file_outside_scratch_waits_for_an_escort(broker, appdir):
    """A Unix bind outside the folders for scratch work makes a socket where
    programs may expect a service: held like a connection; approved, the
    socket is made; denied, no file."""
    script = pathlib.Path("/tmp") / f"escort-bind-{uuid.uuid4().hex[:8]}.py"
    script.write_text(BIND_SCRIPT)
    script.chmod(0o644)
    try:
        op = Operator(broker)
        op.send(f"/usr/bin/python3 {script} {appdir}/app.sock; echo ==DONE$?")
        approve_programs(broker)
        op.child.expect("held: Listens for connections on")
        item = wait_change(broker, "bind")
        assert item["change"]["path"].endswith(f"{appdir}/app.sock"), item
        assert item["level"] == "medium"
        p = broker.console(ESCORT, "approve", str(item["id"]))
        assert p.returncode == 0, p.stderr
        op.child.expect(r"==DONE(\d+)")
        assert op.child.match.group(1) == "0"
        op.child.expect_exact("op$ ")
        assert stat.S_ISSOCK((appdir / "app.sock").lstat().st_mode)
        op.send(f"/usr/bin/python3 {script} {appdir}/data/other.sock; echo ==DONE$?")
        approve_programs(broker)
        item = wait_change(broker, "bind")
        broker.console(ESCORT, "deny", str(item["id"]))
        op.child.expect(r"==DONE(\d+)")
        assert op.child.match.group(1) != "0"
        assert not (appdir / "data" / "other.sock").exists()
        op.close()
    finally:
        script.unlink(missing_ok=True)
