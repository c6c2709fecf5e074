#!/usr/bin/env bash
# DynamoDB sink connector throughput: rows handed to the sink (Sink::Write) until acknowledged
# (Flush), against the nginx null endpoint (bench/nginx, answers {"UnprocessedItems":{}}), with
# the bare DynamoDB client (bench_batch_write, same item shape) measured in the same run as the
# peer: the difference is what the sink adds (encoding from rows, dedup, batching, bookkeeping).
#
#   bench/sink_dynamodb.sh [--runs N] [--rows N] [--in-flight N]
#
# Needs nginx (scripts/install-deps --bench) and a build with bench_sink_dynamodb and
# bench_batch_write (DYNASINK_BUILD_DIR, default build/release). Prints each run and the medians:
# rows/s (wall time of the write loop) and CPU microseconds per row (getrusage of the process).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${DYNASINK_BUILD_DIR:-$root/build/release}
runs=3 rows=1000000 in_flight=64
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --rows) rows=$2; shift 2 ;;
    --in-flight) in_flight=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--rows N] [--in-flight N]" >&2; exit 2 ;;
  esac
done
sink=$build_dir/bench/bench_sink_dynamodb
client=$build_dir/bench/bench_batch_write
for b in "$sink" "$client"; do
  [[ -x $b ]] || { echo "sink_dynamodb.sh: $b not built" >&2; exit 1; }
done
[[ -x /usr/sbin/nginx ]] || { echo "sink_dynamodb.sh: nginx is missing: run scripts/install-deps --bench" >&2; exit 1; }

tmp=$(mktemp -d)
nginx_pid=""
cleanup() {
  [[ -n $nginx_pid ]] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$tmp/nginx"
sed -e "s|@PREFIX@|$tmp/nginx|g" -e "s|@PORT@|$port|g" "$root/bench/nginx/nginx.conf.in" >"$tmp/nginx/nginx.conf"
/usr/sbin/nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" &
nginx_pid=$!
endpoint=http://127.0.0.1:$port
for _ in $(seq 100); do
  curl -fs -o /dev/null -X POST "$endpoint/" && break
  sleep 0.05
done
echo "null endpoint: nginx at $endpoint; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $runs runs of $rows rows" >&2

for r in $(seq "$runs"); do
  "$sink" --endpoint "$endpoint" --rows "$rows" --in-flight "$in_flight" | tee -a "$tmp/sink"
  "$client" --endpoint "$endpoint" --rows "$rows" --in-flight "$in_flight" | tee -a "$tmp/client"
done

/usr/bin/python3 - "$tmp/sink" "$tmp/client" <<'PY'
import statistics, sys
def load(path):
    out = []
    for line in open(path):
        f = dict(kv.split("=", 1) for kv in line.split())
        rows = float(f["rows"])
        cpu = float(f["cpu_user"]) + float(f["cpu_sys"])
        out.append((float(f["rows_per_s"]), cpu * 1e6 / rows))
    return out
print()
print(f"{'':<34} {'rows/s (median)':>16} {'CPU us/row (median)':>20}")
for name, path in (("sink (Write -> acknowledged)", sys.argv[1]), ("DynamoDB client alone", sys.argv[2])):
    runs = load(path)
    print(f"{name:<34} {statistics.median(r[0] for r in runs):>16,.0f} {statistics.median(r[1] for r in runs):>20.2f}")
PY
