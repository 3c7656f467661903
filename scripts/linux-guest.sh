#!/usr/bin/env bash
# Fetches Debian's arm64 cloud kernel and static busybox with apt-get into
# build/linux (never committed) and builds the initramfs the Linux tests
# boot. Idempotent: what is already there is reused.
#
#   scripts/linux-guest.sh      prints KERNEL=<path> INITRD=<path> MARKER=<line>
#                               BENCH_INITRD=<path>
#
# The initramfs's /init prints LINUX_MARKER, then /proc/interrupts, then
# powers off (PSCI SYSTEM_OFF), so a run ends by itself.
# The bench initramfs (harness/bench-linux) does the same work up to the
# marker, prints the generic timer's count just before it (and the same
# moment in the kernel's log), the kernel's idle time just after it, and
# powers off.
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

# hv-cntvct: prints "HV-BENCH-CNTVCT: <CNTVCT_EL0> <CNTFRQ_EL0>" on stdout
# and, right after reading the counter, "HV-BENCH-KMSG" to the kernel's log
# (/dev/kmsg, which it creates): the same moment on the kernel's printk
# clock. Linux lets EL0 read the virtual counter (the vDSO needs it);
# busybox has no way to. No libc: raw system calls, so the cross compiler
# the hypervisor is built with is enough.
bench_initrd="$out/initramfs-bench.cpio"
bench_root="$out/initramfs-bench"
if [ ! -s "$bench_initrd" ] || [ "$0" -nt "$bench_initrd" ]; then
  rm -rf "$bench_root"
  mkdir -p "$bench_root/bin" "$bench_root/proc" "$bench_root/sys" "$bench_root/dev"
  cp "$out/busybox/bin/busybox" "$bench_root/bin/busybox"
  cat >"$out/hv-cntvct.S" <<'EOF'
	.equ	AT_FDCWD, -100
	.equ	S_IFCHR_0600, 0020600
	.equ	DEV_KMSG, (1 << 8) | 11		// char 1:11
	.equ	O_WRONLY, 1
	.equ	SYS_mknodat, 33
	.equ	SYS_openat, 56
	.equ	SYS_write, 64
	.equ	SYS_exit, 93

	.text
	.global	_start
_start:
	mov	x0, #AT_FDCWD		// mknodat: fails harmlessly if it exists
	adr	x1, kmsg_path
	mov	x2, #S_IFCHR_0600
	mov	x3, #DEV_KMSG
	mov	x8, #SYS_mknodat
	svc	#0
	mov	x0, #AT_FDCWD
	adr	x1, kmsg_path
	mov	x2, #O_WRONLY
	mov	x8, #SYS_openat
	svc	#0
	mov	x23, x0			// the fd, or a negative error
	isb				// not read ahead of what came before
	mrs	x19, cntvct_el0
	mrs	x20, cntfrq_el0
	tbnz	x23, #63, 1f		// no /dev/kmsg: the harness says so
	mov	x0, x23
	adr	x1, kmsg_line
	mov	x2, #kmsg_len
	mov	x8, #SYS_write
	svc	#0
1:	adr	x21, buf_end		// the line is built backwards from here
	mov	x22, x21
	mov	w0, '\n'
	strb	w0, [x22, #-1]!
	mov	x0, x20
	bl	put_dec
	mov	w0, ' '
	strb	w0, [x22, #-1]!
	mov	x0, x19
	bl	put_dec
	adr	x1, prefix
	mov	x2, #prefix_len
2:	subs	x2, x2, #1
	ldrb	w0, [x1, x2]
	strb	w0, [x22, #-1]!
	b.ne	2b
	mov	x0, #1			// write(1, x22, x21 - x22)
	mov	x1, x22
	sub	x2, x21, x22
	mov	x8, #SYS_write
	svc	#0
	mov	x0, #0
	mov	x8, #SYS_exit
	svc	#0

// x0 in decimal, stored backwards below x22 (which it moves).
put_dec:
	mov	x3, #10
3:	udiv	x4, x0, x3
	msub	x5, x4, x3, x0
	add	w5, w5, '0'
	strb	w5, [x22, #-1]!
	mov	x0, x4
	cbnz	x0, 3b
	ret

	.section .rodata
kmsg_path:
	.asciz	"/dev/kmsg"
kmsg_line:
	.ascii	"HV-BENCH-KMSG\n"
	.equ	kmsg_len, . - kmsg_line
prefix:	.ascii	"HV-BENCH-CNTVCT: "
	.equ	prefix_len, . - prefix

	.bss
	.skip	64
buf_end:
EOF
  "${CROSS:-aarch64-linux-gnu-}gcc" -nostdlib -static -Wl,--build-id=none \
    -o "$bench_root/bin/hv-cntvct" "$out/hv-cntvct.S"
  # The kernel's own idle time (ns, /proc/timer_list): the virtual clock
  # also runs while the CPU waits in WFI, and that is no instruction.
  cat >"$bench_root/init" <<EOF
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox --install -s /bin
/bin/hv-cntvct
echo "$marker"
awk '/^ *\.(idle|iowait)_sleeptime/ { n++; s += \$3 }
  END { if (n) print "HV-BENCH-IDLE: " s " ns" }' /proc/timer_list
poweroff -f
EOF
  chmod 755 "$bench_root/init"
  (cd "$bench_root" && find . | LC_ALL=C sort | cpio --quiet -o -H newc >"$bench_initrd")
fi
echo "KERNEL=$kernel"
echo "INITRD=$initrd"
echo "MARKER='$marker'"
echo "BENCH_INITRD=$bench_initrd"
