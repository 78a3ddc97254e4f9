"""escort keygen and the key options of escort run."""
import os
import stat
import subprocess


def test_keygen_writes_four_files_with_safe_modes(escort, tmp_path):
    p = subprocess.run([escort, "keygen", "--dir", str(tmp_path), "--name", "site-a"],
                       capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    modes = {f: stat.S_IMODE((tmp_path / f).stat().st_mode)
             for f in ("signing.key", "signing.pub", "auditor.key", "auditor.pub")}
    assert modes == {"signing.key": 0o600, "signing.pub": 0o644, "auditor.key": 0o600,
                     "auditor.pub": 0o644}
    assert (tmp_path / "signing.pub").read_text().startswith("site-a+")
    assert (tmp_path / "signing.key").read_text().startswith("PRIVATE+KEY+site-a+")
    again = subprocess.run([escort, "keygen", "--dir", str(tmp_path)], capture_output=True,
                           text=True)
    assert again.returncode == 1 and "File exists" in again.stderr
    assert (tmp_path / "signing.pub").read_text().startswith("site-a+")


def test_keygen_refuses_bad_names_and_usage(escort, tmp_path):
    p = subprocess.run([escort, "keygen", "--dir", str(tmp_path), "--name", "a b"],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "key name" in p.stderr
    assert subprocess.run([escort, "keygen", "extra"], capture_output=True).returncode == 2


def test_run_refuses_a_named_key_it_cannot_use(escort, tmp_path):
    subprocess.run([escort, "keygen", "--dir", str(tmp_path)], check=True, capture_output=True)
    for args, message in (
            (["--sign-key", str(tmp_path / "missing.key")], "No such file"),
            (["--sign-key", str(tmp_path / "signing.pub")], "public key"),
            (["--auditor-key", str(tmp_path / "signing.pub")], "not an escort auditor key"),
            (["--epoch-seconds", "0"], "--epoch-seconds")):
        p = subprocess.run([escort, "run", "--log", str(tmp_path / "s.eslog")] + args +
                           ["--", "touch", str(tmp_path / "ran")], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL)
        assert p.returncode in (2, 125), (args, p.stderr)
        assert message in p.stderr, (args, p.stderr)
        assert not (tmp_path / "ran").exists()


def test_key_from_the_environment_signs_the_log(escort, tmp_path):
    subprocess.run([escort, "keygen", "--dir", str(tmp_path)], check=True, capture_output=True)
    env = {"PATH": "/usr/bin:/bin", "ESCORT_SIGN_KEY": str(tmp_path / "signing.key"),
           "ESCORT_AUDITOR_KEY": str(tmp_path / "auditor.pub")}
    subprocess.run([escort, "run", "--log", str(tmp_path / "s.eslog"), "true"], env=env,
                   check=True, stdin=subprocess.DEVNULL)
    v = subprocess.run([escort, "verify", "--key", str(tmp_path / "signing.pub"),
                        "--auditor-key", str(tmp_path / "auditor.key"), str(tmp_path / "s.eslog")],
                       capture_output=True, text=True)
    assert v.returncode == 0 and "checked with the auditor key" in v.stdout, v.stdout
    unkeyed = subprocess.run([escort, "run", "--log", str(tmp_path / "u.eslog"), "true"],
                             env={"PATH": "/usr/bin:/bin"}, stdin=subprocess.DEVNULL)
    assert unkeyed.returncode == 0
    v = subprocess.run([escort, "verify", str(tmp_path / "u.eslog")], capture_output=True,
                       text=True)
    assert v.returncode == 0 and "made for this session only" in v.stdout
    assert "not sealed to an auditor" in v.stdout


def test_a_session_without_a_signing_key_says_so_loudly(escort, tmp_path):
    log = tmp_path / "s.eslog"
    env = {k: v for k, v in os.environ.items() if k not in ("ESCORT_SIGN_KEY",)}
    p = subprocess.run([escort, "run", "--log", str(log), "--", "true"], capture_output=True,
                       text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "WARNING: no signing key" in p.stderr and "signing.key" in p.stderr, p.stderr
    v = subprocess.run([escort, "verify", str(log)], capture_output=True, text=True)
    assert "WARNING: the session had no signing key" in v.stdout, v.stdout


def test_every_command_answers_help_with_its_usage(escort):
    """`escort CMD --help` prints the command's usage on standard output and
    exits 0, never "unrecognized option"."""
    for cmd in ("run", "verify", "export", "replay", "recover", "keygen", "index", "explain",
                "pending", "approve", "sessions", "watch", "terminate", "lock", "enroll",
                "login", "logout"):
        p = subprocess.run([escort, cmd, "--help"], capture_output=True, text=True, timeout=30,
                           stdin=subprocess.DEVNULL)
        assert p.returncode == 0, (cmd, p.stderr)
        assert "usage: escort" in p.stdout and "unrecognized" not in p.stderr, (cmd, p)
