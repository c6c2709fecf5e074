#!/usr/bin/env bash
# The DynamoDB sink end to end, against its peers, in one run (bench/RESULTS.md).
#
#   bench/sink_e2e.sh throughput [--runs N] [--rows N] [--ddb-rows N] [--js-rows N]
#                                [--boto3-rows N] [--only null|ddb]
#   bench/sink_e2e.sh latency    [--rate N] [--seconds N] [--clients N] [--only null|ddb]
#   bench/sink_e2e.sh backlog    [--changes N]
#
# throughput: rows/s from the first COPY to FLUSH returning (bench_sink_e2e: dynasink serve, a
#   table, a sink), against the nginx null endpoint and against DynamoDB Local, with the AWS SDK
#   for JavaScript v3 (64 calls in flight) and boto3's batch_writer writing the same rows to the
#   same endpoint in the same run (bench/peers/). Each client runs --runs times (3), in turn; the
#   table gives medians and ratios. CPU: dynasink's server process over the timed section (from
#   /proc), the peers' whole process (/usr/bin/time). DynamoDB Local's JVM is warmed with 200k
#   rows (bench_batch_write) before anything is measured.
# latency: commit-to-acknowledgement at a steady rate (bench_sink_e2e_latency documents the
#   method), against the null endpoint and DynamoDB Local.
# backlog: dynasink's RSS while 10M changes pile up behind a sink whose endpoint is down, and
#   the same load without a sink (bench_sink_e2e_backlog).
#
# Needs `scripts/install-deps --bench` (nginx, boto3, the JS SDK in .cache/node) and a build
# with the bench_* programs, tools/dynamodb_local and tools/ddbctl (DYNASINK_BUILD_DIR, default
# build/release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${DYNASINK_BUILD_DIR:-$root/build/release}
cache=${DYNASINK_CACHE:-$root/.cache}
export DYNASINK_CACHE=$cache

mode=${1:-}
[[ $mode == throughput || $mode == latency || $mode == backlog ]] || {
  sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
shift
runs=3 rows=2000000 ddb_rows=100000 js_rows=100000 boto3_rows=10000 only=""
rate=1000 seconds=30 clients=8 changes=10000000
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --ddb-rows) ddb_rows=$2; shift 2 ;;
    --js-rows) js_rows=$2; shift 2 ;;
    --boto3-rows) boto3_rows=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --changes) changes=$2; shift 2 ;;
    *) echo "sink_e2e.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

for b in bench/bench_sink_e2e bench/bench_sink_e2e_latency bench/bench_sink_e2e_backlog \
         bench/bench_batch_write tools/dynamodb_local tools/ddbctl src/dynasink; do
  [[ -x $build_dir/$b ]] || { echo "sink_e2e.sh: $build_dir/$b is not built" >&2; exit 1; }
done
if [[ $mode != backlog ]]; then
  [[ -x /usr/sbin/nginx ]] || { echo "sink_e2e.sh: nginx is missing: run scripts/install-deps --bench" >&2; exit 1; }
  [[ -d $cache/node/node_modules/@aws-sdk/client-dynamodb ]] ||
    { echo "sink_e2e.sh: the JS SDK is missing: run scripts/install-deps --bench" >&2; exit 1; }
fi

tmp=$(mktemp -d)
nginx_pid="" ddb_pid=""
cleanup() {
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  # Closing the pipe on dynamodb_local's stdin makes it stop DynamoDB Local and exit.
  exec 3>&- 2>/dev/null || true
  if [[ -n $ddb_pid ]]; then
    for _ in $(seq 100); do kill -0 "$ddb_pid" 2>/dev/null || break; sleep 0.1; done
    kill "$ddb_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The null endpoint: nginx answering DescribeTable with an ACTIVE table keyed pk (S) / sk (N), as
# CREATE SINK validates it, and every other call with an empty BatchWriteItem result.
start_nginx() {
  local port
  port=$(free_port)
  mkdir -p "$tmp/nginx"
  sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@PORT@|$port|g" \
      -e 's|return 200 .{"UnprocessedItems":{}}.;|return 200 $ddb_answer;|' \
      "$root/bench/nginx/nginx.conf.in" >"$tmp/nginx/nginx.conf"
  grep -q 'return 200 $ddb_answer;' "$tmp/nginx/nginx.conf" ||
    { echo "sink_e2e.sh: bench/nginx/nginx.conf.in changed; update start_nginx" >&2; exit 1; }
  local describe='{"Table":{"TableName":"bench","TableStatus":"ACTIVE","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],"AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}]}}'
  /usr/bin/python3 - "$tmp/nginx/nginx.conf" "$describe" <<'PY'
import sys
path, describe = sys.argv[1], sys.argv[2]
conf = open(path).read()
block = ("  map $http_x_amz_target $ddb_answer {\n"
         "    \"DynamoDB_20120810.DescribeTable\" '" + describe + "';\n"
         "    default '{\"UnprocessedItems\":{}}';\n"
         "  }\n")
conf = conf.replace("http {\n", "http {\n" + block, 1)
open(path, "w").write(conf)
PY
  /usr/sbin/nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
  nginx_pid=$!
  null_endpoint=http://127.0.0.1:$port
  for _ in $(seq 100); do
    if curl -fs -X POST -H 'X-Amz-Target: DynamoDB_20120810.DescribeTable' "$null_endpoint/" |
       grep -q ACTIVE; then
      return
    fi
    sleep 0.05
  done
  cat "$tmp/nginx/error.log" >&2
  echo "sink_e2e.sh: nginx did not start" >&2
  exit 1
}

# DynamoDB Local (in memory), with the table `bench`, warmed with 200k rows.
start_dynamodb_local() {
  mkfifo "$tmp/ddb.stdin"
  "$build_dir/tools/dynamodb_local" <"$tmp/ddb.stdin" >"$tmp/ddb.url" 2>"$tmp/ddb.log" &
  ddb_pid=$!
  exec 3>"$tmp/ddb.stdin"
  for _ in $(seq 1200); do
    [[ -s $tmp/ddb.url ]] && break
    kill -0 "$ddb_pid" 2>/dev/null || { cat "$tmp/ddb.log" >&2; echo "sink_e2e.sh: DynamoDB Local did not start" >&2; exit 1; }
    sleep 0.1
  done
  ddb_endpoint=$(head -n1 "$tmp/ddb.url")
  "$build_dir/tools/ddbctl" --endpoint "$ddb_endpoint" --region us-east-1 create-table \
    --table-name bench --key pk:S:HASH --key sk:N:RANGE --wait >/dev/null
  echo "DynamoDB Local at $ddb_endpoint: warming its JVM with 200000 rows" >&2
  "$build_dir/bench/bench_batch_write" --endpoint "$ddb_endpoint" --rows 200000 --table bench >&2
}

# run FILE NAME COMMAND...: runs a client, appends "NAME rows_per_s cpu_seconds rows" to FILE.
run() {
  local file=$1 name=$2; shift 2
  /usr/bin/time -f "%U %S" -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" ||
    { cat "$tmp/err" "$tmp/out" >&2; echo "sink_e2e.sh: $name failed" >&2; exit 1; }
  local line rps cpu n
  line=$(grep '^rows=' "$tmp/out")
  rps=$(sed -E 's/.*rows_per_s=([0-9.]+).*/\1/' <<<"$line")
  n=$(sed -E 's/^rows=([0-9]+).*/\1/' <<<"$line")
  if [[ $line == *server_cpu=* ]]; then
    cpu=$(sed -E 's/.*server_cpu=([0-9.]+).*/\1/' <<<"$line")
  else
    cpu=$(awk '{printf "%.3f", $1 + $2}' "$tmp/time")
  fi
  echo "$name|$rps|$cpu|$n" >>"$file"
  printf '  %-34s %10s rows/s  cpu %8ss  (%s rows)  %s\n' "$name" "$rps" "$cpu" "$n" \
    "$(grep -o 'insert_seconds=[0-9.]* flush_seconds=[0-9.]*' <<<"$line" || true)"
}

summarize() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import statistics, sys
path, title = sys.argv[1], sys.argv[2]
rows = {}
for line in open(path):
    name, rps, cpu, n = line.strip().split("|")
    rows.setdefault(name, []).append((float(rps), float(cpu), int(n)))
print(f"\n{title}")
print(f"{'client':<34} {'rows/s (median)':>16} {'CPU s/run':>10} {'CPU us/row':>11} {'dynasink rate is':>17} {'dynasink CPU/row is':>20}")
ours = next((k for k in rows if k.startswith("dynasink")), None)
o_rps = statistics.median(r[0] for r in rows[ours]) if ours else None
o_cpu = statistics.median(r[1] / r[2] for r in rows[ours]) if ours else None
for name, runs in rows.items():
    rps = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    per_row = statistics.median(r[1] / r[2] for r in runs)
    ratio = "-" if name == ours or not ours else f"{o_rps / rps * 100:,.0f}% of it"
    cpu_ratio = "-" if name == ours or not ours else f"{o_cpu / per_row * 100:,.0f}% of it"
    print(f"{name:<34} {rps:>16,.0f} {cpu:>10.2f} {per_row * 1e6:>11.2f} {ratio:>17} {cpu_ratio:>20}")
    print(f"{'':<34} runs: " + " / ".join(f"{r[0]:,.0f}" for r in runs))
PY
}

# The JS peer's command line (an array, not a function: /usr/bin/time runs it).
js_peer=(env NODE_PATH="$cache/node/node_modules" node "$root/bench/peers/js_batch_write.cjs")

throughput() {
  echo "$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $runs runs" >&2
  if [[ $only != ddb ]]; then
    start_nginx
    echo "null endpoint: nginx at $null_endpoint" >&2
    for r in $(seq "$runs"); do
      echo "run $r/$runs (null endpoint)"
      run "$tmp/null" "dynasink (INSERT to acked)" "$build_dir/bench/bench_sink_e2e" \
        --endpoint "$null_endpoint" --rows "$rows"
      run "$tmp/null" "dynasink SQL ingest alone (no sink)" "$build_dir/bench/bench_sink_e2e" \
        --no-sink --rows "$rows"
      run "$tmp/null" "AWS SDK JS v3 (node, 64 in flight)" "${js_peer[@]}" "$null_endpoint" "$js_rows" 64 bench
      run "$tmp/null" "boto3 batch_writer" /usr/bin/python3 "$root/bench/peers/boto3_batch_write.py" \
        "$null_endpoint" "$boto3_rows" bench
    done
    summarize "$tmp/null" "null endpoint (nginx)"
  fi
  if [[ $only != null ]]; then
    start_dynamodb_local
    for r in $(seq "$runs"); do
      echo "run $r/$runs (DynamoDB Local)"
      run "$tmp/ddb" "dynasink (INSERT to acked)" "$build_dir/bench/bench_sink_e2e" \
        --endpoint "$ddb_endpoint" --rows "$ddb_rows"
      run "$tmp/ddb" "AWS SDK JS v3 (node, 64 in flight)" "${js_peer[@]}" "$ddb_endpoint" "$js_rows" 64 bench
      run "$tmp/ddb" "boto3 batch_writer" /usr/bin/python3 "$root/bench/peers/boto3_batch_write.py" \
        "$ddb_endpoint" "$boto3_rows" bench
    done
    summarize "$tmp/ddb" "DynamoDB Local"
  fi
}

latency() {
  echo "$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  if [[ $only != ddb ]]; then
    start_nginx
    echo "== null endpoint (nginx)"
    "$build_dir/bench/bench_sink_e2e_latency" --endpoint "$null_endpoint" --rate "$rate" \
      --seconds "$seconds" --clients "$clients"
  fi
  if [[ $only != null ]]; then
    start_dynamodb_local
    echo "== DynamoDB Local"
    "$build_dir/bench/bench_sink_e2e_latency" --endpoint "$ddb_endpoint" --rate "$rate" \
      --seconds "$seconds" --clients "$clients"
  fi
}

backlog() {
  echo "$(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  echo "== a sink whose endpoint is down"
  "$build_dir/bench/bench_sink_e2e_backlog" --changes "$changes"
  echo "== the same load without a sink"
  "$build_dir/bench/bench_sink_e2e_backlog" --changes "$changes" --no-sink
}

"$mode"
