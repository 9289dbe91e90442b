#!/usr/bin/env bash
# Compatibility harness: builds public dbt projects unchanged with gdbt, as their own CI
# does, and prints one README table row per project (project, commit, engine, nodes,
# PASS/ERROR, what is left).
#
# usage: GDBT_COMPAT_DIR=/path/to/checkouts scripts/compat.sh [PROJECT...]
#   GDBT_COMPAT_DIR holds checkouts named as their repositories: jaffle-shop, dbt-date,
#   dbt-expectations, dbt-project-evaluator, dbt-codegen, dbt_artifacts, dbt-profiler,
#   dbt-audit-helper, dbt-utils. A project whose checkout is missing is skipped with a note.
#   PROJECT names one of the rows below (default: all).
# env:  GDBT=/tmp/gdbt-compat-bin (built from ./cmd/gdbt if missing)  WORK=/tmp/gdbt-compat
#       GDBT_PG_URL (from scripts/pg-test-server.sh --export) adds the PostgreSQL rows.
# With GDBT_HUB_MIRRORS (see "The loopback hub" below) every project runs `gdbt deps`
# against a hub served on loopback from git repositories of the hub packages. Without it, a
# project whose packages.yml resolves offline (local: packages only) runs `gdbt deps`, and
# for the others packages are placed under dbt_packages/ by hand from the checkouts, as
# `dbt deps` would. Nothing is fetched from the network.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
: "${GDBT_COMPAT_DIR:?set GDBT_COMPAT_DIR to a folder of checkouts (see the header of this script)}"
GDBT=${GDBT:-/tmp/gdbt-compat-bin}
WORK=${WORK:-/tmp/gdbt-compat}
[ -f "$GDBT" ] && [ -x "$GDBT" ] || (cd "$repo" && go build -o "$GDBT" ./cmd/gdbt) || exit 1
mkdir -p "$WORK"

# copy SRC DST: the checkout without .git and earlier build outputs.
copy() {
  rm -rf "$2"; mkdir -p "$2"
  (cd "$1" && tar --exclude=.git --exclude=./target --exclude=dbt_packages --exclude=logs -cf - .) | (cd "$2" && tar -xf -)
}

# place PROJDIR CHECKOUT...: installs each checkout as a package of PROJDIR, under the name
# its dbt_project.yml gives (what dbt deps does).
place() {
  local proj=$1; shift
  mkdir -p "$proj/dbt_packages"
  for src in "$@"; do
    [ -d "$src" ] || { echo "missing package checkout $src" >&2; return 1; }
    local name
    name=$(sed -n 's/^name:[[:space:]]*["'\'']\{0,1\}\([A-Za-z0-9_]*\).*/\1/p' "$src/dbt_project.yml" | head -1)
    rm -rf "$proj/dbt_packages/$name"; mkdir -p "$proj/dbt_packages/$name"
    (cd "$src" && tar --exclude=.git --exclude=./integration_tests --exclude=./integration_test_project \
      --exclude=./integration_tests_2 --exclude=./integration_tests_sl --exclude=dbt_packages --exclude=./target -cf - .) | (cd "$proj/dbt_packages/$name" && tar -xf -)
  done
}

# summary DIR: "nodes PASS ERROR SKIP WARN" from target/run_results.json.
summary() {
  python3 - "$1/target/run_results.json" <<'PY'
import json, sys, collections
try:
    r = json.load(open(sys.argv[1]))["results"]
except Exception:
    print("0 0 0 0 0 -"); sys.exit()
c = collections.Counter(x["status"] for x in r)
bad = sorted(x["unique_id"] for x in r if x["status"] not in ("success", "pass"))
# a microbatch model with failed batches is dbt's "partial success": an error in the summary
print(len(r), c["success"] + c["pass"], c["error"] + c["fail"] + c["partial success"], c["skipped"], c["warn"], ",".join(bad[:6]) or "-")
PY
}

# first_error LOG: the first error message of a log (a load error, else the first node's),
# without timestamps, cut to one short line for the table.
first_error() {
  python3 - "$1" <<'PY'
import re, sys
lines = [re.sub(r"^\d\d:\d\d:\d\d  ", "", l.rstrip("\n")) for l in open(sys.argv[1], errors="replace")]
msg = ""
for i, l in enumerate(lines):
    if re.match(r"^(Runtime|Compilation|Database) Error in ", l) or re.match(r"^(Failure|Partial success) in ", l):
        msg = l + ": " + (lines[i + 1].strip() if i + 1 < len(lines) else "")
        break
if not msg:
    for l in lines:
        if re.match(r"^[\w./-]+:\d+:\d+: ", l) and "warning" not in l[:40]:
            msg = l
            break
print(msg.replace("|", "\\|")[:220] or "-")
PY
}

# row NAME SRC SUBDIR ENGINE PKGS... -- CMDS: builds one project on one engine, prints one row.
# duckdb: a profiles.yml written here gives the project's profile a DuckDB target (most of
# these projects' own profiles name only warehouses); postgres: the project's own
# profiles.yml, its postgres target, with POSTGRES_* set from GDBT_PG_URL and a fresh schema.
row() {
  local name=$1 src=$2 sub=$3 engine=$4; shift 4
  local pkgs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do pkgs+=("$1"); shift; done
  shift
  if [ ! -d "$src" ]; then echo "| $name | - | $engine | - | skipped: no checkout at $src | |"; return; fi
  if [ "$engine" = postgres ] && [ -z "${GDBT_PG_URL:-}" ]; then echo "| $name | - | postgres | - | skipped: GDBT_PG_URL not set | |"; return; fi
  local commit; commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo "?")
  local w="$WORK/${name//\//-}-$engine"
  copy "$src" "$w"
  local dir="$w/$sub"
  # With the loopback hub running, every project installs its packages with gdbt deps.
  [ -n "${DBT_PACKAGE_HUB_URL:-}" ] && pkgs=(deps)
  if [ "${pkgs[0]:-}" != deps ]; then
    place "$dir" "${pkgs[@]}" || { echo "| $name | $commit | $engine | - | harness: package missing | |"; return; }
  fi
  [ -n "${PREPARE:-}" ] && (cd "$dir" && eval "$PREPARE")
  local flags
  if [ "$engine" = duckdb ]; then
    local prof
    prof=$(sed -n 's/^profile:[[:space:]]*["'\'']\{0,1\}\([A-Za-z0-9_]*\).*/\1/p' "$dir/dbt_project.yml" | head -1)
    mkdir -p "$w/profiles"
    printf '%s:\n  target: duckdb\n  outputs:\n    duckdb:\n      type: duckdb\n      path: %s\n      threads: 4\n' "${prof:-default}" "$w/gdbt.duckdb" >"$w/profiles/profiles.yml"
    flags="--profiles-dir $w/profiles"
  else
    local schema="gdbt_compat_${name//-/_}_$$"
    eval "$(python3 - "$GDBT_PG_URL" "$schema" <<'PY'
import sys, urllib.parse as u
x = u.urlparse(sys.argv[1])
for k, v in {"POSTGRES_HOST": x.hostname, "POSTGRES_PORT": x.port or 5432, "POSTGRES_USER": x.username,
             "DBT_ENV_SECRET_POSTGRES_PASS": u.unquote(x.password or ""), "POSTGRES_DATABASE": x.path.lstrip("/"),
             "POSTGRES_SCHEMA": sys.argv[2]}.items():
    print(f"export {k}='{v}'")
PY
)"
    flags="--profiles-dir . -t postgres"
    if [ -n "${OWN_PROFILE:-}" ]; then
      # the project's postgres target names a fixed CI host and login: a profile of the same
      # name pointing at GDBT_PG_URL replaces it.
      local prof
      prof=$(sed -n 's/^profile:[[:space:]]*["'\'']\{0,1\}\([A-Za-z0-9_]*\).*/\1/p' "$dir/dbt_project.yml" | head -1)
      mkdir -p "$w/profiles"
      printf '%s:\n  target: postgres\n  outputs:\n    postgres:\n      type: postgres\n      host: "{{ env_var(%s) }}"\n      port: "{{ env_var(%s) | int }}"\n      user: "{{ env_var(%s) }}"\n      password: "{{ env_var(%s) }}"\n      dbname: "{{ env_var(%s) }}"\n      schema: "{{ env_var(%s) }}"\n      threads: 4\n' \
        "${prof:-default}" "'POSTGRES_HOST'" "'POSTGRES_PORT'" "'POSTGRES_USER'" "'DBT_ENV_SECRET_POSTGRES_PASS'" "'POSTGRES_DATABASE'" "'POSTGRES_SCHEMA'" >"$w/profiles/profiles.yml"
      flags="--profiles-dir $w/profiles -t postgres"
    fi
  fi
  local log="$w.log" code=0
  : >"$log"
  # "deps" as the package list: the project's packages all resolve offline (local: only),
  # so gdbt deps installs them as dbt deps would.
  [ "${pkgs[0]:-}" = deps ] && set -- deps "$@"
  # nodes/ok/failed/skipped add up over the commands (seed, run, test each write their own
  # run_results.json); deps and run-operation write none of their nodes.
  local nodes=0 pass=0 err=0 skip=0 warn=0 n p e s wn
  for cmd in "$@"; do
    echo "+ gdbt $cmd $flags" >>"$log"
    rm -f "$dir/target/run_results.json"
    (cd "$dir" && eval "\"$GDBT\" $cmd $flags") >>"$log" 2>&1 || code=$?
    case "$cmd" in deps*|run-operation*|--*" run-operation"*) ;; *)
      read -r n p e s wn _ < <(summary "$dir")
      nodes=$((nodes + n)) pass=$((pass + p)) err=$((err + e)) skip=$((skip + s)) warn=$((warn + wn)) ;;
    esac
    [ "$code" = 0 ] || break
  done
  local status="PASS"
  [ "$code" != 0 ] && status="ERROR (exit $code)"
  echo "| $name | $commit | $engine | $nodes | $status: $pass ok, $err failed, $skip skipped$([ "$warn" = 0 ] || echo " ($warn warn)") | $(first_error "$log") |"
}

# The loopback hub: with GDBT_HUB_MIRRORS ("namespace/name=/path/to/repo.git,…", git
# repositories of the hub packages with their version tags) cmd/hubmirror serves dbt's hub
# API from them and every project runs `gdbt deps` against it, as its CI runs dbt deps;
# GDBT_GIT_MIRRORS ("https://github.com/x/y.git=/path/to/y.git,…") redirects git packages
# through git's url.<base>.insteadOf. Without them, packages are placed by hand (above).
if [ -n "${GDBT_HUB_MIRRORS:-}" ]; then
  HUBMIRROR=${HUBMIRROR:-$WORK/hubmirror}
  (cd "$repo" && go build -o "$HUBMIRROR" ./cmd/hubmirror) || exit 1
  # The previous run's URL file goes first (the background shell truncates it only when it
  # starts, so a loaded machine could read the old hub's URL); the hub may take seconds to
  # start on a loaded machine.
  rm -f "$WORK/hubmirror.url"
  "$HUBMIRROR" "$GDBT_HUB_MIRRORS" >"$WORK/hubmirror.url" 2>"$WORK/hubmirror.log" &
  hub_pid=$!
  trap 'kill "$hub_pid" 2>/dev/null' EXIT
  for _ in $(seq 600); do [ -s "$WORK/hubmirror.url" ] && break; kill -0 "$hub_pid" 2>/dev/null || break; sleep 0.1; done
  DBT_PACKAGE_HUB_URL=$(head -1 "$WORK/hubmirror.url")
  [ -n "$DBT_PACKAGE_HUB_URL" ] || { echo "hubmirror did not start: $(cat "$WORK/hubmirror.log")" >&2; exit 1; }
  export DBT_PACKAGE_HUB_URL
  if [ -n "${GDBT_GIT_MIRRORS:-}" ]; then
    IFS=, read -r -a gm <<<"$GDBT_GIT_MIRRORS"
    export GIT_CONFIG_COUNT=${#gm[@]}
    for i in "${!gm[@]}"; do
      export "GIT_CONFIG_KEY_$i=url.file://${gm[$i]#*=}.insteadOf" "GIT_CONFIG_VALUE_$i=${gm[$i]%%=*}"
    done
  fi
fi

X=$GDBT_COMPAT_DIR
SELECTED=("$@")
[ ${#SELECTED[@]} -eq 0 ] && SELECTED=(jaffle-shop dbt-date dbt-expectations dbt-project-evaluator dbt-codegen dbt_artifacts dbt-profiler dbt-audit-helper dbt-utils)
want() { for w in "${SELECTED[@]}"; do [ "$w" = "$1" ] && return 0; done; return 1; }
echo "| project | commit | engine | nodes | result | left |"
echo "|---|---|---|---|---|---|"
# jaffle-shop: its seeds load through the load_source_data var; raw_orders and raw_items are
# stored outside the repository (Git LFS), so small stand-ins consistent with the other seeds
# are written when missing.
want jaffle-shop && PREPARE='[ -f seeds/jaffle-data/raw_orders.csv ] || python3 "'"$here"'/compat_jaffle_data.py" seeds/jaffle-data' \
  row jaffle-shop "$X/jaffle-shop" . duckdb "$X/dbt-utils" "$X/dbt-date" "$X/dbt-audit-helper" -- \
  "seed --full-refresh --vars '{load_source_data: true}'" "build --vars '{load_source_data: true}'"
PREPARE=
# dbt-date requires dbt >= 1.10.5, which gdbt's declared 1.10.23 meets. Its CI
# (.github/workflows/ci-multiple-dbt-versions.yml: duckdb, postgres, ...; mise.toml
# test:duckdb, test:postgres) runs `dbt run` then `dbt test`.
for engine in duckdb postgres; do
  want dbt-date && row dbt-date "$X/dbt-date" integration_tests $engine deps -- run test
done
# dbt-expectations' CI (.circleci/config.yml integration-tests-core) runs `dbt build` on
# PostgreSQL and on DuckDB (and warehouses).
for engine in postgres duckdb; do
  want dbt-expectations && row dbt-expectations "$X/dbt-expectations" integration_tests $engine "$X/dbt-expectations" "$X/dbt-date" -- build
done
# dbt-project-evaluator's CI (.github/workflows/local_only.yml: duckdb and postgres;
# run_tox_tests.sh) runs `build -x --full-refresh` in integration_tests, then `seed
# --full-refresh` and `run -x --full-refresh` in integration_tests_2.
for engine in duckdb postgres; do
  want dbt-project-evaluator && row dbt-project-evaluator "$X/dbt-project-evaluator" integration_tests $engine "$X/dbt-project-evaluator" "$X/dbt-utils" "$X/dbt-project-evaluator/integration_tests/exclude_package" -- "build -x --full-refresh"
  want dbt-project-evaluator && row dbt-project-evaluator/integration_tests_2 "$X/dbt-project-evaluator" integration_tests_2 $engine "$X/dbt-project-evaluator" "$X/dbt-utils" -- "seed --full-refresh" "run -x --full-refresh"
done
# dbt-codegen's run_test.sh creates the source table its source models read first, and runs
# every command with --warn-error.
want dbt-codegen && row dbt-codegen "$X/dbt-codegen" integration_tests postgres "$X/dbt-codegen" "$X/dbt-utils" -- \
  "--warn-error run-operation create_source_table" "--warn-error seed --full-refresh" "--warn-error run" "--warn-error test"
# dbt_artifacts' CI (tox.ini integration_postgres, .github/workflows/main.yml) runs
# `dbt build --target postgres`; its postgres target names a fixed port and login, so the
# harness gives it one for GDBT_PG_URL. On DuckDB its microbatch model sets unique_key, which
# dbt-duckdb >= 1.10.1 refuses (incremental_strategy/microbatch.sql), as gdbt does.
want dbt_artifacts && OWN_PROFILE=1 row dbt_artifacts "$X/dbt_artifacts" integration_test_project postgres deps -- build
want dbt_artifacts && row dbt_artifacts "$X/dbt_artifacts" integration_test_project duckdb deps -- build
# dbt-profiler supports PostgreSQL, BigQuery, SQL Server and Snowflake (not DuckDB: its
# macros read <database>.INFORMATION_SCHEMA.COLUMNS, which DuckDB does not resolve); its CI
# profile names a fixed host and login, so the harness gives it one for GDBT_PG_URL. After
# the build its CI (.circleci/config.yml integration-postgres) runs the print_profile,
# print_profile_schema and print_profile_docs operations on test_data_default in the
# build's schema (INTEGRATION_TEST_RELATION/_SCHEMA); the harness does too.
prof_args='--args "{relation_name: test_data_default, schema: $POSTGRES_SCHEMA}"'
want dbt-profiler && OWN_PROFILE=1 row dbt-profiler "$X/dbt-profiler" integration_tests postgres "$X/dbt-profiler" "$X/dbt-utils" "$X/dbt-expectations" "$X/dbt-date" -- build \
  "run-operation print_profile $prof_args" "run-operation print_profile_schema $prof_args" "run-operation print_profile_docs $prof_args"
# dbt-audit-helper's CI (.circleci/config.yml; supported_adapters.env: postgres) runs seed,
# run and test excluding `tag:skip+ tag:temporary_skip+`: its struct models and
# quick_are_queries_identical tag themselves skip on PostgreSQL (Snowflake/BigQuery only).
want dbt-audit-helper && row dbt-audit-helper "$X/dbt-audit-helper" integration_tests postgres "$X/dbt-audit-helper" "$X/dbt-utils" -- \
  "seed --full-refresh" "run --exclude tag:skip+ tag:temporary_skip+" "test --exclude tag:skip+ tag:temporary_skip+"
# dbt-utils' CI (tox.ini dbt_integration_postgres, run_test.sh) runs `dbt build --full-refresh`.
want dbt-utils && row dbt-utils "$X/dbt-utils" integration_tests duckdb deps -- "build --full-refresh"
want dbt-utils && row dbt-utils "$X/dbt-utils" integration_tests postgres deps -- "build --full-refresh"
exit 0
