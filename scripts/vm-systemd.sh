#!/usr/bin/env bash
# The systemd cgroup driver where it is used: a cgroup v2 machine with
# systemd as PID 1. The guest is a minimal Debian 12 made with debootstrap
# from the package archive (systemd, dbus, containerd, podman; cached),
# booted with Debian's kernel under qemu from an initramfs that moves itself
# into a tmpfs and hands over to systemd (with user 1000 lingering: its own
# systemd runs from boot, for rootless scopes). A unit then runs the
# SystemdCgroup.* integration tests (scopes, their properties, update,
# delete), containerd with SystemdCgroup = true, and rootless podman with
# its systemd cgroup manager as user 1000, each running containers through
# mcrun and through runc. Prints the results and "vm: N passed, N failed".
#
# With "v1", the same guest boots with systemd's legacy cgroup hierarchy
# (the devices controller is v1's) and runs the SystemdCgroup tests that
# hold on both versions (MCRUN_VM_FILTER); containerd's part is v2's.
#
# Usage: scripts/vm-systemd.sh [BUILD_DIR] [v1]
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
version=${2:-v2}
case $version in
  v2) unified=1 filter='SystemdCgroup.*' ;;
  v1) unified=0 filter='SystemdCgroup.InitAndExec*:SystemdCgroup.DeviceRules*:SystemdCgroup.EveryCall*'
      filter+=':SystemdCgroup.ACgroupfsPath*' ;;
  *) echo "usage: $0 [BUILD_DIR] [v1]" >&2; exit 2 ;;
esac
filter=${MCRUN_VM_FILTER:-$filter}
cache=${MCRUN_VM_CACHE:-/var/cache/mcrun-vm}
. scripts/vm-lib.sh
. tests/e2e/lib.sh
vm_packages qemu-system-x86 cpio busybox-static debootstrap
vm_kernel "$cache"

# The Debian root, made once per package list: debootstrap, then what a
# test guest never reads (documentation, package caches) goes.
packages=systemd,systemd-sysv,dbus,containerd,podman,netavark,uidmap,dbus-user-session
base=$cache/systemd-root-$(echo "$packages" | md5sum | cut -c1-8).tar
if [ ! -f "$base" ]; then
  tmp=$(mktemp -d "$cache/debootstrap.XXXXXX")
  echo "vm: debootstrap bookworm ($packages) into the cache"
  debootstrap --variant=minbase --include="$packages" \
    bookworm "$tmp/root" http://deb.debian.org/debian >"$tmp/log" 2>&1 ||
    { tail -20 "$tmp/log"; rm -rf "$tmp"; exit 1; }
  rm -rf "$tmp"/root/usr/share/{doc,man,locale,info} "$tmp"/root/var/cache/apt/archives/*.deb \
    "$tmp"/root/var/lib/apt/lists/*
  tar -C "$tmp/root" -cf "$base.part" . && mv "$base.part" "$base"
  rm -rf "$tmp"
fi

root=$(mktemp -d)
trap 'rm -rf "$root" "$root.initrd"' EXIT
tar -C "$root" -xf "$base"
# The tests find mcrun, the attacker, the probe and busybox at the paths
# compiled in.
vm_put "$root" "$build/bin/integration_tests"
vm_put "$root" "$build/bin/mcrun"
vm_put "$root" "$build/bin/attacker"
vm_put "$root" "$build/bin/probe"
mkdir -p "$root$(dirname "$(command -v busybox)")"
cp "$(command -v busybox)" "$root$(command -v busybox)"
cp "$kdir"/*.ko "$root/root/"
make_image_archive "$root/root" busybox='"Cmd":["sh"]' >/dev/null
cp tests/e2e/lib.sh "$root/root/lib.sh"
mkdir -p "$root/etc/containerd"
cat > "$root/etc/containerd/config.toml" <<'TOML'
version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  SystemdCgroup = true
TOML
echo mcrun-systemd > "$root/etc/hostname"
# A user whose own systemd runs from boot (lingering), for rootless
# containers under the systemd cgroup driver (podman's default rootless).
echo 'tester:x:1000:1000::/home/tester:/bin/sh' >> "$root/etc/passwd"
echo 'tester:x:1000:' >> "$root/etc/group"
echo 'tester:!:19000:0:99999:7:::' >> "$root/etc/shadow"  # pam_unix's account check wants it
mkdir -p "$root/home/tester" "$root/var/lib/systemd/linger"
chown 1000:1000 "$root/home/tester"
touch "$root/var/lib/systemd/linger/tester"
# pam_systemd (libpam-systemd, not in this minimal root) would set it.
mkdir -p "$root/etc/systemd/system/user@.service.d"
printf '[Service]\nEnvironment=XDG_RUNTIME_DIR=/run/user/%%i\n' \
  > "$root/etc/systemd/system/user@.service.d/runtime-dir.conf"
# Rootless podman for that user: its subordinate ids, and its
# configuration (the systemd cgroup manager, podman's default for a user on
# cgroup v2; no network, the vfs storage driver: nothing more to install).
echo 'tester:100000:65536' >> "$root/etc/subuid"
echo 'tester:100000:65536' >> "$root/etc/subgid"
mkdir -p "$root/home/tester/.config/containers"
cat > "$root/home/tester/.config/containers/containers.conf" <<'CONF'
[containers]
netns = "none"
log_driver = "k8s-file"
[engine]
cgroup_manager = "systemd"
events_logger = "file"
CONF
printf '[storage]\ndriver = "vfs"\n' > "$root/home/tester/.config/containers/storage.conf"
chown -R 1000:1000 "$root/home/tester"
# The build directory may be under /tmp, which systemd-tmpfiles empties at
# boot ("D /tmp"): keep it.
mkdir -p "$root/etc/tmpfiles.d"
echo 'd /tmp 1777 root root -' > "$root/etc/tmpfiles.d/tmp.conf"

# Stage 1 (initramfs): into a tmpfs (pivot_root refuses the initramfs),
# then systemd.
cat > "$root/init" <<'INIT'
#!/bin/sh
mount -t tmpfs -o mode=755,size=90% tmpfs /mnt
for d in /*; do case $d in /proc|/sys|/dev|/mnt|/run) mkdir -p /mnt$d ;; *) cp -a $d /mnt/ ;; esac; done
exec switch_root /mnt /lib/systemd/systemd
INIT
chmod 755 "$root/init"

# The tests, once the machine is up; their output goes to the serial console.
cat > "$root/etc/systemd/system/mcrun-vm-tests.service" <<'UNIT'
[Unit]
Description=mcrun tests with systemd as PID 1
After=containerd.service multi-user.target
Wants=containerd.service
[Service]
Type=oneshot
ExecStart=/bin/bash /root/tests.sh
StandardOutput=tty
StandardError=tty
TTYPath=/dev/ttyS0
[Install]
WantedBy=multi-user.target
UNIT
ln -s /etc/systemd/system/mcrun-vm-tests.service "$root/etc/systemd/system/multi-user.target.wants/"
ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
cat > "$root/root/tests.sh" <<TESTS
#!/bin/bash
cd /root
. ./lib.sh
echo "mcrun-vm: systemd \$(systemctl --version | head -1 | cut -d' ' -f2), kernel \$(uname -r), \$(stat -f -c %T /sys/fs/cgroup)"
/usr/bin/busybox insmod /root/overlay.ko 2>/dev/null
# A watchdog, in the tests' own process group (no job control here, so the
# conditions are the tests' own): if they outlive 120 s, what every process
# waits in goes to the console before they are killed.
( sleep 120; echo "FAIL the SystemdCgroup tests still run after 120 s"
  for d in /proc/[0-9]*; do
    echo "\$(cut -d' ' -f1-8 \$d/stat) wchan=\$(cat \$d/wchan) \$(tr '\\0' ' ' <\$d/cmdline | cut -c1-150)"
    case \$(cat \$d/comm) in mcrun|integration_tes) cat \$d/stack; for t in \$d/task/*; do echo " task \${t##*/} \$(cat \$t/wchan)"; done ;; esac
  done 2>/dev/null
  systemctl list-jobs --no-pager
  journalctl -b --no-pager -o short-monotonic | tail -40
  for d in /proc/[0-9]*; do [ "\$(cat \$d/comm)" = integration_tes ] && kill -KILL \${d#/proc/}; done 2>/dev/null ) &
watchdog=\$!
for i in \$(seq 100); do [ -S /run/user/1000/systemd/private ] && break; sleep 0.1; done
[ -S /run/user/1000/systemd/private ] || { echo "user 1000's systemd did not start:"
  systemctl status --no-pager user@1000.service 2>&1 | tail -20; }
cd /tmp && $build/bin/integration_tests --gtest_filter='$filter' --gtest_color=no 2>&1
kill \$watchdog 2>/dev/null
cd /root
[ $version = v2 ] || { echo "mcrun-vm: exit 0"; systemctl poweroff --force --force; }
for i in \$(seq 50); do ctr version >/dev/null 2>&1 && break; sleep 0.2; done
ctr image import --all-platforms images.tar >/dev/null 2>&1 || echo "FAIL ctr image import"
for runtime in $build/bin/mcrun /usr/sbin/runc; do
  name=\$(basename \$runtime)
  out=\$(timeout 60 ctr run --rm --runc-binary \$runtime --runc-systemd-cgroup --cgroup system.slice:ctr:t-\$name \
        localhost/busybox:e2e t-\$name sh -c 'cat /proc/self/cgroup' 2>&1)
  check "\$name: ctr run --runc-systemd-cgroup in its scope" "0::/system.slice/ctr-t-\$name.scope" "\$(echo "\$out" | head -1)"
  check "\$name: the scope is gone after --rm" "inactive" "\$(systemctl show -p ActiveState --value ctr-t-\$name.scope)"
  timeout 60 ctr run -d --runc-binary \$runtime --runc-systemd-cgroup --cgroup kubepods-pod1.slice:cri:d-\$name \
    --memory-limit 67108864 localhost/busybox:e2e d-\$name sleep 1000 >/dev/null 2>&1
  check "\$name: a memory limit reaches the scope" "67108864" "\$(systemctl show -p MemoryMax --value cri-d-\$name.scope)"
  check "\$name: and its cgroup" "67108864" "\$(cat /sys/fs/cgroup/kubepods.slice/kubepods-pod1.slice/cri-d-\$name.scope/memory.max 2>&1)"
  ctr task kill -s KILL d-\$name >/dev/null 2>&1; sleep 0.5
  ctr task delete d-\$name >/dev/null 2>&1; ctr container delete d-\$name >/dev/null 2>&1
  check "\$name: delete removes the scope" "inactive" "\$(systemctl show -p ActiveState --value cri-d-\$name.scope)"
done
# Rootless podman, mcrun and runc side by side: the container in a scope of
# user 1000's own systemd, with its limits, gone after rm.
as_tester() { setpriv --reuid=1000 --regid=1000 --init-groups env -i HOME=/home/tester USER=tester \
  XDG_RUNTIME_DIR=/run/user/1000 DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus \
  PATH=/usr/sbin:/usr/bin:/sbin:/bin sh -c 'cd && exec "\$@"' as "\$@"; }
make_rootfs /home/tester/rootfs && chown -R tester: /home/tester/rootfs
as_tester timeout 300 sh -c 'tar -C rootfs -c . | podman import - localhost/busybox:e2e' >/dev/null 2>&1 ||
  echo "FAIL rootless podman import"
user_slice=/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/user.slice
for runtime in $build/bin/mcrun /usr/sbin/runc; do
  name=\$(basename \$runtime)
  p() { as_tester timeout 120 podman --runtime \$runtime "\$@" 2>&1; }
  check "\$name: rootless podman run, limits in its cgroup" "67108864 20" \
    "\$(p run --rm --memory 64m --pids-limit 20 localhost/busybox:e2e sh -c 'echo \$(cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max)')"
  check "\$name: rootless podman exit code" "7" "\$(p run --rm localhost/busybox:e2e sh -c 'exit 7' >/dev/null; echo \$?)"
  id=\$(p run -d --memory 64m localhost/busybox:e2e sleep 1000 | tail -1)
  check "\$name: its scope is the user's systemd's" "active" \
    "\$(as_tester systemctl --user show -p ActiveState --value libpod-\$id.scope)"
  check "\$name: with the memory limit" "67108864" "\$(cat \$user_slice/libpod-\$id.scope/memory.max 2>&1)"
  check "\$name: rootless podman exec" "exec-ok" "\$(p exec \$id echo exec-ok)"
  p rm -f \$id >/dev/null
  check "\$name: rm removes the scope" "no" "\$(test -d \$user_slice/libpod-\$id.scope && echo yes || echo no)"
done
finish
echo "mcrun-vm: exit \$?"
systemctl poweroff --force --force
TESTS

(cd "$root" && find . | cpio -o -H newc --quiet) > "$root.initrd"
vm_boot "with systemd for the systemd cgroup driver (cgroup $version)" "$root.initrd" 3072 600 \
  "mcrun-vm: systemd" rdinit=/init systemd.unified_cgroup_hierarchy=$unified systemd.show_status=false
