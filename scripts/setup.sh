#!/usr/bin/env bash
# Installs every Debian package mcrun's build, tests and demo need, then
# configures and builds. Idempotent; run as root on Debian 12.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake g++ make pkg-config          # build
  nlohmann-json3-dev libyaml-cpp-dev libseccomp-dev libcap-dev  # libraries
  libgtest-dev googletest            # tests
  busybox-static                     # the integration tests' rootfs
  runc                               # the converted bundle must also run under runc
  procps                             # ps, for the demo
  podman containerd                  # end-to-end tests: real clients driving mcrun
  uidmap                             # rootless: newuidmap/newgidmap for podman and mcrun
  containernetworking-plugins python3-grpcio  # the CRI scenario: pod network, CRI client
  bsdutils                           # script(1): a terminal for the tty tests
  man-db                             # the installed man pages are checked with man(1)
  clang-format git                   # the format test (.clang-format)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMCRUN_WERROR="${MCRUN_WERROR:-ON}" >/dev/null
cmake --build build -j"$(nproc)"
