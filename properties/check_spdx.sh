#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every source file says its licence in its first lines (SPDX), so a file
# copied out of the project still carries it.
#   check_spdx.sh SOURCE_DIR
set -u
root=${1:?SOURCE_DIR}
missing=0
while IFS= read -r -d '' f; do
    if ! head -n 3 "$f" | grep -q 'SPDX-License-Identifier: MIT'; then
        echo "check_spdx: no SPDX-License-Identifier in the first lines of ${f#"$root"/}" >&2
        missing=$((missing + 1))
    fi
done < <(find "$root"/src "$root"/properties "$root"/faults "$root"/fixtures "$root"/bench \
    "$root"/ctest "$root"/man "$root"/.ci "$root"/CMakeLists.txt \
    -path "$root/bench/results" -prune -o -type f \
    \( -name '*.c' -o -name '*.h' -o -name '*.cpp' -o -name '*.hpp' -o -name '*.sh' \
    -o -name '*.py' -o -name '*.cmake' -o -name 'CMakeLists.txt' -o -name '*.1' -o -name run \) \
    -print0)
[ "$missing" -eq 0 ] || { echo "check_spdx: $missing file(s) without a licence line" >&2; exit 1; }
