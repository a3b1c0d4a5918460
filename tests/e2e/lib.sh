# Helpers for the end-to-end scripts: a busybox-static rootfs, assertions
# that print one line per check, and a summary line CTest shows.
set -uo pipefail

passed=0
failed=0

check() {  # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then
    passed=$((passed + 1)); echo "ok   $1"
  else
    failed=$((failed + 1)); echo "FAIL $1: expected [$2], got [$3]"
  fi
}

make_rootfs() {  # make_rootfs DIR
  mkdir -p "$1"/{bin,etc,tmp,proc,sys,dev,root,vol}
  cp "$(command -v busybox)" "$1/bin/busybox"
  for a in $("$1/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$1/bin/$a"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$1/etc/passwd"
  echo 'root:x:0:' > "$1/etc/group"
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
