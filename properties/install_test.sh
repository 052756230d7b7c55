#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `cmake --install` into a scratch prefix, then the installed programs run
# from another folder: --version, a forkcheck pass of the installed
# serverfork, and the fault preload found beside forkcheck's bin/.
#   install_test.sh BUILD_DIR
set -euo pipefail
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" > /dev/null
cd /
for p in serverfork msgclient forkcheck; do
    out=$("$prefix/bin/$p" --version)
    [[ $out =~ ^$p\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "install_test: $p --version said '$out'"; exit 1; }
done
for f in share/doc/forkcheck/README.md share/doc/forkcheck/LICENSE share/doc/forkcheck/CHANGELOG.md \
         share/doc/forkcheck/docs/design.md share/doc/forkcheck/docs/fault-injection.md \
         share/man/man1/serverfork.1 share/man/man1/msgclient.1 share/man/man1/forkcheck.1 \
         lib/forkcheck/libforkcheck_fault_preload.so; do
    [ -f "$prefix/$f" ] || { echo "install_test: $f was not installed"; exit 1; }
done
PATH="$prefix/bin:$PATH" forkcheck --seed 1 --max-success 2 -- serverfork --port {port} --bind 127.0.0.1
echo "install_test: the installed programs run from $prefix"

# The Debian package: built with cpack, unpacked into a scratch root.
root="$prefix/root"
(cd "$build" && cpack -G DEB -B "$prefix/deb" > "$prefix/cpack.log") ||
    { cat "$prefix/cpack.log"; echo "install_test: cpack -G DEB failed"; exit 1; }
deb=$(ls "$prefix"/deb/forkcheck_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
for d in libfiu0 fiu-utils; do
    [[ $depends == *"$d"* ]] || { echo "install_test: the .deb does not depend on $d: $depends"; exit 1; }
done
dpkg-deb -x "$deb" "$root"
for f in usr/bin/serverfork usr/bin/msgclient usr/bin/forkcheck usr/share/man/man1/forkcheck.1 \
         usr/lib/forkcheck/libforkcheck_fault_preload.so; do
    [ -e "$root/$f" ] || { echo "install_test: the .deb has no $f"; exit 1; }
done
[ "$("$root/usr/bin/forkcheck" --version)" = "$("$build/forkcheck" --version)" ]
PATH="$root/usr/bin:$PATH" forkcheck --seed 1 --max-success 2 -- serverfork --port {port} --bind 127.0.0.1
echo "install_test: $(basename "$deb") ($depends) runs from a scratch root"
