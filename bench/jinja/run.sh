#!/bin/sh
# Compares gdbt's Jinja engine with Python's Jinja2 on the same template and context, in
# CPU time per operation (robust on a shared, loaded machine), alternating the two so both
# see the same conditions. Prints each run and the parse+render ratio.
# Usage (from the repository root): bench/jinja/run.sh [rounds]
set -e
cd "$(dirname "$0")/../.."
rounds=${1:-3}
go build -o /tmp/gdbt-jinja-cpubench ./bench/jinja/cpubench
i=0
while [ "$i" -lt "$rounds" ]; do
	g=$(/tmp/gdbt-jinja-cpubench -n 2000 -dir bench/jinja)
	p=$(python3 bench/jinja/bench.py)
	echo "$g"
	echo "$p"
	gu=$(echo "$g" | sed -n 's/.*parse+render \([0-9]*\) us\/op.*/\1/p')
	pu=$(echo "$p" | sed -n 's/.*parse+render \([0-9]*\) us\/op.*/\1/p')
	awk -v g="$gu" -v p="$pu" 'BEGIN { printf "ratio python/gdbt, parse+render: %.0fx\n\n", p / g }'
	i=$((i + 1))
done
