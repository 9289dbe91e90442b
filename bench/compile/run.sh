#!/usr/bin/env bash
# Compile-at-scale benchmark: for each project size, `gdbt parse` and `gdbt compile` wall
# time and peak RSS (GNU time), cold (no target/ folder, the old one moved aside) and after a one-file edit, median of
# RUNS runs, with Python Jinja2 rendering the same model templates measured in the same loop
# (interleaved, so both see the same machine load) as the floor for dbt-core.
#
# usage: bench/compile/run.sh [SIZES...]      (default: 1000 10000 50000)
# env:   RUNS=3  GDBT=/tmp/gdbt-bench (built from ./cmd/gdbt if missing)  WORK=/tmp/gdbt-bench-compile
#        FLOOR=0 skips the Python Jinja2 floor (minutes at 50,000 models on a loaded machine)
# needs: /usr/bin/time (Debian package "time"), python3 with jinja2.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
RUNS=${RUNS:-3}
FLOOR=${FLOOR:-1}
GDBT=${GDBT:-/tmp/gdbt-bench}
WORK=${WORK:-/tmp/gdbt-bench-compile}
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(1000 10000 50000)
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 1; }
if [ ! -x "$GDBT" ]; then (cd "$repo" && go build -o "$GDBT" ./cmd/gdbt); fi
mkdir -p "$WORK"
# "Cold" means no target/ folder. The old one is moved aside, not deleted, right before a cold
# step: on an ext4 without a journal (this machine's), every file created within a minute of
# a mass deletion pays a scan for recently freed inodes (0.4-0.9 ms of kernel time per file;
# bench/README.md section 1, session 2), which would time the filesystem, not gdbt. The moved
# folders are deleted when the script ends.
trash="$WORK/.trash"
rm -rf "$trash"; mkdir -p "$trash"
trap 'rm -rf "$trash"' EXIT
set_aside() { [ -d "$1" ] && mv "$1" "$trash/$(date +%s%N)" || true; }

# measure DIR CMD... : runs CMD in DIR, prints "wall_s max_rss_kb cpu_s" (fails loudly on
# error). cpu_s (user+sys) is reported next to wall time because on a shared machine the wall
# time mostly measures the wait for a core.
measure() {
  local dir=$1; shift
  local out
  out=$( cd "$dir" && /usr/bin/time -f "__TIME__ %e %M %U %S" "$@" 2>&1 >/dev/null ) || { echo "$out" >&2; echo "FAILED: $*" >&2; exit 1; }
  echo "$out" | awk '/__TIME__/{print $2, $3, $4 + $5}'
}
median() { sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }

printf "# %s  %s  nproc=%s  mem=%s  runs=%s\n" "$(date -u +%FT%TZ)" "$("$GDBT" --version)" "$(nproc)" "$(free -g | awk '/Mem:/{print $2"G"}')" "$RUNS"
printf "| models | step | gdbt wall s | gdbt CPU s | gdbt peak MB | jinja2 floor wall s | jinja2 CPU s | jinja2/gdbt (wall) | jinja2/gdbt (CPU) | load avg |\n|---|---|---|---|---|---|---|---|---|---|\n"
for n in "${sizes[@]}"; do
  proj="$WORK/p$n"
  if [ ! -f "$proj/dbt_project.yml" ]; then
    (cd "$repo" && go run ./bench/cmd/projgen --out "$proj" --models "$n" >/dev/null)
  fi
  edit=$(cd "$repo" && go run ./bench/cmd/projgen --out "$WORK/.probe$n" --models "$n" | sed 's/.*edit_file=//'); rm -rf "$WORK/.probe$n"
  declare -A T=() M=() C=()
  floor=() floorcpu=()
  loads=()
  for r in $(seq "$RUNS"); do
    loads+=("$(awk '{print $1}' /proc/loadavg)")
    set_aside "$proj/target"
    read -r t m c < <(measure "$proj" "$GDBT" parse);            T[parse_cold]+="$t "; M[parse_cold]+="$m "; C[parse_cold]+="$c "
    echo "-- edit $r" >> "$proj/$edit"
    read -r t m c < <(measure "$proj" "$GDBT" parse);            T[parse_edit]+="$t "; M[parse_edit]+="$m "; C[parse_edit]+="$c "
    set_aside "$proj/target"
    read -r t m c < <(measure "$proj" "$GDBT" compile);          T[compile_cold]+="$t "; M[compile_cold]+="$m "; C[compile_cold]+="$c "
    echo "-- edit $r" >> "$proj/$edit"
    read -r t m c < <(measure "$proj" "$GDBT" compile);          T[compile_edit]+="$t "; M[compile_edit]+="$m "; C[compile_edit]+="$c "
    if [ "$FLOOR" = 1 ]; then
      read -r f fm fc < <(measure "$proj" python3 "$here/jinja_floor.py" .)
      floor+=("$f"); floorcpu+=("$fc")
    else
      floor+=(0); floorcpu+=(0)
    fi
  done
  fl=$(printf "%s\n" "${floor[@]}" | median)
  flc=$(printf "%s\n" "${floorcpu[@]}" | median)
  ld=$(printf "%s\n" "${loads[@]}" | median)
  for step in parse_cold parse_edit compile_cold compile_edit; do
    t=$(echo ${T[$step]} | tr ' ' '\n' | median)
    m=$(echo ${M[$step]} | tr ' ' '\n' | median)
    c=$(echo ${C[$step]} | tr ' ' '\n' | median)
    printf "| %s | %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | %.2f | %s |\n" "$n" "$step" "$t" "$c" "$(echo "$m/1024" | bc -l)" "$fl" "$flc" "$(echo "$fl/$t" | bc -l)" "$(echo "$flc/$c" | bc -l)" "$ld"
  done
  unset T M C
done
