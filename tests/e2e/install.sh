#!/usr/bin/env bash
# `cmake --install` as a package would do it, into a scratch prefix: the
# binary, a man page per verb that man(1) renders without a warning, and the
# bash completion; the installed binary runs.
# Usage: install.sh BUILD_DIR
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
prefix=$(mktemp -d /var/tmp/mcrun-install-XXXXXX)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$1" --prefix "$prefix" >/dev/null
check "binary installed and runs" "0" "$("$prefix/bin/mcrun" --version >/dev/null; echo $?)"
verbs=$("$prefix/bin/mcrun" --help | awk '/^commands:/ {on = 1; next} /^$/ {on = 0} on {print $1}')
check "a man page per verb" "" "$(for v in $verbs; do [ -f "$prefix/share/man/man8/mcrun-$v.8" ] || echo "$v"; done)"
for page in "$prefix"/share/man/man8/*.8; do
  check "man renders $(basename "$page") cleanly" "" "$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)"
done
check "man mcrun-convert explains the Mesos side" "1" \
  "$(MANWIDTH=200 man -l "$prefix/share/man/man8/mcrun-convert.8" 2>/dev/null | grep -c 'Mesos containerizer')"
check "bash completion installed" "0" "$(bash -n "$prefix/share/bash-completion/completions/mcrun"; echo $?)"
finish
