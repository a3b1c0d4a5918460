#!/usr/bin/env bash
# The integration tests on a pure cgroup v2 machine: Debian's own kernel
# (linux-image-amd64, unpacked into a cache; the host's /boot is untouched)
# under qemu-system-x86_64 (KVM when /dev/kvm exists, TCG otherwise), booted
# from an initramfs of busybox-static, mcrun and the integration tests. The
# guest mounts only cgroup2 at /sys/fs/cgroup with every controller enabled,
# moves to a tmpfs root (pivot_root refuses the initramfs itself), runs the
# tests and powers off; this script prints their output and a closing
# "vm: N passed, N failed" line, and fails if any failed.
#
# Usage: scripts/vm-test.sh [BUILD_DIR] [GTEST_FILTER]
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
filter=${2:-${MCRUN_VM_FILTER:-*}}
# runc and the e2e clients are not in the guest.
filter="$filter:-ConvertRun.ImageRootfsRunsOnMcrunAndOnRunc"
cache=${MCRUN_VM_CACHE:-/var/cache/mcrun-vm}

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v cpio >/dev/null || need+=(cpio)
command -v busybox >/dev/null || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
  echo "vm: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }
fi

# The kernel the linux-image-amd64 metapackage points at, and overlay.ko
# (a module in Debian's build; mcrun's sealed binary view uses overlayfs).
image=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$image" ] || { echo "vm: cannot tell which kernel linux-image-amd64 depends on"; exit 1; }
kdir=$cache/$image
if [ ! -f "$kdir/vmlinuz" ] || [ ! -f "$kdir/loop.ko" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -q "$image" >/dev/null 2>&1) || { apt-get update -qq && (cd "$tmp" && apt-get download -q "$image" >/dev/null); }
  dpkg-deb -x "$tmp"/*.deb "$tmp/x"
  mkdir -p "$kdir"
  cp "$tmp"/x/boot/vmlinuz-* "$kdir/vmlinuz"
  find "$tmp/x/lib/modules" \( -name overlay.ko -o -name loop.ko \) -exec cp {} "$kdir/" \;
  rm -rf "$tmp"
fi

# The guest's files. The tests find mcrun, the attacker and busybox at the
# paths compiled into them, so those paths are kept.
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,mnt,tmp,run,var/tmp,root,lib/modules}
chmod 1777 "$root/tmp" "$root/var/tmp"
cp "$(command -v busybox)" "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do [ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'root:x:0:' > "$root/etc/group"
cp "$kdir"/*.ko "$root/lib/modules/" 2>/dev/null || true
# Host paths the converter tests bind from the shared filesystem.
mkdir -p "$root"/{srv,opt,home,usr/share}
put() {  # put FILE: the file, stripped, at its own path, with the libraries it loads
  mkdir -p "$root$(dirname "$1")"
  strip --strip-debug -o "$root$1" "$1"
  { ldd "$1" 2>/dev/null || true; } | { grep -oE '/[^ ]+' || true; } | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"
  done
}
put "$build/bin/integration_tests"
put "$build/bin/mcrun"
put "$build/bin/attacker"

cat > "$root/init" <<'INIT'
#!/bin/sh
# Stage 1 (initramfs): copy ourselves into a tmpfs and switch to it.
if [ ! -e /.stage2 ]; then
  mount -t tmpfs -o mode=755 tmpfs /mnt
  for d in /*; do case $d in /proc|/sys|/dev|/mnt) mkdir -p /mnt$d ;; *) cp -a $d /mnt/ ;; esac; done
  touch /mnt/.stage2
  exec switch_root /mnt /init
fi
# Stage 2: a cgroup v2 only machine.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t mqueue mqueue /dev/mqueue
mount -t tmpfs tmpfs /run
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
for c in $(cat /sys/fs/cgroup/cgroup.controllers); do echo "+$c" > /sys/fs/cgroup/cgroup.subtree_control; done
insmod /lib/modules/overlay.ko 2>/dev/null
# A block device for the io/blkio throttling tests.
insmod /lib/modules/loop.ko 2>/dev/null && dd if=/dev/zero of=/var/disk.img bs=1M count=4 2>/dev/null &&
  losetup /dev/loop0 /var/disk.img
ip link set lo up 2>/dev/null
hostname mcrun-vm
echo "mcrun-vm: kernel $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
cd /tmp
TESTS --gtest_filter="FILTER" --gtest_color=no 2>&1
echo "mcrun-vm: exit $?"
poweroff -f
INIT
sed -i "s|TESTS|$build/bin/integration_tests|; s|FILTER|$filter|" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$root.initrd"
trap 'rm -rf "$root" "$root.initrd"' EXIT

# KVM when it really works (a /dev/kvm without nested virtualization aborts
# at the first vCPU reset), else TCG.
accel=tcg cpu=max
if [ -w /dev/kvm ] && (echo quit | timeout 20 qemu-system-x86_64 -machine q35,accel=kvm -cpu host -display none \
    -S -monitor stdio -serial none) >/dev/null 2>&1; then
  accel=kvm cpu=host
fi
log=$(mktemp)
echo "vm: booting $image ($accel) for the integration tests on cgroup v2"
timeout 1500 qemu-system-x86_64 -machine q35,accel=$accel -cpu $cpu -smp 2 -m 2048 \
  -kernel "$kdir/vmlinuz" -initrd "$root.initrd" \
  -append "console=ttyS0 panic=-1 quiet cgroup_no_v1=all rdinit=/init" \
  -nographic -no-reboot -monitor none -serial stdio </dev/null | tr -d '\r' | tee "$log" |
  sed -u -n '/mcrun-vm: kernel/,$p' | grep --line-buffered -vE '^\[ RUN +\]|^\[(==========|----------)\]' || true
passed=$(grep -cE '^\[       OK \] ' "$log" || true)
failed=$({ grep -E '^\[  FAILED  \] [^ ]+ \([0-9]+ ms\)' "$log" || true; } | sort -u | wc -l)
if ! grep -q '^mcrun-vm: exit' "$log"; then
  echo "vm: the guest did not finish (last lines follow)"
  tail -40 "$log"
  failed=$((failed + 1))
fi
[ -n "${MCRUN_VM_LOG:-}" ] && cp "$log" "$MCRUN_VM_LOG"
rm -f "$log"
echo "vm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
