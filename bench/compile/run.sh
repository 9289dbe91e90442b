# Compile-at-scale benchmark: for each project shape and size, `gdbt parse` and `gdbt compile`
# wall time, CPU and peak RSS (GNU time), cold (no target/ folder, the old one moved aside) and
# warm after a one-file edit (partial parsing: a model's SQL, a property YAML file, a macro,
# a var in the project file, --vars; and `compile -s <edited>+`), median of RUNS runs, with Python Jinja2 rendering the same model
# templates measured in the same loop (interleaved, so both see the same machine load) as the
# floor for dbt-core.
#
# usage: bench/compile/run.sh [SIZES...]      (default: 1000 10000 50000)
# env:   RUNS=3  GDBT=/tmp/gdbt-bench (built from ./cmd/gdbt if missing)  WORK=/tmp/gdbt-bench-compile
#        SHAPES="layered macroheavy" (projgen kinds)
#        FLOOR=0 skips the Python Jinja2 floor (minutes at 50,000 models on a loaded machine)
# needs: /usr/bin/time (Debian package "time"), python3 with jinja2.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
RUNS=${RUNS:-3}
FLOOR=${FLOOR:-1}
GDBT=${GDBT:-/tmp/gdbt-bench}
WORK=${WORK:-/tmp/gdbt-bench-compile}
SHAPES=${SHAPES:-layered macroheavy}
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

printf "# %s  %s  nproc=%s  mem=%s  runs=%s\n" "$(date -u +%FT%TZ)" "$("$GDBT" --version | head -1)" "$(nproc)" "$(free -g | awk '/Mem:/{print $2"G"}')" "$RUNS"
printf "| shape | models | step | gdbt wall s | gdbt CPU s | gdbt peak MB | jinja2 floor wall s | jinja2 CPU s | jinja2/gdbt (wall) | jinja2/gdbt (CPU) | load avg |\n|---|---|---|---|---|---|---|---|---|---|---|\n"
steps="parse_cold parse_edit_sql parse_edit_yaml parse_edit_macro parse_edit_project parse_edit_vars compile_cold compile_edit_sql compile_sel_edit"
for shape in $SHAPES; do
for n in "${sizes[@]}"; do
  proj="$WORK/$shape-$n"
  info=$(cd "$repo" && go run ./bench/cmd/projgen --out "$WORK/.probe$n" --models "$n" --kind "$shape"); rm -rf "$WORK/.probe$n"
  if [ ! -f "$proj/dbt_project.yml" ]; then
    (cd "$repo" && go run ./bench/cmd/projgen --out "$proj" --models "$n" --kind "$shape" >/dev/null)
  fi
  edit=$(echo "$info" | sed 's/.*edit_file=//')
  edit_yaml=$(echo "$info" | sed 's/.*edit_yaml=\([^ ]*\).*/\1/')
  edit_macro=$(echo "$info" | sed 's/.*edit_macro=\([^ ]*\).*/\1/')
  model=$(basename "$edit" .sql)
  declare -A T=() M=() C=()
  floor=() floorcpu=()
  loads=()
  run_step() { # STEP ARGS...: one gdbt command, its figures appended to STEP's lists
    local step=$1; shift
    read -r t m c < <(measure "$proj" "$GDBT" "$@")
    T[$step]+="$t "; M[$step]+="$m "; C[$step]+="$c "
  }
  for r in $(seq "$RUNS"); do
    loads+=("$(awk '{print $1}' /proc/loadavg)")
    set_aside "$proj/target"
    run_step parse_cold parse
    echo "-- edit $r" >> "$proj/$edit";            run_step parse_edit_sql parse
    echo "# edit $r" >> "$proj/$edit_yaml";        run_step parse_edit_yaml parse
    # Inside the first macro's body (a comment after a macro only changes the file, and
    # partial parsing re-parses the callers of a macro whose own text changed).
    sed -i "0,/%}/s//%}{# edit $r #}/" "$proj/$edit_macro"; run_step parse_edit_macro parse
    # The project file (a var's value) and --vars: inputs of every node, so a full re-parse
    # (dbt's is_partial_parsable does the same), with the manifest still partly copied.
    sed -i '/^vars: # bench edit/,$d' "$proj/dbt_project.yml"; printf 'vars: # bench edit\n  bench_edit: %s\n' "$r" >> "$proj/dbt_project.yml"
    run_step parse_edit_project parse
    run_step parse_edit_vars parse --vars "{bench_cli: $r}"
    set_aside "$proj/target"
    run_step compile_cold compile
    echo "-- edit $r" >> "$proj/$edit";            run_step compile_edit_sql compile
    echo "-- edit $r." >> "$proj/$edit";           run_step compile_sel_edit compile -s "$model+"
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
  for step in $steps; do
    t=$(echo ${T[$step]} | tr ' ' '\n' | median)
    m=$(echo ${M[$step]} | tr ' ' '\n' | median)
    c=$(echo ${C[$step]} | tr ' ' '\n' | median)
    if [ "$FLOOR" = 1 ]; then
      printf "| %s | %s | %s | %.2f | %.2f | %.0f | %.2f | %.2f | %.2f | %.2f | %s |\n" "$shape" "$n" "$step" "$t" "$c" "$(echo "$m/1024" | bc -l)" "$fl" "$flc" "$(echo "$fl/$t" | bc -l)" "$(echo "$flc/$c" | bc -l)" "$ld"
    else
      printf "| %s | %s | %s | %.2f | %.2f | %.0f | not run | | | | %s |\n" "$shape" "$n" "$step" "$t" "$c" "$(echo "$m/1024" | bc -l)" "$ld"
    fi
  done
  unset T M C
done
done
