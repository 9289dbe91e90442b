#!/usr/bin/env bash
# fct_user_product_features with up_streak computed two ways, the statement alone:
#   mask:   DuckDB's bit mask of the recent orders holding the product (the duckdb__ macros of
#           macros/recent_streak.sql: what the project runs on DuckDB)
#   window: the portable row_number() over every prior line (the default__ macros: what it
#           runs on PostgreSQL and Snowflake), compiled by removing the duckdb__ macros
# Both versions' output is first checked equal (EXCEPT both ways, row counts). Then PAIRS
# alternated pairs (the window first in odd pairs, the mask first in even ones), each a
# CREATE TABLE … AS of the model's compiled SQL on a fresh copy of a database holding its
# inputs, under GNU time (wall, CPU user+sys, peak RSS), with DuckDB's default settings.
#
# usage: bench/instacart/streak.sh DB    (a gdbt.duckdb that run.sh built, with
#                                         fct_order_products and dim_orders in it)
# env:   PAIRS=4  WORK=/tmp/gdbt-bench-streak  GDBT=/tmp/gdbt-bench  CHECK=1
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src=${1:?usage: bench/instacart/streak.sh path/to/gdbt.duckdb}
PAIRS=${PAIRS:-4}
WORK=${WORK:-/tmp/gdbt-bench-streak}
GDBT=${GDBT:-/tmp/gdbt-bench}
CHECK=${CHECK:-1}
mkdir -p "$WORK/bin" "$WORK/db"
[ -x "$GDBT" ] || (cd "$repo" && go build -o "$GDBT" ./cmd/gdbt)
(cd "$repo" && go build -o "$WORK/bin/duckq" ./bench/cmd/duckq)

# The two compiled statements.
for v in mask window; do
  rm -rf "$WORK/p-$v"; mkdir -p "$WORK/p-$v"
  cp -r "$repo/project.yaml" "$repo/models" "$repo/macros" "$repo/seeds" "$repo/tests" "$WORK/p-$v/"
  if [ "$v" = window ]; then
    # adapter.dispatch falls back to default__ when no duckdb__ macro exists.
    perl -0pi -e 's/\{% macro duckdb__.*?\{%- endmacro %\}//gs' "$WORK/p-$v/macros/recent_streak.sql"
  fi
  (cd "$WORK/p-$v" && "$GDBT" compile --select fct_user_product_features > "$WORK/compile-$v.out" 2>&1)
  cp "$WORK/p-$v/target/compiled/instacart/models/features/fct_user_product_features.sql" "$WORK/$v.sql"
done
grep -q bit_or "$WORK/mask.sql" && ! grep -q row_number "$WORK/mask.sql" || { echo "streak.sh: the mask version has no bit_or (or a row_number)" >&2; exit 1; }
grep -q row_number "$WORK/window.sql" && ! grep -q bit_or "$WORK/window.sql" || { echo "streak.sh: the window version has no row_number (or a bit_or)" >&2; exit 1; }

fresh() { rm -f "$WORK/db/gdbt.duckdb" "$WORK/db/gdbt.duckdb.wal"; cp "$src" "$WORK/db/gdbt.duckdb"; }

if [ "$CHECK" = 1 ]; then
  fresh
  "$WORK/bin/duckq" --db "$WORK/db/gdbt.duckdb" \
    "create table main.upf_mask as ($(cat "$WORK/mask.sql"))" \
    "create table main.upf_window as ($(cat "$WORK/window.sql"))" \
    "select (select count(*) from main.upf_mask) as mask_rows, (select count(*) from main.upf_window) as window_rows,
            (select count(*) from (select * from main.upf_mask except all select * from main.upf_window)) as only_mask,
            (select count(*) from (select * from main.upf_window except all select * from main.upf_mask)) as only_window" \
    | sed -n '/^mask_rows/,$p' > "$WORK/check.tsv"
  cat "$WORK/check.tsv"
  awk 'NR == 2 { ok = ($1 == $2 && $3 == 0 && $4 == 0) } END { exit !ok }' "$WORK/check.tsv" || { echo "streak.sh: the two versions differ" >&2; exit 1; }
fi

: > "$WORK/streak.tsv"
one() { # VERSION PAIR
  fresh
  cat "$WORK/db/gdbt.duckdb" > /dev/null
  local load; load=$(awk '{print $1}' /proc/loadavg)
  /usr/bin/time -f "__TIME__ %e %U %S %M" "$WORK/bin/duckq" --db "$WORK/db/gdbt.duckdb" \
    "create table main.upf_t as ($(cat "$WORK/$1.sql"))" > /dev/null 2> "$WORK/$1.$2.err"
  awk -v v="$1" -v p="$2" -v l="$load" '/__TIME__/{printf "%s\t%s\t%.2f\t%.2f\t%.0f\t%s\n", v, p, $2, $3 + $4, $5 / 1024, l}' "$WORK/$1.$2.err" >> "$WORK/streak.tsv"
}
for p in $(seq "$PAIRS"); do
  if [ $((p % 2)) = 1 ]; then one window "$p"; one mask "$p"; else one mask "$p"; one window "$p"; fi
done

# Per pair and the medians.
python3 - "$WORK/streak.tsv" <<'EOF'
import statistics, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().splitlines()]
by = {}
for v, p, wall, cpu, rss, load in rows:
    by.setdefault(p, {})[v] = (float(wall), float(cpu), float(rss), load)
print("| pair | first | window wall s | window CPU s | window peak MB | mask wall s | mask CPU s | mask peak MB | mask / window CPU | load avg at starts |")
print("|---|---|---|---|---|---|---|---|---|---|")
ratios, peaks = [], []
for p in sorted(by, key=int):
    w, m = by[p].get("window"), by[p].get("mask")
    if not (w and m):
        continue
    ratios.append(m[1] / w[1]); peaks.append(m[2] - w[2])
    print(f"| {p} | {'window' if int(p) % 2 else 'mask'} | {w[0]:.2f} | {w[1]:.2f} | {w[2]:.0f} | {m[0]:.2f} | {m[1]:.2f} | {m[2]:.0f} | {m[1] / w[1]:.3f} | {w[3]}, {m[3]} |")
if ratios:
    med = lambda xs: statistics.median(xs)
    print(f"\nmask / window CPU: min {min(ratios):.3f}, median {med(ratios):.3f}, max {max(ratios):.3f}; "
          f"mask peak - window peak: median {med(peaks):+.0f} MB ({len(ratios)} pairs)")
EOF
