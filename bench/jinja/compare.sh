#!/bin/sh
# Compares the Jinja engine's speed at two commits: builds bench/jinja/cpubench from each
# (exported with git archive into a temporary directory, so the worktree is untouched),
# then alternates the two binaries ROUNDS times on bench/jinja's template and context and
# prints each run and, at the end, the median parse, render and parse+render of each in
# CPU time per operation. Run it on a quiet machine; issue #15 asks that NEW stays within
# 5 % of OLD.
# Usage (from anywhere): bench/jinja/compare.sh [OLD] [NEW] [ROUNDS] [N]
#   (defaults: f4d3011 HEAD 7 2000)
set -e
cd "$(dirname "$0")/../.."
old=${1:-f4d3011}
new=${2:-HEAD}
rounds=${3:-7}
n=${4:-2000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for side in old new; do
	if [ "$side" = old ]; then rev=$old; else rev=$new; fi
	mkdir -p "$tmp/$side"
	git archive "$rev" | tar -x -C "$tmp/$side"
	(cd "$tmp/$side" && go build -o "$tmp/$side.bin" ./bench/jinja/cpubench)
	echo "$side = $(git rev-parse --short "$rev")"
done
i=0
while [ "$i" -lt "$rounds" ]; do
	for side in old new; do
		line=$("$tmp/$side.bin" -n "$n" -dir bench/jinja)
		echo "$side: $line"
		echo "$line" | sed -n 's/.*parse \([0-9]*\) us\/op, render \([0-9]*\) us\/op, parse+render \([0-9]*\) us\/op.*/\1 \2 \3/p' >>"$tmp/$side.txt"
	done
	i=$((i + 1))
done
for side in old new; do
	for col in 1 2 3; do
		cut -d' ' -f$col "$tmp/$side.txt" | sort -n | awk '{ v[NR] = $1 } END { printf "%s ", v[int((NR + 1) / 2)] }'
	done | awk -v s="$side" '{ printf "%s median (us/op, CPU): parse %s, render %s, parse+render %s\n", s, $1, $2, $3 }'
done
