#!/usr/bin/python3
"""Replaces one section of docs/BENCHMARKS.md, between
<!-- bench:NAME --> and <!-- /bench:NAME -->, with standard input."""
import pathlib
import sys

name = sys.argv[1]
doc = pathlib.Path(__file__).resolve().parents[1] / "docs" / "BENCHMARKS.md"
body = sys.stdin.read().rstrip("\n")
start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
text = doc.read_text() if doc.exists() else "# Benchmarks\n"
if start in text and end in text:
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    text = f"{before}{start}\n{body}\n{end}{after}"
else:
    text = text.rstrip("\n") + f"\n\n{start}\n{body}\n{end}\n"
doc.write_text(text)
print(f"updated {doc} ({name})")
