#!/bin/sh
# bench/als-mpi.sh — distributed ALS (train --distributed) on 1 and 2 ranks of this machine:
# seconds per iteration for each, the 1- to 2-rank time ratio (the speedup), and the bytes
# the ranks exchanged per iteration.
#
#   bench/als-mpi.sh                         (from the repository root, after `meson setup build`)
#   BUILD=build ITERATIONS=3 REPEATS=3 DEMO_SIZE=100000 bench/als-mpi.sh
#   SHOP=/work/data/large.sqlite bench/als-mpi.sh   (copied first: training records runs in it)
#   RANKS="1 2 3 4" bench/als-mpi.sh         (more ranks than cores run oversubscribed: labelled so)
#
# The runs alternate (1, 2, 1, 2, …) so both see the same load from other work on the
# machine; the medians are printed. Each rank runs its solves on one thread.
set -eu

BUILD=${BUILD:-build}
ITERATIONS=${ITERATIONS:-3}
REPEATS=${REPEATS:-3}
FACTORS=${FACTORS:-64}
DEMO_SIZE=${DEMO_SIZE:-100000}
RANKS=${RANKS:-1 2}
CLI="$BUILD/src/cli/shopdesk-cli"

command -v mpirun >/dev/null || { echo "mpirun not found (Debian: openmpi-bin)" >&2; exit 1; }
ninja -C "$BUILD" >/dev/null
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
# As root (containers, CI) mpirun wants to be told that is meant.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

if [ -n "${SHOP:-}" ]; then
  cp --reflink=auto "$SHOP" "$TMP/shop.sqlite"
  label=$(basename "$SHOP")
else
  "$CLI" --db "$TMP/shop.sqlite" demo --size "$DEMO_SIZE" >/dev/null 2>&1
  label="demo shop, $DEMO_SIZE customers"
fi

cores=$(nproc)
: >"$TMP/rows"
r=1
while [ "$r" -le "$REPEATS" ]; do
  for n in $RANKS; do
    mpirun --oversubscribe -np "$n" "$CLI" --db "$TMP/shop.sqlite" train --model als --distributed \
      --no-store --json -p factors="$FACTORS" -p iterations="$ITERATIONS" -p threads=1 >"$TMP/out"
    python3 - "$n" "$ITERATIONS" "$TMP/out" >>"$TMP/rows" <<'EOF'
import json, sys
n, iterations, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
r = json.load(open(path))
print(n, r["train_seconds"] / iterations, r["exchange_seconds"] / iterations, r["cpu_seconds"] / iterations,
      r["exchanged_bytes"] // iterations)
EOF
  done
  r=$((r + 1))
done

echo "ALS, $FACTORS factors, $ITERATIONS iterations, $REPEATS runs each, on $label; $cores cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$cores" "$TMP/rows" <<'EOF'
import statistics, sys
cores = int(sys.argv[1])
runs = {}
for line in open(sys.argv[2]):
    n, seconds, waiting, cpu, exchanged = line.split()
    runs.setdefault(int(n), []).append((float(seconds), float(waiting), float(cpu), int(exchanged)))
def median(n, i):
    return statistics.median(run[i] for run in runs[n])
base = median(min(runs), 0)
print("ranks\ts/iteration\tin exchanges\tCPU s/iteration\tspeedup\tbytes exchanged/iteration"
      "   (exchanges and CPU: rank 0's)")
for n in sorted(runs):
    note = "  (oversubscribed: more ranks than cores)" if n > cores else ""
    print("%d\t%.3f\t%.3f\t%.3f\t%.2f\t%d%s" % (n, median(n, 0), median(n, 1), median(n, 2),
                                            base / median(n, 0), runs[n][0][3], note))
if 1 in runs and 2 in runs:
    print("1-rank / 2-rank time: %.2f" % (median(1, 0) / median(2, 0)))
    # What the ratio would be with a free core per rank: rank 0's own work, plus the
    # exchanges' time less the waiting a busy machine adds (an upper bound on that cost).
    print("1-rank / 2-rank CPU of rank 0: %.2f" % (median(1, 2) / median(2, 2)))
EOF
