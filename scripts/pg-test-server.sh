#!/usr/bin/env bash
# pg-test-server.sh starts a throwaway PostgreSQL for gdbt's tests and prints its URL.
#
# It is idempotent: PostgreSQL is installed from Debian only when missing, the cluster is
# created only once, and a server already running on the port is reused. The cluster runs
# as the postgres OS user on 127.0.0.1 only, with a superuser role gdbt and a database gdbt,
# so server-side COPY can read the project's CSV files (macros/load_raw_postgres.sql). The
# role's password is one no output contains by chance: gdbt masks profile passwords in
# everything it prints and writes, and with the password "gdbt" every "gdbt" in the tests'
# logs and compiled SQL read "*****".
#
#   eval "$(scripts/pg-test-server.sh --export)"   # sets GDBT_PG_URL
#   scripts/pg-test-server.sh --stop
#
# Settings (environment): GDBT_PG_DIR (default /tmp/gdbt-pg), GDBT_PG_PORT (default 54329).
set -euo pipefail

dir="${GDBT_PG_DIR:-/tmp/gdbt-pg}"
port="${GDBT_PG_PORT:-54329}"
pass="pgtest-5e7b1c"
url="postgres://gdbt:${pass}@127.0.0.1:${port}/gdbt?sslmode=disable"

log() { echo "pg-test-server: $*" >&2; }

# as_pg runs a command as the postgres OS user (the server refuses to run as root).
as_pg() {
	if [ "$(id -un)" = postgres ]; then "$@"; else
		if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su postgres -s /bin/sh -c "$(printf '%q ' "$@")"; fi
	fi
}

find_bin() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then echo "$d"; return 0; fi
	done
	if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
		dirname "$(command -v pg_ctl)"; return 0
	fi
	return 1
}

bin="$(find_bin || true)"

case "${1:-}" in
--stop)
	if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true; fi
	exit 0 ;;
esac

if [ -z "$bin" ]; then
	log "installing postgresql from Debian"
	if [ "$(id -u)" -ne 0 ]; then log "need root to install postgresql"; exit 1; fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq postgresql >&2
	bin="$(find_bin)"
fi
id postgres >/dev/null 2>&1 || { log "no postgres OS user after install"; exit 1; }

mkdir -p "$dir"
chown postgres: "$dir" 2>/dev/null || true
if [ ! -f "$dir/data/PG_VERSION" ]; then
	log "initdb $dir/data"
	as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
		-E UTF8 --locale=C.UTF-8 >&2 || { rm -rf "$dir/data"; as_pg "$bin/initdb" -D "$dir/data" -U postgres \
		--auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C >&2; }
fi

if ! as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
	log "starting on 127.0.0.1:$port"
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >&2
fi

psql_pg() { as_pg "$bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ "$(psql_pg -c "select 1 from pg_roles where rolname = 'gdbt'")" != 1 ]; then
	psql_pg -c "create role gdbt with login superuser password '$pass'" >&2
else
	psql_pg -c "alter role gdbt with password '$pass'" >&2 # a cluster made with the old one
fi
if [ "$(psql_pg -c "select 1 from pg_database where datname = 'gdbt'")" != 1 ]; then
	psql_pg -c "create database gdbt owner gdbt" >&2
fi

if [ "${1:-}" = --export ]; then echo "export GDBT_PG_URL='$url'"; else echo "$url"; fi
