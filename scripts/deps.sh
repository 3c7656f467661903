#!/usr/bin/env bash
# Installs everything the build and tests need, from Debian packages only.
# Idempotent: a second run on a ready machine does nothing but checks.
#   scripts/deps.sh          install (as root) or print the apt-get line
#   scripts/deps.sh --check  exit 1 if anything is missing, install nothing
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build="$top/build"

host_pkgs=(gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu qemu-system-arm
  libfdt-dev libcmocka-dev libunicorn-dev valgrind device-tree-compiler lcov
  clang cpio dpkg-dev pkg-config gdb-multiarch python3)

missing=()
for p in "${host_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
arm64_ok=1
dpkg --print-foreign-architectures | grep -qx arm64 || arm64_ok=0
libfdt_arm64="$build/deps/libfdt-arm64"
fdt_ok=1
[ -f "$libfdt_arm64/usr/lib/aarch64-linux-gnu/libfdt.a" ] || fdt_ok=0

if [ ${#missing[@]} -eq 0 ] && [ $arm64_ok -eq 1 ] && [ $fdt_ok -eq 1 ]; then
  exit 0
fi
if [ "${1:-}" = "--check" ]; then
  echo "deps: missing: ${missing[*]:-} $([ $arm64_ok -eq 0 ] && echo '(arm64 architecture)') $([ $fdt_ok -eq 0 ] && echo '(libfdt-dev:arm64 in build/)')" >&2
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
echo "deps: ready"
