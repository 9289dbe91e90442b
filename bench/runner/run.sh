#!/usr/bin/env bash
# Runner-overhead benchmark: N trivial models (views and 10-row tables, bench/projgen
# --kind trivial) built by `gdbt run --threads T` into a fresh DuckDB file, minus the
# warehouse's own time for the same statements replayed directly on one DuckDB connection
# (bench/cmd/sqlreplay: CREATE OR REPLACE VIEW/TABLE over the compiled code gdbt ran, in
# dependency order), divided by N. Median of RUNS runs; gdbt and the replay alternate in the
# same loop so both see the same machine load. The CPU columns (user+sys of each process:
# gdbt's minus the replay's, which also opens DuckDB) estimate the same overhead without the
# wait for a core that dominates wall time on a shared machine.
#
# usage: bench/runner/run.sh [THREADS...]   (default: 1 4 8)
# env:   N=1000 RUNS=3 GDBT=/tmp/gdbt-bench WORK=/tmp/gdbt-bench-runner
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
N=${N:-1000}
RUNS=${RUNS:-3}
GDBT=${GDBT:-/tmp/gdbt-bench}
WORK=${WORK:-/tmp/gdbt-bench-runner}
threads=("$@")
[ ${#threads[@]} -eq 0 ] && threads=(1 4 8)
[ -x "$GDBT" ] || (cd "$repo" && go build -o "$GDBT" ./cmd/gdbt)
REPLAY=$WORK/sqlreplay
mkdir -p "$WORK"
# Each run starts without target/; the old one is moved aside rather than deleted, since on
# this machine's journal-less ext4 files created right after a mass deletion pay a scan for
# recently freed inodes (bench/README.md section 1, session 2). Deleted when the script ends.
trash="$WORK/.trash"
rm -rf "$trash"; mkdir -p "$trash"
trap 'rm -rf "$trash"' EXIT
set_aside() { [ -d "$1" ] && mv "$1" "$trash/$(date +%s%N)" || true; }
(cd "$repo" && go build -o "$REPLAY" ./bench/cmd/sqlreplay)
proj=$WORK/t$N
[ -f "$proj/dbt_project.yml" ] || (cd "$repo" && go run ./bench/cmd/projgen --kind trivial --models "$N" --out "$proj" >/dev/null)
median() { sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }

printf "# %s  nproc=%s  mem=%s  models=%s  runs=%s\n" "$(date -u +%FT%TZ)" "$(nproc)" "$(free -g | awk '/Mem:/{print $2"G"}')" "$N" "$RUNS"
printf "| threads | gdbt wall s | gdbt run_results elapsed s | gdbt CPU s | gdbt peak MB | warehouse (replay) s | replay process CPU s | overhead ms/model (wall) | overhead ms/model (CPU) | load avg |\n|---|---|---|---|---|---|---|---|---|---|\n"
for t in "${threads[@]}"; do
  W=() E=() M=() R=() O=() L=() C=() RC=() OC=()
  for r in $(seq "$RUNS"); do
    L+=("$(awk '{print $1}' /proc/loadavg)")
    set_aside "$proj/target"
    out=$(cd "$proj" && /usr/bin/time -f "__TIME__ %e %M %U %S" "$GDBT" run --threads "$t" 2>&1 >/dev/null) || { echo "$out" >&2; exit 1; }
    read -r w m c < <(echo "$out" | awk '/__TIME__/{print $2, $3, $4 + $5}')
    e=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['elapsed_time'])" "$proj/target/run_results.json")
    rout=$(/usr/bin/time -f "__TIME__ %e %U %S" "$REPLAY" --target "$proj/target" --db "$WORK/replay/bench.duckdb" 2>&1)
    rep=$(echo "$rout" | awk '/__TIME__/{print $2}')
    rc=$(echo "$rout" | awk '/__TIME__/{print $3 + $4}')
    W+=("$w"); E+=("$e"); M+=("$m"); R+=("$rep"); C+=("$c"); RC+=("$rc")
    O+=("$(echo "($w - $rep) * 1000 / $N" | bc -l)")
    OC+=("$(echo "($c - $rc) * 1000 / $N" | bc -l)")
  done
  printf "| %s | %.2f | %.2f | %.2f | %.0f | %.3f | %.2f | %.2f | %.2f | %s |\n" "$t" \
    "$(printf "%s\n" "${W[@]}" | median)" "$(printf "%s\n" "${E[@]}" | median)" "$(printf "%s\n" "${C[@]}" | median)" \
    "$(echo "$(printf "%s\n" "${M[@]}" | median)/1024" | bc -l)" "$(printf "%s\n" "${R[@]}" | median)" "$(printf "%s\n" "${RC[@]}" | median)" \
    "$(printf "%s\n" "${O[@]}" | median)" "$(printf "%s\n" "${OC[@]}" | median)" "$(printf "%s\n" "${L[@]}" | median)"
done
