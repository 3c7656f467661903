#!/usr/bin/env bash
# Fetches Debian's arm64 cloud kernel and static busybox with apt-get into
# build/linux (never committed) and builds the initramfs the Linux tests
# boot. Idempotent: what is already there is reused.
#
#   scripts/linux-guest.sh      prints two lines: KERNEL=<path> INITRD=<path>
#
# The initramfs's /init prints LINUX_MARKER, then /proc/interrupts, then
# powers off (PSCI SYSTEM_OFF), so a run ends by itself.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/build/linux"
dl="$out/dl"
marker="HV-LINUX-MARKER: userspace reached"

mkdir -p "$dl"
bash "$top/scripts/deps.sh" >/dev/null

# The cloud flavour: PL011, GICv3, PSCI, arch timer and PL031 built in, at
# 27 MB instead of the generic kernel's 60 (anchors.md §4).
if ! ls "$out"/kernel/boot/vmlinuz-* >/dev/null 2>&1; then
  pkg=$(apt-cache depends linux-image-cloud-arm64:arm64 2>/dev/null |
    awk '/Depends: linux-image-/ { print $2; exit }')
  if [ -z "$pkg" ]; then
    apt-get update -qq
    pkg=$(apt-cache depends linux-image-cloud-arm64:arm64 |
      awk '/Depends: linux-image-/ { print $2; exit }')
  fi
  (cd "$dl" && rm -f linux-image-*.deb &&
    apt-get download -qq -o APT::Sandbox::User=root "$pkg")
  rm -rf "$out/kernel"
  dpkg -x "$dl"/linux-image-*.deb "$out/kernel"
fi
if [ ! -x "$out/busybox/bin/busybox" ]; then
  (cd "$dl" && rm -f busybox-static_*.deb &&
    apt-get download -qq -o APT::Sandbox::User=root busybox-static:arm64)
  rm -rf "$out/busybox"
  dpkg -x "$dl"/busybox-static_*.deb "$out/busybox"
fi

kernel=$(ls "$out"/kernel/boot/vmlinuz-* | head -1)
initrd="$out/initramfs.cpio"
root="$out/initramfs"
if [ ! -s "$initrd" ] || [ "$0" -nt "$initrd" ]; then
  rm -rf "$root"
  mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
  cp "$out/busybox/bin/busybox" "$root/bin/busybox"
  cat >"$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox --install -s /bin
echo "$marker"
# A line typed on the console (the test runner types it): it reaches us
# through the PL011's receive interrupt.
read -t 20 line && echo "HV-LINUX-INPUT: \$line"
cat /proc/interrupts
poweroff -f
EOF
  chmod 755 "$root/init"
  (cd "$root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc >"$initrd")
fi
echo "KERNEL=$kernel"
echo "INITRD=$initrd"
echo "MARKER='$marker'"
