#!/bin/sh
# fetch-corpus.sh: check out the public dbt repositories that gdbt's template engine must
# parse, outside the gdbt tree, and print the GDBT_JINJA_CORPUS value for
# TestCorpusParse (compiler/jinja/corpus_test.go).
#
# usage: compiler/jinja/testdata/corpus/fetch-corpus.sh [DEST]   (DEST defaults to /work/corpus)
#        export GDBT_JINJA_CORPUS=...   (the line printed at the end)
#        go test ./compiler/jinja -run TestCorpusParse -v
#
# Each directory of GDBT_JINJA_CORPUS (colon-separated) is walked for *.sql files. Any dbt
# project or package can be added the same way. Where git cannot reach GitHub, check the same
# repositories out by other means into DEST/<name>; existing folders are kept.
set -eu
dest=${1:-/work/corpus}
mkdir -p "$dest"

# fetch REPO NAME: a shallow clone of github.com/REPO into $dest/NAME (skipped when present).
fetch() {
	if [ -d "$dest/$2" ]; then
		echo "$dest/$2 exists, keeping it" >&2
		return
	fi
	git clone --depth 1 "https://github.com/$1.git" "$dest/$2"
	echo "$1 $(git -C "$dest/$2" rev-parse HEAD)" >&2
}

fetch dbt-labs/dbt-utils dbt-utils
fetch dbt-labs/dbt-adapters dbt-adapters
fetch duckdb/dbt-duckdb dbt-duckdb
fetch dbt-labs/jaffle_shop_duckdb jaffle_shop_duckdb
fetch dbt-labs/jaffle-shop jaffle-shop

# The dbt global project moved into dbt-adapters (dbt-adapters/src/dbt/include/global_project
# in the monorepo layout, dbt/include/global_project in older checkouts): find it.
global=$(find "$dest/dbt-adapters" -type d -path '*dbt/include/global_project' | head -n 1)
if [ -z "$global" ]; then
	echo "global_project not found under $dest/dbt-adapters" >&2
	exit 1
fi

corpus="$global"
corpus="$corpus:$dest/dbt-utils/macros"
corpus="$corpus:$dest/dbt-utils/integration_tests"
corpus="$corpus:$dest/dbt-duckdb/dbt/include/duckdb/macros"
corpus="$corpus:$dest/jaffle_shop_duckdb"
corpus="$corpus:$dest/jaffle-shop"
echo "# the issue's corpus: the global project, dbt-utils, dbt-duckdb's macros, the jaffle shops" >&2
echo "export GDBT_JINJA_CORPUS=$corpus"
echo "# or every .sql file of the checkouts (all adapters of dbt-adapters too):" >&2
echo "# export GDBT_JINJA_CORPUS=$dest/dbt-adapters:$dest/dbt-utils:$dest/dbt-duckdb:$dest/jaffle_shop_duckdb:$dest/jaffle-shop" >&2
