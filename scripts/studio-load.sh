#!/usr/bin/env bash
# Pincel Studio under load (a benchmark figure, not a test): runs the same job (astronaut ×
# Starry Night, seed 1, one compute thread) first alone, then beside wrk hammering the page and
# the job list (with the token header) from many connections — for --seconds, or longer when the
# job alone took longer (1.3 × its time + 2 s, so that wrk covers the whole job on a slow or
# busy machine) — and checks that no request got a
# 5xx, that no job was lost or half-written and that the job finished. Loopback only.
#
#   bash scripts/studio-load.sh [--size 256] [--iterations 40] [--connections 64] [--seconds 20]
#
# Needs a built binary (.build/release/pincel, or $PINCEL_BIN), the weights (make weights) and
# wrk (installed by scripts/install-load-deps.sh). Prints the job's time alone and beside wrk,
# and wrk's requests per second.
set -euo pipefail
cd "$(dirname "$0")/.."
size=256 iterations=40 connections=64 seconds=20
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size="$2"; shift 2 ;;
    --iterations) iterations="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    *) echo "usage: scripts/studio-load.sh [--size N] [--iterations N] [--connections N] [--seconds N]" >&2; exit 64 ;;
  esac
done
bash scripts/install-load-deps.sh
binary="${PINCEL_BIN:-.build/release/pincel}"
weights="${PINCEL_WEIGHTS:-${PINCEL_HOME:-$HOME/.cache/pincel}/vgg19_weights_tf_dim_ordering_tf_kernels_notop_q.bin}"
[ -x "$binary" ] || { echo "studio-load: no binary at $binary (swift build -c release)" >&2; exit 1; }
[ -f "$weights" ] || { echo "studio-load: no weights at $weights (make weights)" >&2; exit 1; }

home="$(mktemp -d "${TMPDIR:-/tmp}/pincel-studio-load.XXXXXX")"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
token="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
base="http://127.0.0.1:$port"
PINCEL_HOME="$home" PINCEL_STUDIO_TOKEN="$token" "$binary" studio --port "$port" --threads 1 --weights "$weights" \
  --examples Examples >"$home/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$home"' EXIT
for _ in $(seq 1 600); do
  curl -s -o /dev/null -H "X-Pincel-Token: $token" "$base/api/health" && break
  kill -0 "$server" 2>/dev/null || { cat "$home/server.log" >&2; exit 1; }
  sleep 0.1
done

api() { # method path [body]
  curl -s -X "$1" -H "X-Pincel-Token: $token" -H "Origin: $base" -H "Content-Type: application/json" \
    ${3:+--data "$3"} "$base$2"
}
field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }
job='{"content":"example:astronaut.png","styles":["example:starry_night.jpg"],"size":'"$size"',"iterations":'"$iterations"',"seed":"1"}'

# Runs one job; prints "id optimisation-seconds wall-seconds".
run_job() {
  local id start state
  start="$(date +%s.%N)"
  id="$(api POST /api/jobs "$job" | field '["id"]')"
  while :; do
    state="$(api GET "/api/jobs/$id" | field '["state"]')"
    case "$state" in queued | running) sleep 0.2 ;; *) break ;; esac
  done
  [ "$state" = done ] || { echo "studio-load: job $id ended $state" >&2; exit 1; }
  echo "$id $(api GET "/api/jobs/$id" | field '["seconds"]' | xargs printf '%.1f') $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
api POST /api/jobs '{"content":"example:astronaut.png","styles":["example:starry_night.jpg"],"size":64,"iterations":3,"seed":"1"}' >/dev/null
sleep 3  # warm-up job
read -r alone_id alone_s alone_wall < <(run_job)
echo "job alone: $iterations iterations at $size px in $alone_s s of optimisation ($alone_wall s submit to done)"

wrk_seconds="$(awk -v s="$seconds" -v a="$alone_wall" 'BEGIN { c = int(a * 1.3 + 2); print (c > s ? c : s) }')"
echo "wrk: $connections connections, 1 thread, $wrk_seconds s"
wrk -t1 -c"$connections" -d"${wrk_seconds}s" -H "X-Pincel-Token: $token" -s scripts/studio-load.lua "$base" >"$home/wrk.txt" 2>&1 &
wrk_pid=$!
sleep 1
read -r busy_id busy_s busy_wall < <(run_job)
wait "$wrk_pid"
echo "job beside wrk: $iterations iterations at $size px in $busy_s s of optimisation ($busy_wall s submit to done)"
grep -E "Requests/sec|statuses:|Latency|requests in" "$home/wrk.txt"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# Checks: no 5xx, no socket errors; every job listed and done, each with a whole PNG result.
status_line="$(grep statuses: "$home/wrk.txt")"
case "$status_line" in *"5xx 0;"*) ;; *) echo "studio-load: FAIL, server errors: $status_line" >&2; exit 1 ;; esac
case "$status_line" in *"4xx 0,"*) ;; *) echo "studio-load: FAIL, refused requests: $status_line" >&2; exit 1 ;; esac
api GET /api/jobs | python3 -c '
import json, sys
jobs = json.load(sys.stdin)
assert len(jobs) == 3, "jobs lost: %d listed" % len(jobs)
assert all(j["state"] == "done" and j["hasImage"] for j in jobs), [(j["number"], j["state"]) for j in jobs]
'
for id in "$alone_id" "$busy_id"; do
  png="$home/studio/jobs/$id/result.png"
  python3 - "$png" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[-12:-8] == b"\x00\x00\x00\x00" and data[-8:-4] == b"IEND", sys.argv[1] + " is not a whole PNG"
PY
done
echo "studio-load: OK (no 5xx, no lost or half-written job, the job finished beside the load)"
