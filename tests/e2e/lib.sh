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

# make_image_archive WORK NAME=CONFIG... : an OCI image layout (tar at
# WORK/images.tar) with one image per NAME (tagged localhost/NAME:e2e), all
# of the busybox rootfs, each with its image config fragment CONFIG (e.g.
# '"Cmd":["sh"]'). No registry is reachable here: clients import the tar.
make_image_archive() {
  local work=$1; shift
  make_rootfs "$work/image-rootfs"
  mkdir -p "$work/img/blobs/sha256"
  tar -C "$work/image-rootfs" -cf "$work/layer.tar" .
  blob() { local d; d=$(sha256sum "$1" | cut -d' ' -f1); cp "$1" "$work/img/blobs/sha256/$d"; echo "$d"; }
  local layer size entries="" spec name cfg c cs m ms
  layer=$(blob "$work/layer.tar"); size=$(stat -c %s "$work/layer.tar")
  for spec in "$@"; do
    name=${spec%%=*} cfg=${spec#*=}
    printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
      "$cfg" "$layer" > "$work/$name.config.json"
    c=$(blob "$work/$name.config.json"); cs=$(stat -c %s "$work/$name.config.json")
    printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
      "$c" "$cs" "$layer" "$size" > "$work/$name.manifest.json"
    m=$(blob "$work/$name.manifest.json"); ms=$(stat -c %s "$work/$name.manifest.json")
    entries="$entries${entries:+,}{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:$m\",\"size\":$ms,\"annotations\":{\"io.containerd.image.name\":\"localhost/$name:e2e\"},\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}"
  done
  echo "{\"schemaVersion\":2,\"manifests\":[$entries]}" > "$work/img/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$work/img/oci-layout"
  tar -C "$work/img" -cf "$work/images.tar" .
}

finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
