#!/usr/bin/env bash
# Installs everything the build and tests need, from Debian packages only.
# Idempotent: a second run on a ready machine does nothing but checks.
#   scripts/deps.sh          install (as root) or print the apt-get line
#   scripts/deps.sh --check  exit 1 if anything is missing, install nothing
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"

# clang + libclang-rt-14-dev: libFuzzer and the sanitizers (make fuzz,
# make sanitize). Unicorn is not among them: see the trixie step below.
host_pkgs=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-system-arm
  libfdt-dev libcmocka-dev valgrind device-tree-compiler lcov
  clang libclang-rt-14-dev cpio dpkg-dev pkg-config gdb-multiarch python3)

missing=()
for p in "${host_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
arm64_ok=1
dpkg --print-foreign-architectures | grep -qx arm64 || arm64_ok=0
libfdt_arm64="$build/deps/libfdt-arm64"
fdt_ok=1
[ -f "$libfdt_arm64/usr/lib/aarch64-linux-gnu/libfdt.a" ] || fdt_ok=0
# Unicorn 2.1.1 from Debian trixie, unpacked into build/ (the system's
# packages stay untouched): 2.0.1 cannot rebuild its cached exception level
# after the sim enters EL1 from EL0, and has no TLB-fill hook for guests
# that turn their MMU on. It needs nothing newer than bookworm's libc.
unicorn_ver=2.1.1-2+b2
unicorn_dir="$build/deps/unicorn"
uc_ok=1
[ "$(cat "$unicorn_dir/VERSION" 2>/dev/null)" = "$unicorn_ver" ] || uc_ok=0

if [ ${#missing[@]} -eq 0 ] && [ $arm64_ok -eq 1 ] && [ $fdt_ok -eq 1 ] && [ $uc_ok -eq 1 ]; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "deps: missing: ${missing[*]:-} $([ $arm64_ok -eq 0 ] && echo '(arm64 architecture)') $([ $fdt_ok -eq 0 ] && echo '(libfdt-dev:arm64 in build/)') $([ $uc_ok -eq 0 ] && echo "(unicorn $unicorn_ver in build/)")" >&2
  exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "deps: not root. Run as root:" >&2
  echo "  dpkg --add-architecture arm64 && apt-get update${missing[*]:+ && apt-get install -y ${missing[*]}}" >&2
  echo "  then: scripts/deps.sh  (unpacks libfdt-dev:arm64 into build/)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ $arm64_ok -eq 0 ]; then
  dpkg --add-architecture arm64
fi
if [ ${#missing[@]} -gt 0 ] || [ $arm64_ok -eq 0 ] || [ $fdt_ok -eq 0 ]; then
  apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ $fdt_ok -eq 0 ]; then
  # The bare-metal link needs Debian's aarch64 libfdt.a; unpack it into
  # build/ rather than installing a foreign-architecture package system-wide.
  mkdir -p "$build/deps/dl"
  (cd "$build/deps/dl" && rm -f libfdt-dev_*_arm64.deb && apt-get download -qq libfdt-dev:arm64)
  rm -rf "$libfdt_arm64"
  dpkg -x "$build/deps/dl"/libfdt-dev_*_arm64.deb "$libfdt_arm64"
fi
if [ $uc_ok -eq 0 ]; then
  # A sources list given to these apt-get calls only: trixie never becomes
  # a source for the system's own installs.
  apt_trixie="$build/deps/apt-trixie"
  mkdir -p "$apt_trixie/lists/partial" "$build/deps/dl"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    >"$apt_trixie/sources.list"
  apt_opts=(-o Dir::Etc::sourcelist="$apt_trixie/sources.list" -o Dir::Etc::sourceparts=/dev/null
    -o Dir::State::Lists="$apt_trixie/lists" -o APT::Sandbox::User=root)
  apt-get "${apt_opts[@]}" update -qq
  (cd "$build/deps/dl" && rm -f libunicorn*.deb &&
    apt-get "${apt_opts[@]}" download -qq "libunicorn-dev=$unicorn_ver" "libunicorn2t64=$unicorn_ver")
  rm -rf "$unicorn_dir"
  for deb in "$build/deps/dl"/libunicorn*.deb; do dpkg -x "$deb" "$unicorn_dir"; done
  echo "$unicorn_ver" >"$unicorn_dir/VERSION"
fi
echo "deps: ready"
