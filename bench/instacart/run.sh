#!/usr/bin/env bash
# The Instacart pipeline benchmark. On one generated dataset (CSV), in one loop so every
# side sees the same machine load, RUNS times (most important first, for RUNS=1 at full scale):
#   1. the whole pipeline:      gdbt build (fresh target/): seeds, models, training, scoring,
#                               evaluation, marts, tests
#   2. pandas + scikit-learn:   bench/instacart/reference.py (same features, same regression)
#   3. feature SQL under gdbt:  gdbt run --exclude instacart_model+ (second copy, fresh target/)
#   4. the same SQL directly:   bench/cmd/sqlreplay on step 3's run_results (one DuckDB
#                               connection, CREATE OR REPLACE TABLE/VIEW in the order gdbt ran
#                               them); steps 3 and 4 swap places every other run
# then, with PAIRS=K, the overhead measured on its own: one untimed feature run and replay
# (so no pair follows pandas' exit), then K pairs of steps 3 and 4 with nothing between them,
# gdbt first in odd pairs and the replay first in even ones (pair_gdbt, pair_direct);
# each step starting with the data files in the page cache,
# each with GNU time (wall, peak RSS, CPU) and the load average. Then, on the last build's
# database: the training table exported to CSV and fitted by scikit-learn (optimum objective,
# validation AUC) against gdbt's Newton history and AUC, and the model retrained with
# the first-order solver (GD_SOLVER) for its history. Raw results go to $WORK/results; summarize.py
# prints the tables.
#
# usage: bench/instacart/run.sh
# env:   USERS=3000 (full scale: 206209)  RUNS=3  WORK=/tmp/gdbt-bench-instacart
#        GDBT=/tmp/gdbt-bench  CATALOG=/work/shared/data/instacart (real products/aisles/
#        departments if present)  LITERAL_LOCATION=0 (1 writes the data folder literally into
#        the copy's sources.yml external_location, for old builds whose compiler did not render
#        Jinja there; 0 passes it only through --vars)  COMPARE=1 (default below 20,000
#        users: check reference.py's features equal gdbt's fct_reorder_training_data)
#        GD_SOLVER=lbfgs (the first-order solver of the retraining: lbfgs or gradient_descent)
#        GD_MAX_ITER=100 (scans for that retraining)
#        PAIRS=0 (K > 0: the overhead pairs above; RUNS=0 PAIRS=K runs only them, and no training)
#        NODECPU=0 (1: each pair's gdbt run sampled by nodecpu.py, for every node's CPU beside
#        the replay's; its own CPU is taken off gdbt's)
#        DROP_CACHES=1 (as root: drop the kernel's clean caches before each timed step, so
#        every step starts with free memory; 0 leaves them)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
USERS=${USERS:-3000}
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/gdbt-bench-instacart}
GDBT=${GDBT:-/tmp/gdbt-bench}
CATALOG=${CATALOG:-/work/shared/data/instacart}
LITERAL_LOCATION=${LITERAL_LOCATION:-0}
GD_MAX_ITER=${GD_MAX_ITER:-100}
GD_SOLVER=${GD_SOLVER:-lbfgs}
PAIRS=${PAIRS:-0}
NODECPU=${NODECPU:-0}
DROP_CACHES=${DROP_CACHES:-1}
COMPARE=${COMPARE:-$([ "$USERS" -le 20000 ] && echo 1 || echo 0)}
# The Python with pandas and scikit-learn (on Debian, /usr/bin/python3 when a pyenv python3
# comes first on PATH).
PY=${PY:-}
if [ -z "$PY" ]; then
  for c in python3 /usr/bin/python3; do
    if "$c" -c "import pandas, sklearn" 2>/dev/null; then PY=$c; break; fi
  done
fi
[ -n "$PY" ] || { echo "needs python3 with pandas and scikit-learn: apt-get install -y python3-pandas python3-sklearn" >&2; exit 1; }
data=$WORK/data-u$USERS
proj=$WORK/proj
res=$WORK/results-u$USERS
mkdir -p "$WORK/bin" "$res"
[ -x "$GDBT" ] || (cd "$repo" && go build -o "$GDBT" ./cmd/gdbt)
(cd "$repo" && go build -o "$WORK/bin/sqlreplay" ./bench/cmd/sqlreplay && go build -o "$WORK/bin/duckq" ./bench/cmd/duckq && go build -o "$WORK/bin/instacart-gen" ./cmd/instacart-gen)
if [ ! -f "$data/orders.csv" ]; then
  cat_flag=()
  [ -f "$CATALOG/products.csv" ] && cat_flag=(--catalog "$CATALOG")
  "$WORK/bin/instacart-gen" --out "$data" --users "$USERS" --seed 1 "${cat_flag[@]}" > "$res/generate.txt" 2>&1
fi

# A copy of the project, so the benchmark never writes into the checkout. The model's solver,
# iteration cap and warm start become vars (defaults unchanged) so step 6 can retrain with the
# first-order solver (the warm start is Newton's only).
rm -rf "$proj"; mkdir -p "$proj"
cp -r "$repo/project.yaml" "$repo/models" "$repo/macros" "$repo/seeds" "$repo/tests" "$proj/"
if [ "$LITERAL_LOCATION" = 1 ]; then
  sed -i "s|external_location: .*|external_location: \"$data/{name}.csv\"|" "$proj/models/staging/sources.yml"
fi
sed -i "s|solver='newton'|solver=var('bench_solver', 'newton')|; s|max_iter=25|max_iter=var('bench_max_iter', 25)|; s|warm_start_fraction=\([0-9.]*\)|warm_start_fraction=var('bench_warm_start', \1)|" "$proj/models/ml/instacart_model.sql"
# A second copy runs the feature models alone, so the build's database stays for step 5.
projf=$WORK/proj-features
rm -rf "$projf"; cp -r "$proj" "$projf"
vars="{instacart_raw_dir: $data, instacart_raw_ext: csv}"

# cpu_ticks prints the machine's busy and steal clock ticks so far (/proc/stat, all CPUs):
# busy = user + nice + system + irq + softirq + steal.
cpu_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9, $9}' /proc/stat; }

# timed NAME DIR CMD...: runs CMD in DIR under GNU time, appends "name run load exit wall_s
# rss_kb cpu_s others_cpu_s steal_s" to times.tsv ("-" for the three GNU time fields when
# the command was killed). others_cpu_s is the CPU the rest of the machine used meanwhile
# (all busy time minus the command's own) and steal_s the time the hypervisor gave to other
# guests: both say whether the step had the cores to itself.
timed() {
  local name=$1 dir=$2; shift 2
  # Every step starts with the CSV files in the page cache: pandas' 15 GB can push them out,
  # and the step after it would then pay alone for reading them from disk. Before that, when
  # run as root, the kernel's clean caches are dropped (DROP_CACHES=1, the default): on a
  # machine whose memory is full of page cache and slab (other builds' files, a large rm),
  # pandas' 15 GB of allocations went through direct reclaim and took 170 s instead of 83
  # (2026-12-05 20:48), while gdbt's 3 GB did not notice.
  if [ "$DROP_CACHES" = 1 ] && [ -w /proc/sys/vm/drop_caches ]; then
    sync; echo 3 > /proc/sys/vm/drop_caches
  fi
  cat "$data"/*.csv > /dev/null
  local load; load=$(awk '{print $1}' /proc/loadavg)
  local t0; t0=$(cpu_ticks)
  set +e
  ( cd "$dir" && /usr/bin/time -f "__TIME__ %e %M %U %S" "$@" ) > "$res/$name.$r.out" 2> "$res/$name.$r.err"
  local code=$?
  set -e
  local t1; t1=$(cpu_ticks)
  local tm; tm=$(awk '/__TIME__/{print $2, $3, $4 + $5}' "$res/$name.$r.err")
  [ -n "$tm" ] || tm="- - -"
  local hz; hz=$(getconf CLK_TCK)
  local extra; extra=$(echo "$t0 $t1 $tm $hz" | awk '{busy = ($3 - $1) / $8; cpu = ($7 == "-") ? 0 : $7; printf "%.1f %.1f", busy - cpu, ($4 - $2) / $8}')
  echo "$name $r $load $code $tm $extra" >> "$res/times.tsv"
}

# features_step [NAME [PREFIX]]: the feature models under gdbt, from a fresh target/ (its
# run_results.json kept as PREFIX_run_results.RUN.json); direct_step [NAME]: the same
# statements replayed from the last feature run's target/.
features_step() {
  local name=${1:-gdbt_features} keep=${2:-features}
  rm -rf "$projf/target" "$projf/logs"
  local wrap=()
  # NODECPU=1: a pair's gdbt run under nodecpu.py, which samples its CPU for per-node figures.
  [ "$NODECPU" = 1 ] && [ "$name" = pair_gdbt ] && wrap=("$PY" "$here/nodecpu.py" "$res/pair_cpu.$r.tsv" --)
  timed "$name" "$projf" "${wrap[@]}" "$GDBT" run --exclude "instacart_model+" --vars "$vars"
  cp "$projf/target/run_results.json" "$res/${keep}_run_results.$r.json" || true
}
direct_step() {
  timed "${1:-direct_sql}" "$projf" "$WORK/bin/sqlreplay" --target "$projf/target" --db "$WORK/direct/gdbt.duckdb" --per-node --dump "$res/direct.sql"
}

# A previous invocation's per-run files would otherwise be summarized with this one's (with
# RUNS=0, say, its builds' run_results); the generator's log stays with the data it describes.
find "$res" -maxdepth 1 -type f ! -name generate.txt -delete
{ echo "date $(date -u +%FT%TZ)"; echo "nproc $(nproc)"; free -g | awk '/Mem:/{print "mem_gb "$2}'; echo "users $USERS"; echo "gdbt $("$GDBT" --version)"; "$PY" -c "import pandas, sklearn; print('pandas', pandas.__version__); print('sklearn', sklearn.__version__)"; } > "$res/machine.txt"
: > "$res/times.tsv"
for r in $(seq "$RUNS"); do
  rm -rf "$proj/target" "$proj/logs"
  timed gdbt_build "$proj" "$GDBT" build --vars "$vars"
  cp "$proj/target/run_results.json" "$res/build_run_results.$r.json" || true
  timed pandas_sklearn "$here" "$PY" reference.py "$data" --ext csv
  # Steps 3 and 4 swap places every other run (run 2 replays run 1's statements, the same
  # SQL), so neither always follows pandas' 15 GB exit nor always comes second.
  if [ $((r % 2)) = 1 ]; then
    features_step; direct_step
  else
    direct_step; features_step
  fi
done

# The overhead pairs: after an untimed feature run and replay, which leave the machine in the
# state the steps reach in the pairs (its memory back from pandas' 15 GB, DuckDB's files and
# the binaries read), so the first pair does not pay for what the loop above did. Nothing
# else runs between the steps of a pair.
if [ "$PAIRS" -gt 0 ]; then
  rm -rf "$projf/target" "$projf/logs"
  (cd "$projf" && "$GDBT" run --exclude "instacart_model+" --vars "$vars") > "$res/pairs_warmup.out" 2>&1
  "$WORK/bin/sqlreplay" --target "$projf/target" --db "$WORK/direct/gdbt.duckdb" >> "$res/pairs_warmup.out" 2>&1
  for r in $(seq "$PAIRS"); do
    if [ $((r % 2)) = 1 ]; then
      features_step pair_gdbt pair; direct_step pair_direct
    else
      direct_step pair_direct; features_step pair_gdbt pair
    fi
  done
fi
if [ "$RUNS" -lt 1 ]; then
  "$PY" "$here/summarize.py" "$res"
  exit 0
fi

# Training, on the last build's database.
r=train
db=$proj/target/gdbt.duckdb
"$WORK/bin/duckq" --db "$db" "select * from main.instacart_model__history order by iteration" > "$res/history_newton.tsv" || true
"$WORK/bin/duckq" --db "$db" "select * from main.eval_metrics" > "$res/eval_metrics.tsv" || true
"$WORK/bin/duckq" --db "$db" \
  "copy (select * from main.instacart_training_input) to '$res/train.csv' (header)" \
  "copy (select * from main.fct_reorder_training_data where split = 'validation') to '$res/valid.csv' (header)" > /dev/null || true
timed sklearn_fit "$here" "$PY" reference.py --fit "$res/train.csv" "$res/valid.csv" --l2 1.0
timed gdbt_gd "$proj" "$GDBT" run --select "instacart_model+" --vars "{instacart_raw_dir: $data, instacart_raw_ext: csv, bench_solver: $GD_SOLVER, bench_max_iter: $GD_MAX_ITER, bench_warm_start: 0}"
echo "$GD_SOLVER" > "$res/gd_solver.txt"
"$WORK/bin/duckq" --db "$db" "select * from main.instacart_model__history order by iteration" > "$res/history_gd.tsv" || true
"$WORK/bin/duckq" --db "$db" "select * from main.eval_metrics" > "$res/eval_metrics_gd.tsv" || true
if [ "$COMPARE" = 1 ]; then
  "$WORK/bin/duckq" --db "$db" "copy (select * from main.fct_reorder_training_data) to '$res/training_data.csv' (header)" > /dev/null || true
  "$PY" "$here/compare_features.py" "$data" "$res/training_data.csv" > "$res/compare_features.txt" 2>&1 || true
  rm -f "$res/training_data.csv"
fi
rm -f "$res/train.csv" "$res/valid.csv"
"$PY" "$here/summarize.py" "$res"
