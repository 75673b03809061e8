#!/usr/bin/env bash
# Builds CAF 0.17.6 (libcaf_core, libcaf_io) with -fsanitize=thread, for the
# ThreadSanitizer run of the test suite (docs/RELIABILITY.md, "Sanitizers").
#
# Why: Debian's libcaf_core.so / libcaf_io.so are not instrumented, so TSan
# cannot see the atomics behind CAF's mailboxes and scheduler. Every message
# an actor sends to an actor on another thread then looks like a data race
# (about 1,000 reports per determinism_test run, none of them real), and no
# suppression narrower than "anything under libcaf_core.so" removes them.
# Built from the very same source (Debian's actor-framework_0.17.6.orig.tar.gz)
# against the installed headers (/usr/include/caf, including Debian's
# build_config.hpp), these libraries are drop-in replacements, picked up with
# LD_LIBRARY_PATH by the already linked test binaries.
#
#   scripts/build_caf_tsan.sh [OUT_DIR]      # default: build-tsan/caf-tsan
#   LD_LIBRARY_PATH=build-tsan/caf-tsan/lib ./build-tsan/tests/actors_test
#
# About 25 minutes on 2 busy cores (179 files); only the libraries are built.
# The source comes from Debian's archive with apt-get (a private deb-src list
# and apt state under OUT_DIR: the system's apt configuration is not touched).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/build-tsan/caf-tsan}"
VERSION=0.17.6
JOBS="${JOBS:-2}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

installed="$(dpkg-query -W -f='${Version}' libcaf-dev 2>/dev/null || true)"
case "$installed" in
  "$VERSION"-*) ;;
  *) echo "libcaf-dev $VERSION-* is required (found '${installed:-none}')" >&2; exit 1 ;;
esac
command -v ninja >/dev/null || { echo "ninja is required (ninja-build)" >&2; exit 1; }

# ---- the source: Debian's orig tarball of actor-framework ----
SRC="$OUT/actor-framework-$VERSION"
if [ ! -d "$SRC/libcaf_core/src" ]; then
  APT="$OUT/apt"
  mkdir -p "$APT/lists/partial" "$APT/sources.d" "$APT/get"
  cat >"$APT/sources.d/deb-src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  apt_opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$APT/sources.d"
            -o "Dir::State::Lists=$APT/lists")
  apt-get "${apt_opts[@]}" update >/dev/null
  # --download-only: only the tarballs are needed, not dpkg-source. The
  # Debian diff is not needed either (packaging and a C++14 build fix), so a
  # missing .debian.tar.xz is not an error as long as the orig tarball came.
  srcversion="${installed%+b*}"  # a binNMU (+b1) has the source version without it
  (cd "$APT/get" && apt-get "${apt_opts[@]}" source --download-only "actor-framework=$srcversion") || true
  tarball="$APT/get/actor-framework_$VERSION.orig.tar.gz"
  dsc="$(ls "$APT"/get/actor-framework_"$VERSION"-*.dsc 2>/dev/null | head -1)"
  [ -f "$tarball" ] && [ -n "$dsc" ] || { echo "could not download actor-framework $VERSION" >&2; exit 1; }
  want="$(awk '/^Checksums-Sha256:/{f=1;next} f&&/orig.tar.gz/{print $1;exit}' "$dsc")"
  got="$(sha256sum "$tarball" | cut -d' ' -f1)"
  [ "$want" = "$got" ] || { echo "checksum mismatch for $tarball" >&2; exit 1; }
  tar -xzf "$tarball" -C "$OUT"
fi

# ---- the build: every .cpp of libcaf_core and libcaf_io, against /usr/include/caf ----
# The sources include "caf/..." headers, which resolve to the installed ones
# (a quoted include looks next to the .cpp first, where there is no caf/).
cd "$OUT"
python3 - "$SRC" <<'EOF'
import glob, os, sys
src = sys.argv[1]
libs = {lib: sorted(glob.glob(f'{src}/libcaf_{lib}/src/**/*.cpp', recursive=True)) for lib in ('core', 'io')}
out = ['cxxflags = -std=c++14 -fPIC -O1 -g -fsanitize=thread -fno-omit-frame-pointer -w -DNDEBUG',
       'rule cxx\n  command = g++ $cxxflags -MMD -MF $out.d -c $in -o $out\n  depfile = $out.d\n  deps = gcc',
       'rule so\n  command = g++ -shared -fsanitize=thread -Wl,-soname,$soname -o $out $in $libs']
objs = {}
for lib, files in libs.items():
    objs[lib] = []
    for f in files:
        o = 'obj/' + os.path.relpath(f, src).replace('/', '_') + '.o'
        objs[lib].append(o)
        out.append(f'build {o}: cxx {f}')
out.append('build lib/libcaf_core.so.0.17.6: so ' + ' '.join(objs['core']) +
           '\n  soname = libcaf_core.so.0.17.6\n  libs = -lpthread')
out.append('build lib/libcaf_io.so.0.17.6: so ' + ' '.join(objs['io']) + ' | lib/libcaf_core.so.0.17.6' +
           '\n  soname = libcaf_io.so.0.17.6\n  libs = lib/libcaf_core.so.0.17.6 -lpthread')
open('build.ninja', 'w').write('\n'.join(out) + '\n')
EOF
ninja -j"$JOBS" lib/libcaf_core.so.0.17.6 lib/libcaf_io.so.0.17.6
echo "instrumented CAF in $OUT/lib: run the tests with LD_LIBRARY_PATH=$OUT/lib"
