#!/usr/bin/python3
"""Checks that every file the README quotes between snippet markers
(<!-- begin snippet: PATH --> ... <!-- end snippet -->) is quoted exactly,
so the documented code is the code CI compiles and runs.
Usage: readme_snippet_test.py SOURCE_DIR"""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
readme = (root / "README.md").read_text()
pattern = re.compile(
    r"<!-- begin snippet: (\S+) -->\n```cpp\n(.*?)```\n<!-- end snippet -->",
    re.S)
quoted = pattern.findall(readme)
if not quoted:
    sys.exit("README.md: no snippet markers found")
failures = 0
for path, text in quoted:
    if (root / path).read_text() != text:
        print(f"README.md: the quote of {path} differs from the file; "
              "copy the file into the README")
        failures += 1
    else:
        print(f"README.md quotes {path} exactly")
sys.exit(1 if failures else 0)
