#!/usr/bin/env bash
# Fails if a C++ file tracked in the repository is not clang-formatted.
# Usage: check_format.sh SOURCE_DIR
set -euo pipefail
cd "$1"
formatter=$(command -v clang-format || command -v clang-format-14 || true)
if [ -z "$formatter" ]; then
  echo "clang-format not found: install the clang-format package" >&2
  exit 1
fi
if git rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.hpp')
else
  mapfile -t files < <(find . -path ./build -prune -o \
    \( -name '*.cpp' -o -name '*.hpp' \) -print)
fi
"$formatter" --dry-run --Werror "${files[@]}"
echo "${#files[@]} files formatted"
