#!/usr/bin/python3
"""Checks that the README quotes samples/minimal/main.cpp exactly, between
its snippet markers, so the documented example is the one CI compiles.
Usage: readme_snippet_test.py SOURCE_DIR"""
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
readme = (root / "README.md").read_text()
sample = (root / "samples/minimal/main.cpp").read_text()
begin = "<!-- begin snippet: samples/minimal/main.cpp -->\n```cpp\n"
end = "```\n<!-- end snippet -->"
start = readme.find(begin)
stop = readme.find(end, start)
if start < 0 or stop < 0:
    sys.exit("README.md: snippet markers for samples/minimal/main.cpp missing")
if readme[start + len(begin):stop] != sample:
    sys.exit("README.md: the quoted example differs from "
             "samples/minimal/main.cpp; copy the file into the README")
print("README example matches samples/minimal/main.cpp")
