#!/bin/sh
# gen-docs.sh MCRUN OUTDIR VERB...: the man pages and bash completion, from
# mcrun's own help (the build runs this; see CMakeLists.txt).
set -e
mcrun=$1 out=$2
shift 2
mkdir -p "$out/man" "$out/completion"
"$mcrun" help --man > "$out/man/mcrun.8"
for verb in "$@"; do "$mcrun" help --man "$verb" > "$out/man/mcrun-$verb.8"; done
"$mcrun" help --bash-completion > "$out/completion/mcrun"
