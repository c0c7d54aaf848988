#!/usr/bin/env bash
# bench-stream.sh — k6's memory and the run directory's size over a long run at a fixed
# arrival rate against `eidsim serve --hash fast`, with eidsim's streaming output (the k6 of
# `make k6`, --out eidsim, no Trend sinks) and then with k6's stock outputs as eidsim used them
# (--out json=k6-raw.json.gz, k6's thresholds and end-of-test summary), one after the other;
# then k6 iterations per CPU-second with and without the extension (closed model, short).
#
#   scripts/bench-stream.sh [DURATION_SECONDS] [RATE]      (default 3600 s at 1000 iterations/s)
#
# Environment: BENCH_OUT (results directory, default bin/bench-stream), BENCH_CPU_SECONDS (30),
# BENCH_MODES ("stream stock"), BENCH_NOBUILD=1 to use bin/ as it is. Every 10 s it samples
# the k6 process's resident memory (VmRSS) and the run directory's size into MODE.csv, and at
# the end prints, per mode, the RSS after warm-up (60 s) and at the end, the slope and the
# slope extrapolated to an hour, and the directory's size. docs/streaming.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${1:-3600}
RATE=${2:-1000}
OUT=${BENCH_OUT:-bin/bench-stream}
CPU_SECONDS=${BENCH_CPU_SECONDS:-30}
MODES=${BENCH_MODES:-stream stock}
EIDSIM=${BENCH_EIDSIM:-bin/eidsim}
export K6_AUTO_EXTENSION_RESOLUTION=false K6_NO_USAGE_REPORT=true K6_WEB_DASHBOARD=false
if [ -z "${BENCH_NOBUILD:-}" ]; then make -s build k6 k6-stock; fi
rm -rf "$OUT"; mkdir -p "$OUT"; OUT=$(cd "$OUT" && pwd)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
TARGET=http://127.0.0.1:$PORT
mkdir -m 0700 "$OUT/serve-data"
"$EIDSIM" generate --profile dien-bien --count 1000 --seed 1 --out "$OUT/population.jsonl" --progress never
"$EIDSIM" serve --population "$OUT/population.jsonl" --hash fast --addr 127.0.0.1:$PORT --data "$OUT/serve-data" --access-log=false >"$OUT/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "$TARGET/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS "$TARGET/healthz" >/dev/null

# run MODE: one long run, sampled every 10 s.
run() {
  local mode=$1 dir=$OUT/$1 k6 args
  mkdir -p "$dir"
  case $mode in
    stream) k6=bin/k6; args=(--no-thresholds --summary-mode=disabled --out "eidsim=$dir/k6-stream.json.gz") ;;
    stock) k6=bin/k6-stock; args=(--out "json=$dir/k6-raw.json.gz" --summary-export "$dir/k6-summary.json") ;;
  esac
  BENCH_TARGET=$TARGET BENCH_RATE=$RATE BENCH_DURATION=${DUR}s "$k6" run --quiet --no-color "${args[@]}" scripts/bench-stream.js >"$dir/k6.log" 2>&1 &
  local pid=$! t0=$SECONDS
  echo "seconds,rss_kib,dir_bytes" >"$OUT/$mode.csv"
  while kill -0 $pid 2>/dev/null; do
    local rss
    rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
    echo "$((SECONDS - t0)),${rss:-0},$(du -sb "$dir" | cut -f1)" >>"$OUT/$mode.csv"
    sleep 10
  done
  wait $pid || echo "$mode: k6 exited $? (see $dir/k6.log)"
  echo "$((SECONDS - t0)),0,$(du -sb "$dir" | cut -f1)" >>"$OUT/$mode.csv"
}

# summarise MODE: RSS after warm-up and at the end, slope, extrapolated hour, disk.
summarise() {
  awk -F, -v mode="$1" 'NR > 1 && $2 > 0 { n++; t[n] = $1; r[n] = $2 } NR > 1 { last = $3; end = $1 }
    END {
      w = 1; for (i = 1; i <= n; i++) if (t[i] >= 60) { w = i; break }
      sx = sy = sxx = sxy = 0; m = 0
      for (i = w; i <= n; i++) { m++; sx += t[i]; sy += r[i]; sxx += t[i]*t[i]; sxy += t[i]*r[i] }
      slope = (m > 1) ? (m*sxy - sx*sy) / (m*sxx - sx*sx) : 0
      peak = 0; for (i = 1; i <= n; i++) if (r[i] > peak) peak = r[i]
      printf "%s: RSS %.0f MiB at %ds, %.0f MiB at %ds (peak %.0f MiB); slope after warm-up %.2f MiB/min, extrapolated to 1 h: %.0f MiB; run directory %.1f MiB after %ds (extrapolated to 1 h: %.1f MiB)\n",
        mode, r[w]/1024, t[w], r[n]/1024, t[n], peak/1024, slope*60/1024, (r[n] + slope*(3600 - t[n]))/1024, last/1048576, end, (end > 0 ? last/1048576*3600/end : 0)
    }' "$OUT/$1.csv"
}

# cpu LABEL K6 ARGS...: iterations per CPU-second of k6 (closed model, BENCH_CPU_SECONDS).
cpu() {
  local label=$1 k6=$2; shift 2
  local dir=$OUT/cpu-$label; mkdir -p "$dir"
  local it
  TIMEFORMAT='%U %S'
  { time BENCH_MODE=cpu BENCH_TARGET=$TARGET BENCH_DURATION=${CPU_SECONDS}s "$k6" run --quiet --no-color "$@" scripts/bench-stream.js >"$dir/k6.log" 2>&1 ; } 2>"$dir/time"
  it=$(grep -o 'iterations=[0-9]*' "$dir/k6.log" | tail -1 | cut -d= -f2)
  awk -v it="${it:-0}" -v label="$label" -v s="$CPU_SECONDS" '{ cpu = $1 + $2; printf "%s: %d iterations in %d s, k6 CPU %.1f s: %.0f iterations per CPU-second (%.0f/s wall)\n", label, it, s, cpu, (cpu > 0 ? it/cpu : 0), it/s }' "$dir/time"
}

for m in $MODES; do echo "== $m: ${DUR}s at $RATE/s"; run "$m"; done
for m in $MODES; do summarise "$m"; done | tee "$OUT/summary.txt"
if [ "$CPU_SECONDS" -gt 0 ]; then
  cpu with-extension bin/k6 --no-thresholds --summary-mode=disabled --out "eidsim=$OUT/cpu-with-extension/k6-stream.json.gz" | tee -a "$OUT/summary.txt"
  cpu without-extension bin/k6 --no-thresholds --summary-mode=disabled | tee -a "$OUT/summary.txt"
  cpu stock-outputs bin/k6-stock --out "json=$OUT/cpu-stock-outputs/k6-raw.json.gz" | tee -a "$OUT/summary.txt"
fi
