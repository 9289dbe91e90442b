#!/usr/bin/env bash
# warm_ab.sh: compare the warm path of several gdbt builds on a loaded machine, interleaved so
# that each sees the same load: per round and build, run.sh's warm steps (nothing changed, a
# model's SQL, a property YAML file, a macro called by 3,000 models, compile -s <edited>+),
# each build on its own copy of the layered 10,000-model project (a parse state belongs to
# the build that wrote it). Prints "build step cpu_s(user+sys) peak_MB [load]" lines.
#
# usage: bench/compile/warm_ab.sh ROUNDS GDBT_BINARY...    env: WORK=/tmp/gdbt-warm-ab MODELS=10000
# e.g.   git archive 3b84e37 | tar -x -C /tmp/old && (cd /tmp/old && go build -o /tmp/gdbt-old ./cmd/gdbt)
#        go build -o /tmp/gdbt-new ./cmd/gdbt && bench/compile/warm_ab.sh 3 /tmp/gdbt-old /tmp/gdbt-new
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
rounds=$1; shift
WORK=${WORK:-/tmp/gdbt-warm-ab}
MODELS=${MODELS:-10000}
mkdir -p "$WORK"
base="$WORK/layered-$MODELS"
info=$(cd "$repo" && go run ./bench/cmd/projgen --out "$WORK/.probe" --models "$MODELS" --kind layered); rm -rf "$WORK/.probe"
[ -f "$base/dbt_project.yml" ] || (cd "$repo" && go run ./bench/cmd/projgen --out "$base" --models "$MODELS" --kind layered >/dev/null)
edit=$(echo "$info" | sed 's/.*edit_file=//')
edit_yaml=$(echo "$info" | sed 's/.*edit_yaml=\([^ ]*\).*/\1/')
edit_macro=$(echo "$info" | sed 's/.*edit_macro=\([^ ]*\).*/\1/')
model=$(basename "$edit" .sql)
m() { /usr/bin/time -f "%U %S %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f %d", $1+$2, $3/1024}'; }
n=0
for b in "$@"; do
  n=$((n+1)); rm -rf "$WORK/p$n"; cp -r "$base" "$WORK/p$n"; rm -rf "$WORK/p$n/target"
  (cd "$WORK/p$n" && "$b" parse >/dev/null)   # the build's own state
done
for r in $(seq "$rounds"); do
  n=0
  for b in "$@"; do
    n=$((n+1)); cd "$WORK/p$n"; name=$(basename "$b")
    echo "$name nochange $(m "$b" parse) $(cut -d' ' -f1 /proc/loadavg)"
    echo "-- e$r" >> "$edit"; echo "$name edit_sql $(m "$b" parse)"
    echo "# e$r" >> "$edit_yaml"; echo "$name edit_yaml $(m "$b" parse)"
    sed -i "0,/%}/s//%}{# e$r #}/" "$edit_macro"; echo "$name edit_macro $(m "$b" parse)"
    echo "-- e$r." >> "$edit"; echo "$name compile_sel_edit $(m "$b" compile -s "$model+")"
  done
done
