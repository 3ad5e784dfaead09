#!/bin/sh
# bench/als.sh — ALS (64 factors) seconds per iteration on MovieLens-100k, Online Retail
# and a demo shop, with the GFLOP/s of its BLAS calls next to the dgemm GFLOP/s the same
# machine reaches in the same run; the ratio is the figure to watch.
#
#   bench/als.sh                     (from the repository root, after `meson setup build`)
#   BUILD=build ITERATIONS=5 THREADS=1 DEMO_SIZE=100000 bench/als.sh
#   DEMO_SIZE=large bench/als.sh     (1M customers: minutes to generate, GBs of memory)
#
# Data sets not found under ../shared/datasets are skipped with a note.
set -eu

BUILD=${BUILD:-build}
ITERATIONS=${ITERATIONS:-5}
THREADS=${THREADS:-1}
DEMO_SIZE=${DEMO_SIZE:-100000}
DATASETS=${SD_DATASETS_DIR:-../shared/datasets}
FACTORS=${FACTORS:-64}

ninja -C "$BUILD" >/dev/null
BENCH="$BUILD/bench/sd-bench-als"
CLI="$BUILD/src/cli/shopdesk-cli"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

ROWS="$TMP/rows"
: >"$ROWS"

# The ALS solves run on $THREADS threads of one BLAS thread each: compared with dgemm on
# as many threads, timed right before each ALS run so both see the same machine load.
run () {
  name=$1
  shift
  for variant in cholesky:double cholesky:float cg:double; do
    solver=${variant%:*}
    precision=${variant#*:}
    dgemm=$("$BENCH" --dgemm 2000 --threads "$THREADS" | cut -f4)
    if line=$("$BENCH" "$@" --factors "$FACTORS" --iterations "$ITERATIONS" --threads "$THREADS" \
                --solver "$solver" --precision "$precision" 2>"$TMP/err"); then
      printf '%s\t%s\t%s\n' "$name" "$line" "$dgemm" >>"$ROWS"
    else
      echo "note: $name ($solver) failed: $(cat "$TMP/err")" >&2
    fi
  done
}

ML="$DATASETS/movielens-100k"
if [ -f "$ML/u1.base" ] && [ -f "$ML/u1.test" ]; then
  # u1.base + u1.test are the 100,000 ratings (the copy of u.data here has damaged rows)
  run "MovieLens-100k" --movielens "$ML/u1.base" --movielens "$ML/u1.test"
else
  echo "note: $ML not found, MovieLens-100k skipped" >&2
fi

OR="$DATASETS/online-retail/online_retail.csv.gz"
if [ -f "$OR" ]; then
  "$CLI" --db "$TMP/retail.sqlite" import "$OR" >"$TMP/log" 2>&1 || { cat "$TMP/log"; exit 1; }
  run "Online Retail" --db "$TMP/retail.sqlite"
else
  echo "note: $OR not found, Online Retail skipped" >&2
fi

"$CLI" --db "$TMP/demo.sqlite" demo --size "$DEMO_SIZE" >"$TMP/log" 2>&1 || { cat "$TMP/log"; exit 1; }
run "demo shop ($DEMO_SIZE)" --db "$TMP/demo.sqlite"

set -- $("$BENCH" --dgemm 2000 --threads "$THREADS")
printf '\nALS, %s factors, %s iterations, %s solver thread(s) of 1 BLAS thread each.\n' \
  "$FACTORS" "$ITERATIONS" "$THREADS"
printf 'dgemm 2000x2000 on %s thread(s): %s GFLOP/s now (sgemm %s); each row has its own, timed just before.\n\n' \
  "$THREADS" "$4" "$5"
printf '%-22s %7s %6s %8s %-12s %8s %10s %12s %11s %8s %6s\n' \
  "data" "users" "items" "cells" "solver" "s/iter" "GFLOP/iter" "GFLOP/s BLAS" "GFLOP/s all" "dgemm" "ratio"
while IFS='	' read -r name _ users items nnz _ _ solver spi gflop rate_blas rate_all dgemm; do
  ratio=$(awk -v a="$rate_blas" -v b="$dgemm" 'BEGIN { printf "%.2f", a / b }')
  printf '%-22s %7s %6s %8s %-12s %8s %10s %12s %11s %8s %6s\n' \
    "$name" "$users" "$items" "$nnz" "$solver" "$spi" "$gflop" "$rate_blas" "$rate_all" "$dgemm" "$ratio"
done <"$ROWS"
printf '\ncholesky/f32: the row systems formed and solved in float (ssyrk/sposv), factors kept double.\n'
printf 'GFLOP/s BLAS: flops of the syrk/posv/symv/gemv calls over the time spent inside them;\n'
printf 'GFLOP/s all: the same flops over the whole iteration (gathering and the loss included);\n'
printf 'ratio: GFLOP/s BLAS / dgemm GFLOP/s (2000x2000, same thread count).\n'
printf '\nOne row solve (k=%s), microseconds, double / float / speed-up, by items in the row:\n' "$FACTORS"
for n in 10 100 1000; do
  "$BENCH" --kernel "$n" --factors "$FACTORS" | awk -F'\t' '{ printf "  %5s items: %8s %8s %6sx\n", $3, $4, $5, $6 }'
done

