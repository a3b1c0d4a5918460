# Shared by scripts/vm-test.sh and scripts/vm-systemd.sh: Debian's own
# kernel unpacked into a cache (the host's /boot is untouched), the packages
# the guests are built with, and qemu's accelerator.

# vm_packages PKG...: installs what is missing (quietly).
vm_packages() {
  local need=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  echo "vm: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null; }
}

# vm_kernel CACHE: sets $image (the kernel linux-image-amd64 points at) and
# $kdir (its vmlinuz, overlay.ko, loop.ko and veth.ko: modules in Debian's
# build).
vm_kernel() {
  local cache=$1 tmp
  image=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  [ -n "$image" ] || { echo "vm: cannot tell which kernel linux-image-amd64 depends on"; return 1; }
  kdir=$cache/$image
  if [ ! -f "$kdir/vmlinuz" ] || [ ! -f "$kdir/veth.ko" ]; then
    tmp=$(mktemp -d)
    (cd "$tmp" && apt-get download -q "$image" >/dev/null 2>&1) || { apt-get update -qq && (cd "$tmp" && apt-get download -q "$image" >/dev/null); }
    dpkg-deb -x "$tmp"/*.deb "$tmp/x"
    mkdir -p "$kdir"
    cp "$tmp"/x/boot/vmlinuz-* "$kdir/vmlinuz"
    find "$tmp/x/lib/modules" \( -name overlay.ko -o -name loop.ko -o -name veth.ko \) \
      -exec cp {} "$kdir/" \;
    rm -rf "$tmp"
  fi
}

# vm_accel: sets $accel and $cpu. KVM when it really works (a /dev/kvm
# without nested virtualization aborts at the first vCPU reset), else TCG.
vm_accel() {
  accel=tcg cpu=max
  if [ -w /dev/kvm ] && (echo quit | timeout 20 qemu-system-x86_64 -machine q35,accel=kvm -cpu host -display none \
      -S -monitor stdio -serial none) >/dev/null 2>&1; then
    accel=kvm cpu=host
  fi
}

# vm_put ROOT FILE: the file, stripped, at its own path under ROOT, with the
# libraries it loads that ROOT lacks.
vm_put() {
  local root=$1 file=$2 lib
  mkdir -p "$root$(dirname "$file")"
  strip --strip-debug -o "$root$file" "$file"
  { ldd "$file" 2>/dev/null || true; } | { grep -oE '/[^ ]+' || true; } | while read -r lib; do
    [ -e "$root$lib" ] || { mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib"; }
  done
}

# vm_boot WHAT INITRD MEM_MB TIMEOUT_S MARKER CMDLINE...: boots the kernel
# vm_kernel found on INITRD (qemu, vm_accel's accelerator, 2 vCPUs), shows
# the guest's console from the line matching MARKER on, without googletest's
# RUN and separator lines, and counts its results (vm_summary).
vm_boot() {
  local what=$1 initrd=$2 mem=$3 limit=$4 marker=$5 log
  shift 5
  vm_accel
  log=$(mktemp)
  echo "vm: booting $image ($accel) $what"
  timeout "$limit" qemu-system-x86_64 -machine q35,accel=$accel -cpu $cpu -smp 2 -m "$mem" \
    -kernel "$kdir/vmlinuz" -initrd "$initrd" -append "console=ttyS0 panic=-1 quiet $*" \
    -nographic -no-reboot -monitor none -serial stdio </dev/null | tr -d '\r' | tee "$log" |
    sed -u -n "/$marker/,\$p" | grep --line-buffered -vE '^\[ RUN +\]|^\[(==========|----------)\]' || true
  vm_summary "$log"
}

# vm_summary LOG: counts the guest's results (googletest's OK/FAILED lines,
# the e2e scripts' "ok"/"FAIL" lines), keeps LOG in $MCRUN_VM_LOG if set,
# prints "vm: N passed, N failed" and fails if any failed or the guest never
# said "mcrun-vm: exit".
vm_summary() {
  local log=$1 passed failed
  passed=$(( $(grep -cE '^\[       OK \] ' "$log" || true) + $(grep -cE '^ok   ' "$log" || true) ))
  failed=$({ grep -E '^\[  FAILED  \] [^ ]+ \([0-9]+ ms\)' "$log" || true; } | sort -u | wc -l)
  failed=$(( failed + $(grep -cE '^FAIL ' "$log" || true) ))
  if ! grep -q '^mcrun-vm: exit' "$log"; then
    echo "vm: the guest did not finish (last lines follow)"
    tail -40 "$log"
    failed=$((failed + 1))
  fi
  [ -n "${MCRUN_VM_LOG:-}" ] && cp "$log" "$MCRUN_VM_LOG"
  rm -f "$log"
  echo "vm: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
