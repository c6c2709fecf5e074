#!/usr/bin/env bash
# SQL ingest throughput: dynasink against PostgreSQL 15, both on this machine, both durable, in
# the same run, driven by the same libpq client (bench/bench_sql_ingest.cc):
#   copy      COPY FROM STDIN (text) of --copy-rows rows (default 1,000,000)
#   insert    multi-row INSERTs of 1000 rows, --insert-rows rows in all (default 1,000,000)
#   prepared  single-row prepared INSERTs from --clients connections (default 8), --prepared-rows
#             rows in all (default 200,000)
#
#   bench/sql_ingest.sh [--runs N] [--copy-rows N] [--insert-rows N] [--prepared-rows N]
#                       [--clients N] [--modes "copy insert prepared"] [--quick] [--pg-only]
#                       [--no-change-log]
#
# PostgreSQL: a fresh cluster in a temporary directory (initdb -E UTF8 --locale=C.UTF-8) with
# the defaults that make it durable and unchanged WAL settings: fsync=on, synchronous_commit=on,
# full_page_writes=on, wal_level=replica, shared_buffers 128MB, max_wal_size 1GB. It runs as the
# `postgres` user when this script runs as root (PostgreSQL refuses root).
# dynasink: `dynasink serve --change-log always` on a fresh data directory (durable by design:
# every statement's write is synced before it is acknowledged). `--change-log always` makes
# every statement also write its change-log entries (full rows) in the same commit, as a table
# with a sink does; --no-change-log measures without them (a table nobody reads logs nothing).
# Without a built server binary, or with --pg-only, only PostgreSQL is measured and the
# dynasink column says so.
#
# Each mode runs --runs times (default 3) on each server, alternating servers; every run drops
# and recreates the table. The table printed at the end gives the medians and the ratio; the
# client and both servers share the machine's cores. For COPY, each run also prints the seconds
# from the end of the data to the acknowledgement (`finish`: what the commit adds at the end).
#
# Needs `scripts/install-deps --bench` (postgresql) and a build with bench_sql_ingest
# (DYNASINK_BUILD_DIR, default build/release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${DYNASINK_BUILD_DIR:-$root/build/release}
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
runs=3 copy_rows=1000000 insert_rows=1000000 prepared_rows=200000 clients=8 pg_only=0
change_log=always
modes="copy insert prepared"
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --copy-rows) copy_rows=$2; shift 2 ;;
    --insert-rows) insert_rows=$2; shift 2 ;;
    --prepared-rows) prepared_rows=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --quick) copy_rows=20000 insert_rows=20000 prepared_rows=5000; shift ;;
    --pg-only) pg_only=1; shift ;;
    --no-change-log) change_log=with-sinks; shift ;;
    *) echo "usage: $0 [--runs N] [--copy-rows N] [--insert-rows N] [--prepared-rows N] [--clients N] [--modes LIST] [--quick] [--pg-only] [--no-change-log]" >&2; exit 2 ;;
  esac
done

client=$build_dir/bench/bench_sql_ingest
[[ -x $client ]] || { echo "sql_ingest.sh: $client not built (cmake --build --preset release)" >&2; exit 1; }
[[ -x $pg_bin/postgres ]] || { echo "sql_ingest.sh: PostgreSQL 15 is missing: run scripts/install-deps --bench" >&2; exit 1; }
dynasink=$build_dir/src/dynasink
if ((pg_only)) || [[ ! -x $dynasink ]]; then
  dynasink=""
fi

tmp=$(mktemp -d /tmp/sql-ingest-XXXXXX)
chmod 755 "$tmp"
pg_pid="" dyn_pid=""
cleanup() {
  [[ -n $dyn_pid ]] && kill "$dyn_pid" 2>/dev/null && wait "$dyn_pid" 2>/dev/null
  [[ -n $pg_pid ]] && kill -INT "$pg_pid" 2>/dev/null && wait "$pg_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The postgres user's command prefix when we are root (PostgreSQL refuses to run as root).
# setpriv execs the command (runuser would stay in between as a parent that does not pass
# signals on), so that `$!` of a background server is the server itself.
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --reset-env --)
fi

wait_ready() {  # wait_ready NAME PORT USER LOG
  for _ in $(seq 600); do
    if psql -X -q -h 127.0.0.1 -p "$2" -U "$3" -d dev -c 'SELECT 1' >/dev/null 2>&1; then return; fi
    sleep 0.1
  done
  cat "$4" >&2
  echo "sql_ingest.sh: $1 did not start" >&2
  exit 1
}

start_pg() {
  mkdir -p "$tmp/pg"
  [[ $(id -u) -eq 0 ]] && chown postgres "$tmp/pg"
  "${as_pg[@]}" "$pg_bin/initdb" -D "$tmp/pg/data" -U root --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  pg_port=$(free_port)
  "${as_pg[@]}" "$pg_bin/postgres" -D "$tmp/pg/data" -p "$pg_port" -c listen_addresses=127.0.0.1 \
    -k "$tmp/pg" -c fsync=on -c synchronous_commit=on >"$tmp/pg.log" 2>&1 &
  pg_pid=$!
  for _ in $(seq 600); do
    psql -X -q -h 127.0.0.1 -p "$pg_port" -U root -d postgres -c 'CREATE DATABASE dev' >/dev/null 2>&1 && break
    sleep 0.1
  done
  wait_ready PostgreSQL "$pg_port" root "$tmp/pg.log"
  pg_version=$(psql -X -At -h 127.0.0.1 -p "$pg_port" -U root -d dev -c 'SHOW server_version')
  pg_settings=$(psql -X -At -F= -h 127.0.0.1 -p "$pg_port" -U root -d dev -c \
    "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes', 'shared_buffers', 'max_wal_size') ORDER BY name" | tr '\n' ' ')
}

start_dynasink() {
  dyn_port=$(free_port)
  mkdir -p "$tmp/dyn"
  "$dynasink" serve --data-dir "$tmp/dyn" --listen "127.0.0.1:$dyn_port" --log-level warn \
    --change-log "$change_log" >"$tmp/dyn.log" 2>&1 &
  dyn_pid=$!
  wait_ready dynasink "$dyn_port" root "$tmp/dyn.log"
}

# measure SERVER MODE ROWS PORT: appends "SERVER MODE rows_per_s" to $tmp/results.
measure() {
  local server=$1 mode=$2 rows=$3 port=$4 out
  out=$("$client" --conninfo "host=127.0.0.1 port=$port dbname=dev user=root" --mode "$mode" \
    --rows "$rows" --clients "$clients" --table "ingest_$mode" 2>"$tmp/client.err") ||
    { cat "$tmp/client.err" >&2; echo "sql_ingest.sh: $server $mode failed" >&2; exit 1; }
  local rps=${out##*rows_per_s=} finish=""
  [[ $out == *finish_seconds=* ]] && finish=${out##*finish_seconds=} && finish="  finish ${finish%% *} s"
  echo "$server $mode $rps" >>"$tmp/results"
  printf '  %-10s %-9s %9s rows  %10s rows/s%s\n' "$server" "$mode" "$rows" "$rps" "$finish"
}

start_pg
[[ -n $dynasink ]] && start_dynasink
echo "PostgreSQL $pg_version ($pg_settings); dynasink: ${dynasink:-not measured} (--change-log $change_log); $(nproc) cores; $runs runs" >&2
: >"$tmp/results"
for run in $(seq "$runs"); do
  echo "run $run" >&2
  for mode in $modes; do
    case $mode in copy) rows=$copy_rows ;; insert) rows=$insert_rows ;; prepared) rows=$prepared_rows ;; esac
    # Alternate which server goes first, so neither always gets the warmer machine.
    if ((run % 2)) || [[ -z $dynasink ]]; then
      measure postgres "$mode" "$rows" "$pg_port"
      [[ -n $dynasink ]] && measure dynasink "$mode" "$rows" "$dyn_port"
    else
      measure dynasink "$mode" "$rows" "$dyn_port"
      measure postgres "$mode" "$rows" "$pg_port"
    fi
  done
done

median() {  # median SERVER MODE
  awk -v s="$1" -v m="$2" '$1 == s && $2 == m { print $3 }' "$tmp/results" | sort -n |
    awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
echo
echo "| workload | rows | dynasink rows/s | PostgreSQL 15 rows/s | dynasink / PostgreSQL |"
echo "| --- | ---: | ---: | ---: | ---: |"
for mode in $modes; do
  case $mode in
    copy) rows=$copy_rows label="COPY FROM STDIN (text), 1 statement" ;;
    insert) rows=$insert_rows label="multi-row INSERT, 1000 rows per statement" ;;
    prepared) rows=$prepared_rows label="single-row prepared INSERT, $clients clients" ;;
  esac
  pg=$(median postgres "$mode")
  dyn=$(median dynasink "$mode")
  ratio="-"
  [[ -n $dyn ]] && ratio=$(awk -v a="$dyn" -v b="$pg" 'BEGIN { printf "%.2fx", a / b }')
  echo "| $label | $rows | ${dyn:-not measured} | $pg | $ratio |"
done
echo
echo "Per run (rows/s):"
for s in dynasink postgres; do
  for mode in $modes; do
    v=$(awk -v s="$s" -v m="$mode" '$1 == s && $2 == m { printf "%s%s", sep, $3; sep=" / " }' "$tmp/results")
    [[ -n $v ]] && echo "- $s $mode: $v"
  done
done
