#!/usr/bin/env bash
# BatchWriteItem throughput: dynasink's DynamoDB client against boto3's batch_writer and the AWS
# SDK for JavaScript v3, in the same run, all writing the same items (25 per request, 7
# attributes including an L and an M) to a null endpoint: nginx on 127.0.0.1 answering
# {"UnprocessedItems":{}}.
#
#   bench/batch_write.sh [--runs N] [--rows N] [--boto3-rows N] [--js-rows N] [--in-flight N]
#
# Each client runs --runs times (default 3), in turn. Throughput is rows / wall time of the write
# loop as each program measures it (interpreter start-up excluded); CPU is user+sys of the whole
# process from /usr/bin/time (start-up included). The table shows medians and ratios to dynasink.
# nginx runs on the same 2 cores and uses some of them.
#
# Needs `scripts/install-deps --bench` (nginx, python3-boto3, the JS SDK in .cache/node) and a
# build with bench_batch_write (DYNASINK_BUILD_DIR, default build/release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${DYNASINK_BUILD_DIR:-$root/build/release}
cache=${DYNASINK_CACHE:-$root/.cache}
runs=3 rows=1000000 boto3_rows=10000 js_rows=100000 in_flight=64
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --boto3-rows) boto3_rows=$2; shift 2 ;;
    --js-rows) js_rows=$2; shift 2 ;;
    --in-flight) in_flight=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--rows N] [--boto3-rows N] [--js-rows N] [--in-flight N]" >&2; exit 2 ;;
  esac
done

ours=$build_dir/bench/bench_batch_write
[[ -x $ours ]] || { echo "batch_write.sh: $ours not built (cmake --build --preset release)" >&2; exit 1; }
[[ -d $cache/node/node_modules/@aws-sdk/client-dynamodb ]] ||
  { echo "batch_write.sh: the JS SDK is missing: run scripts/install-deps --bench" >&2; exit 1; }
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] ||
  { echo "batch_write.sh: nginx is missing: run scripts/install-deps --bench" >&2; exit 1; }

tmp=$(mktemp -d)
nginx_pid=""
cleanup() {
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_nginx() {
  local port
  port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$tmp/nginx"
  sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@PORT@|$port|g" "$root/bench/nginx/nginx.conf.in" >"$tmp/nginx/nginx.conf"
  /usr/sbin/nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
  nginx_pid=$!
  endpoint=http://127.0.0.1:$port
  for _ in $(seq 100); do
    curl -fs -o /dev/null -X POST "$endpoint/" && return
    sleep 0.05
  done
  cat "$tmp/nginx/error.log" >&2
  echo "batch_write.sh: nginx did not start" >&2
  exit 1
}

# run NAME COMMAND...: appends "NAME rows_per_s cpu_seconds rows" to $tmp/results.
run() {
  local name=$1; shift
  /usr/bin/time -f "%U %S" -o "$tmp/time" "$@" >"$tmp/out" 2>"$tmp/err" ||
    { cat "$tmp/err" "$tmp/out" >&2; echo "batch_write.sh: $name failed" >&2; exit 1; }
  local line rps cpu n
  line=$(grep '^rows=' "$tmp/out")
  rps=$(sed -E 's/.*rows_per_s=([0-9.]+).*/\1/' <<<"$line")
  n=$(sed -E 's/^rows=([0-9]+).*/\1/' <<<"$line")
  cpu=$(awk '{printf "%.3f", $1 + $2}' "$tmp/time")
  echo "$name $rps $cpu $n" >>"$tmp/results"
  printf '  %-28s %10s rows/s  cpu %7ss  (%s rows)\n' "$name" "$rps" "$cpu" "$n"
}

start_nginx
echo "null endpoint: nginx at $endpoint; $(nproc) cores; $runs runs" >&2
for r in $(seq "$runs"); do
  echo "run $r/$runs"
  run "dynasink (C++)" "$ours" --endpoint "$endpoint" --rows "$rows" --in-flight "$in_flight"
  run "AWS SDK JS v3 (node)" env NODE_PATH="$cache/node/node_modules" node \
    "$root/bench/peers/js_batch_write.cjs" "$endpoint" "$js_rows" "$in_flight"
  run "boto3 batch_writer" /usr/bin/python3 "$root/bench/peers/boto3_batch_write.py" \
    "$endpoint" "$boto3_rows"
done

/usr/bin/python3 - "$tmp/results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    parts = line.split()
    name = " ".join(parts[:-3])
    rows.setdefault(name, []).append((float(parts[-3]), float(parts[-2]), int(parts[-1])))
ours = statistics.median(r[0] for r in rows["dynasink (C++)"])
ours_cpu_per_row = statistics.median(r[1] / r[2] for r in rows["dynasink (C++)"])
print()
print(f"{'client':<24} {'rows/s (median)':>16} {'CPU s/run':>10} {'CPU us/row':>11} {'dynasink is':>14}")
for name, runs in rows.items():
    rps = statistics.median(r[0] for r in runs)
    cpu = statistics.median(r[1] for r in runs)
    per_row = statistics.median(r[1] / r[2] for r in runs)
    ratio = "-" if rps == ours else f"{ours / rps:,.1f}x faster"
    print(f"{name:<24} {rps:>16,.0f} {cpu:>10.2f} {per_row * 1e6:>11.2f} {ratio:>14}")
PY
