#!/bin/sh
# The long run of the grammar-based differential fuzzer (compiler/jinja/difffuzz_test.go):
# N generated templates from seed S, each rendered by gdbt's engine and by Python's Jinja2
# 3.1.6 set up as dbt sets it up; prints "difffuzz seed S: A of N templates agree" and the
# first SHOW differences in full. Needs python3 with jinja2 3.1.6.
# Usage (from anywhere): bench/jinja/fuzz.sh [N] [S] [SHOW]     (defaults: 100000 1 20)
set -e
cd "$(dirname "$0")/../.."
n=${1:-100000}
seed=${2:-1}
show=${3:-20}
GDBT_JINJA_FUZZ=$n GDBT_JINJA_FUZZ_SEED=$seed GDBT_JINJA_FUZZ_SHOW=$show \
	go test ./compiler/jinja -run '^TestDiffFuzz$' -count=1 -v -timeout 0 2>&1 |
	grep -v '^=== RUN' || true
