#!/usr/bin/env bash
# PostgreSQL 15 behind the command line of `dynasink serve`, to validate the SQL acceptance
# tooling (the server fixture, slt_runner, the client and crash tests) and the PostgreSQL-
# compatible expectations against a real PostgreSQL (docs/internals/testing.md):
#
#   slt_runner --engine postgres --server-binary tests/support/postgres_as_dynasink.sh tests/slt
#   DYNASINK_SERVER_BINARY=$PWD/tests/support/postgres_as_dynasink.sh DYNASINK_TEST_PEER=postgres \
#     build/release/tests/integration_sql_libpq_client_test
#
# `serve --data-dir DIR --listen HOST:PORT [--log-level L] [--metrics ADDR]`: initializes a
# cluster in DIR/pg on first use (user root, trust, database dev, UTF8, C.UTF-8, TimeZone UTC),
# then runs the postmaster in the foreground with its log on stderr. SIGTERM means what it
# means to dynasink, "stop now, with clients connected or not": PostgreSQL's fast shutdown.
# Run as root, the cluster belongs to the postgres user, and the parent-death signal of the
# fixture does not survive the user switch: a crashed test may leave this PostgreSQL running.
set -euo pipefail
pg_bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
[[ ${1:-} == serve ]] || { echo "postgres_as_dynasink: usage: $0 serve --data-dir DIR --listen HOST:PORT" >&2; exit 2; }
shift
dir="" listen=""
while (($#)); do
  case $1 in
    --data-dir) dir=$2; shift 2 ;;
    --listen) listen=$2; shift 2 ;;
    --log-level|--metrics) shift 2 ;;
    *) echo "postgres_as_dynasink: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -n $dir && -n $listen ]] || { echo "postgres_as_dynasink: --data-dir and --listen are required" >&2; exit 2; }
host=${listen%:*} port=${listen##*:}

as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  # The fixture's temporary directory is private (0700): let the postgres user through it.
  chmod a+x "$(dirname "$dir")"
  chown postgres "$dir"
  as_pg=(setpriv --reuid=postgres --regid=postgres --init-groups --)
fi
pg=$dir/pg
if [[ ! -f $pg/PG_VERSION ]]; then
  "${as_pg[@]}" "$pg_bin/initdb" -D "$pg" -U root --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
  echo "CREATE DATABASE dev" | "${as_pg[@]}" "$pg_bin/postgres" --single -D "$pg" postgres >/dev/null
fi
# POSTGRES_AS_DYNASINK_OPTIONS adds settings, e.g. "-c synchronous_commit=off" to check that the
# crash test notices lost acknowledged rows.
# shellcheck disable=SC2086
"${as_pg[@]}" "$pg_bin/postgres" -D "$pg" -p "$port" -c listen_addresses="$host" -k "$pg" \
  -c timezone=UTC -c shared_buffers=16MB -c max_connections=60 -c log_min_messages=warning \
  ${POSTGRES_AS_DYNASINK_OPTIONS:-} &
pid=$!
trap 'kill -INT $pid' TERM
set +e
wait $pid
rc=$?
# A trapped signal interrupts the first wait; the second collects the postmaster's exit code.
if ((rc > 128)); then
  wait $pid
  rc=$?
fi
exit $rc
