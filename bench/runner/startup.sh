#!/usr/bin/env bash
# Runner startup benchmark (issue 18): how long `gdbt run -s <one model>` takes, on a large
# project with a warm parse state, from the process's start to sending that model's first
# statement, and where the time goes before it. The project is projgen's layered shape;
# `gdbt parse` runs first so the state is warm, then each run is
#   gdbt run -s <model> --debug --log-format json
# whose JSON events carry microsecond timestamps: the script prints, in ms after the
# process started, the end of the load ("loaded project"), the end of the manifest write
# and selection ("Running with"), the node's start (NodeStart) and its first statement
# (SQLQuery), with the process's wall, CPU (user+sys) and peak RSS. Medians of RUNS.
# The model is a staging model: its source tables do not exist in the empty DuckDB file, so
# its statement fails; what is timed is the statement being sent.
#
# usage: bench/runner/startup.sh [MODELS]     (default: 10000)
# env:   RUNS=3 GDBT=/tmp/gdbt-bench WORK=/tmp/gdbt-bench-startup
#        MODEL=stg_sys0__table_0_v0
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
N=${1:-10000}
RUNS=${RUNS:-3}
GDBT=${GDBT:-/tmp/gdbt-bench}
WORK=${WORK:-/tmp/gdbt-bench-startup}
MODEL=${MODEL:-stg_sys0__table_0_v0}
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 1; }
[ -x "$GDBT" ] || (cd "$repo" && go build -o "$GDBT" ./cmd/gdbt)
proj="$WORK/layered-$N"
if [ ! -f "$proj/dbt_project.yml" ]; then
  mkdir -p "$WORK"
  (cd "$repo" && go run ./bench/cmd/projgen --out "$proj" --models "$N" --kind layered >/dev/null)
fi
cd "$proj"
"$GDBT" parse >/dev/null # the warm state
printf "# %s  %s  models=%s  runs=%s  model=%s\n" "$(date -u +%FT%TZ)" "$("$GDBT" --version | head -1)" "$N" "$RUNS" "$MODEL"
rows=()
for r in $(seq "$RUNS"); do
  load=$(awk '{print $1}' /proc/loadavg)
  start=$(date +%s.%N)
  /usr/bin/time -o "$WORK/time" -f "%e %U %S %M" "$GDBT" run -s "$MODEL" --debug --log-format json >"$WORK/events.json" 2>/dev/null || true
  rows+=("$(python3 - "$start" "$WORK/events.json" "$WORK/time" "$load" <<'EOF'
import datetime, json, sys
start = float(sys.argv[1])
marks = {}
for line in open(sys.argv[2]):
    try:
        info = json.loads(line)["info"]
    except (ValueError, KeyError):
        continue
    ts = datetime.datetime.fromisoformat(info["ts"].replace("Z", "+00:00")).timestamp()
    name, msg = info.get("name"), info.get("msg", "")
    key = None
    if name == "Note" and msg.startswith("loaded project"):
        key = "loaded"
    elif name == "MainReportVersion":
        key = "running"
    elif name in ("NodeStart", "SQLQuery"):
        key = name
    if key and key not in marks:
        marks[key] = (ts - start) * 1000
wall, user, sys_, rss = open(sys.argv[3]).read().split()[-4:]
cols = [marks.get(k, float("nan")) for k in ("loaded", "running", "NodeStart", "SQLQuery")]
print(" ".join(f"{c:.0f}" for c in cols), wall, f"{float(user) + float(sys_):.2f}", f"{int(rss) / 1024:.0f}", sys.argv[4])
EOF
)")
done
median() { sort -g | awk '{a[NR]=$1} END{ if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }
printf "| loaded ms | manifest+selection done ms | NodeStart ms | first SQL ms | wall s | CPU s | peak MB | load avg |\n|---|---|---|---|---|---|---|---|\n"
for row in "${rows[@]}"; do echo "$row"; done | awk '{printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8}'
line="| median"
for i in 1 2 3 4 5 6 7; do line+=" | $(for row in "${rows[@]}"; do echo "$row"; done | awk -v c=$i '{print $c}' | median)"; done
echo "$line | |"
