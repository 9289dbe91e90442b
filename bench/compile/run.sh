#!/usr/bin/env bash
# Compile-at-scale benchmark: for each project size, `gdbt parse` and `gdbt compile` wall
# time and peak RSS (GNU time), cold (no target/ folder) and after a one-file edit, median of
# RUNS runs, with Python Jinja2 rendering the same model templates measured in the same loop
# (interleaved, so both see the same machine load) as the floor for dbt-core.
#
# usage: bench/compile/run.sh [SIZES...]      (default: 1000 10000 50000)
# env:   RUNS=3  GDBT=/tmp/gdbt-bench (built from ./cmd/gdbt if missing)  WORK=/tmp/gdbt-bench-compile
# needs: /usr/bin/time (Debian package "time"), python3 with jinja2.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
RUNS=${RUNS:-3}
GDBT=${GDBT:-/tmp/gdbt-bench}
WORK=${WORK:-/tmp/gdbt-bench-compile}
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000 50000)
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 1; }
if [ ! -x "$GDBT" ]; then (cd "$repo" && go build -o "$GDBT" ./cmd/gdbt); fi
mkdir -p "$WORK"

# measure DIR CMD... : runs CMD in DIR, prints "seconds max_rss_kb" (fails loudly on error).
measure() {
  local dir=$1; shift
  local out
  out=$( cd "$dir" && /usr/bin/time -f "__TIME__ %e %M" "$@" 2>&1 >/dev/null ) || { echo "$out" >&2; echo "FAILED: $*" >&2; exit 1; }
  echo "$out" | awk '/__TIME__/{print $2, $3}'
}
median() { sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }

printf "# %s  %s  nproc=%s  mem=%s  runs=%s\n" "$(date -u +%FT%TZ)" "$("$GDBT" --version)" "$(nproc)" "$(free -g | awk '/Mem:/{print $2"G"}')" "$RUNS"
printf "| models | step | gdbt wall s | gdbt peak MB | jinja2 floor s | jinja2/gdbt | load avg |\n|---|---|---|---|---|---|---|\n"
for n in "${sizes[@]}"; do
  proj="$WORK/p$n"
  if [ ! -f "$proj/dbt_project.yml" ]; then
    (cd "$repo" && go run ./bench/cmd/projgen --out "$proj" --models "$n" >/dev/null)
  fi
  edit=$(cd "$repo" && go run ./bench/cmd/projgen --out "$WORK/.probe$n" --models "$n" | sed 's/.*edit_file=//'); rm -rf "$WORK/.probe$n"
  declare -A T=() M=()
  floor=()
  loads=()
  for r in $(seq "$RUNS"); do
    loads+=("$(awk '{print $1}' /proc/loadavg)")
    rm -rf "$proj/target"
    read -r t m < <(measure "$proj" "$GDBT" parse);            T[parse_cold]+="$t "; M[parse_cold]+="$m "
    echo "-- edit $r" >> "$proj/$edit"
    read -r t m < <(measure "$proj" "$GDBT" parse);            T[parse_edit]+="$t "; M[parse_edit]+="$m "
    rm -rf "$proj/target"
    read -r t m < <(measure "$proj" "$GDBT" compile);          T[compile_cold]+="$t "; M[compile_cold]+="$m "
    echo "-- edit $r" >> "$proj/$edit"
    read -r t m < <(measure "$proj" "$GDBT" compile);          T[compile_edit]+="$t "; M[compile_edit]+="$m "
    f=$(cd "$proj" && python3 "$here/jinja_floor.py" . | sed 's/.*render \([0-9.]*\) s.*/\1/')
    floor+=("$f")
  done
  fl=$(printf "%s\n" "${floor[@]}" | median)
  ld=$(printf "%s\n" "${loads[@]}" | median)
  for step in parse_cold parse_edit compile_cold compile_edit; do
    t=$(echo ${T[$step]} | tr ' ' '\n' | median)
    m=$(echo ${M[$step]} | tr ' ' '\n' | median)
    printf "| %s | %s | %.2f | %.0f | %.2f | %.2f | %s |\n" "$n" "$step" "$t" "$(echo "$m/1024" | bc -l)" "$fl" "$(echo "$fl/$t" | bc -l)" "$ld"
  done
  unset T M
done
