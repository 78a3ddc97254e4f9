"""`meson install` installs what the systemd unit's Documentation= names, the
manual pages escort(1), escortd(8) and escortd.yaml(5), and the license
meson.build declares."""
import json
import os
import pathlib
import re
import subprocess

import pytest

from conftest import ROOT, escort_bin


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    build = pathlib.Path(escort_bin()).resolve().parent.parent
    if not (build / "meson-private").is_dir():
        pytest.skip(f"{build} is not a meson build directory")
    dest = tmp_path_factory.mktemp("destdir")
    p = subprocess.run(["meson", "install", "-C", str(build), "--destdir", str(dest),
                        "--no-rebuild", "--quiet"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    options = json.loads(subprocess.run(["meson", "introspect", "--buildoptions", str(build)],
                                        capture_output=True, text=True, check=True).stdout)
    prefix = next(o["value"] for o in options if o["name"] == "prefix")
    return dest, prefix


def under(dest, path):
    return dest / path.lstrip("/")


def test_the_units_documentation_is_installed(installed):
    dest, prefix = installed
    unit = (ROOT / "contrib" / "escortd.service").read_text()
    docs = re.search(r"^Documentation=(.*)$", unit, re.M).group(1).split()
    assert any(d.startswith("man:") for d in docs)
    for doc in docs:
        if doc.startswith("man:"):
            name, section = re.fullmatch(r"man:(.+)\((\d)\)", doc).groups()
            assert under(dest, f"{prefix}/share/man/man{section}/{name}.{section}").is_file(), doc
        else:
            assert doc.startswith("file://" + prefix + "/"), (doc, prefix)
            assert under(dest, doc[len("file://"):]).is_file(), doc


@pytest.mark.parametrize("page", ["man1/escort.1", "man8/escortd.8", "man5/escortd.yaml.5"])
def test_manual_pages_render_without_warnings(installed, page):
    dest, prefix = installed
    path = under(dest, f"{prefix}/share/man/{page}")
    assert path.is_file()
    p = subprocess.run(["man", "--warnings", "-l", str(path)], capture_output=True, text=True,
                       env=dict(os.environ, MANWIDTH="80", LC_ALL="C.UTF-8", MANPAGER="cat"),
                       timeout=60)
    assert p.returncode == 0 and p.stderr == "", p.stderr
    assert "NAME" in p.stdout and "SEE ALSO" in p.stdout


def test_the_license_is_isc_as_meson_says(installed):
    dest, prefix = installed
    assert "license : 'ISC'" in (ROOT / "meson.build").read_text()
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("ISC License")
    assert "Copyright (c) 2026 the escort authors" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in text
    assert under(dest, f"{prefix}/share/doc/escort/LICENSE").read_text() == text
