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

. scripts/vm-lib.sh
vm_packages qemu-system-x86 cpio busybox-static
vm_kernel "$cache"

# The guest's files. The tests find mcrun, the attacker, the probe and
# busybox at the paths compiled into them, so those paths are kept.
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
put() { vm_put "$root" "$1"; }
put "$build/bin/integration_tests"
put "$build/bin/mcrun"
put "$build/bin/attacker"
put "$build/bin/probe"
put /usr/bin/ps  # `mcrun ps`'s table is procps' (busybox's ps takes no -ef)

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
# veth pairs for the netDevices test.
insmod /lib/modules/veth.ko 2>/dev/null
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

vm_boot "for the integration tests on cgroup v2" "$root.initrd" 2048 1500 "mcrun-vm: kernel" \
  cgroup_no_v1=all rdinit=/init
