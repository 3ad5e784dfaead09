#!/usr/bin/env bash
# Chatbot reply latency on the demo shop: a scripted English and Chinese conversation played
# many times through one `shopdesk-cli chat --json`, the per-message time the dialogue manager
# measures (elapsed_us) summarised as median and p99, next to the cost of one plain
# prepared-statement round trip measured in the same run (sqlite3 CLI, order by number).
# Fails when p99 is 5 ms or more.
#   bash bench/chat-latency.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
cli=./build/src/cli/shopdesk-cli
rounds=${1:-20}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db="$dir/demo.sqlite"
$cli --db "$db" demo >/dev/null 2>&1

script="$dir/script.txt"
cat > "$script" <<'TXT'
hi
where is my order?
SD-100001
do you have any teapots?
how long does shipping take
I want to return something
recommend me something
any coupons for me?
is the teapot in stock?
this is terrible, nobody answers
no thanks
你好
我的订单SD-100002到哪了
有马克杯吗
运费多少
给我推荐点东西
谢谢
bye
TXT
# One process, the script played rounds + 1 times; the first round loads the classifier,
# the coupon facts and the popularity list (once per process), so it is left out.
n_lines=$(wc -l < "$script")
for _ in $(seq 0 "$rounds"); do cat "$script"; done |
  $cli --db "$db" chat --customer 1 --json > "$dir/traces.txt"

python3 - "$dir/traces.txt" "$n_lines" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()[int(sys.argv[2]):]
traces = [json.loads(l) for l in lines]
def summary(key):
    times = sorted(t[key] / 1000.0 for t in traces)
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))], times[-1]
w50, w99, wmax = summary("elapsed_us")
c50, c99, cmax = summary("cpu_us")
print(f"messages {len(traces)}")
print(f"wall: median {w50:.3f} ms  p99 {w99:.3f} ms  max {wmax:.3f} ms")
print(f"CPU:  median {c50:.3f} ms  p99 {c99:.3f} ms  max {cmax:.3f} ms")
open(sys.argv[1] + ".p99", "w").write(f"{w99} {c99}\n")
PY
read -r p99 cpu99 < "$dir/traces.txt.p99"

# reference: one indexed order lookup through the sqlite3 CLI, per query
s=$(date +%s%N)
for _ in $(seq 200); do echo "SELECT status FROM orders WHERE external_id = 'SD-100001';"; done | sqlite3 "$db" >/dev/null
ref=$(awk -v ns="$(( $(date +%s%N) - s ))" 'BEGIN {print ns / 200 / 1e6}')
awk -v p="$p99" -v r="$ref" 'BEGIN {printf "reference: one order lookup via sqlite3 %.3f ms; p99 / reference = %.1f; p99 / 5 ms target = %.2f\n", r, p / r, p / 5}'
awk -v p="$cpu99" 'BEGIN {exit !(p < 5)}' || { echo "FAIL: p99 reply CPU time ${cpu99} ms is not under 5 ms" >&2; exit 1; }
# Wall time includes waiting for a core: on a machine busier than its cores it says more
# about the other processes than about Shopdesk, so it is asserted only when there is room.
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)
cores=$(nproc)
if awk -v l="$load" -v c="$cores" 'BEGIN {exit !(l < c)}'; then
  awk -v p="$p99" 'BEGIN {exit !(p < 5)}' || { echo "FAIL: p99 reply latency ${p99} ms is not under 5 ms" >&2; exit 1; }
  echo "ok: p99 under 5 ms (wall and CPU)"
else
  echo "ok: p99 CPU time under 5 ms; wall p99 not asserted: load average $load on $cores cores"
fi
