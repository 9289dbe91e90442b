#!/usr/bin/env bash
# The docs site's speed (issue #17: a 1,000-model project's site generated in under 2 s and
# its lineage page opening in under 1 s). Runs e2e's TestDocsLineageThousandModels RUNS
# times (projgen's layered generator, 1,000 models, about 3,600 nodes with tests; the site
# written by docs.Site.Write; lineage.html opened in headless Debian chromium) and prints,
# per run, the write time, the wall time to open the page and the page's own navigation
# timing, then the medians. Needs /usr/bin/chromium (apt-get install chromium).
# usage: RUNS=3 bench/docs/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -c -o "$tmp/e2e.test" ./e2e
ms() { if [ "$2" = s ]; then awk -v v="$1" 'BEGIN{printf "%.0f", v*1000}'; else printf '%.0f' "$1"; fi; }
printf 'run\tnodes\tsite_write_ms\tpage_open_ms\tnavigation_ms\tload_avg\n'
for i in $(seq 1 "$RUNS"); do
  out=$(cd e2e && "$tmp/e2e.test" -test.run '^TestDocsLineageThousandModels$' -test.v -test.count=1 2>&1) || { echo "$out" >&2; exit 1; }
  w=$(echo "$out" | sed -n 's/.*site of \([0-9]*\) nodes written in \([0-9.]*\)\(m\{0,1\}s\).*/\1 \2 \3/p' | head -1)
  o=$(echo "$out" | sed -n 's/.*loaded in \([0-9.]*\)\(m\{0,1\}s\) (the page.s own navigation timing: \([0-9]*\) ms).*/\1 \2 \3/p' | head -1)
  if [ -z "$w" ] || [ -z "$o" ]; then echo "$out" >&2; echo "bench/docs: timing lines not found (test skipped?)" >&2; exit 1; fi
  read -r nodes wv wu <<< "$w"
  read -r ov ou nav <<< "$o"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$nodes" "$(ms "$wv" "$wu")" "$(ms "$ov" "$ou")" "$nav" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$tmp/rows"
done
med() { cut -f"$1" "$tmp/rows" | sort -n | awk '{a[NR]=$1} END{print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
printf 'median\t-\t%s\t%s\t%s\t-\n' "$(med 3)" "$(med 4)" "$(med 5)"
