#!/bin/sh
# bench/als.sh — ALS (64 factors) seconds and memory per iteration at three shop sizes, with
# the GFLOP/s of its BLAS calls next to the dgemm GFLOP/s of this machine timed in the same
# run, right before each ALS run; the ratio is the figure to watch.
#
#   bench/als.sh                       (from the repository root, after `meson setup build`)
#   BUILD=build ITERATIONS=3 VARIANTS=cg:float,cholesky:float bench/als.sh
#   LARGE=/work/data/large.sqlite bench/als.sh   (the 1M-customer demo shop: copied, never changed)
#
# Sizes: MovieLens-100k (a reference point), a small demo shop (SMALL, 10,000 customers),
# Online Retail (or a 100,000-customer demo shop where the data set is absent) and the large
# shop when LARGE names one (default /work/data/large.sqlite where it exists).
#
# Rates are per core over CPU time (ALS: its threads' CPU time inside BLAS; dgemm: the
# process's), so that other work on a shared machine does not distort the ratio; s/iter is
# wall time, CPU s/iter the CPU time of both solver threads (half of it is the wall time of
# an otherwise idle 2-core machine). Peak is the process's maximum resident memory: the
# matrix as loaded plus training, variants in the order given.
set -eu

BUILD=${BUILD:-build}
ITERATIONS=${ITERATIONS:-3}
THREADS=${THREADS:-2}
SMALL=${SMALL:-10000}
DATASETS=${SD_DATASETS_DIR:-../shared/datasets}
FACTORS=${FACTORS:-64}
VARIANTS=${VARIANTS:-cg:float,cholesky:float,cg:double,cholesky:double}
LARGE_VARIANTS=${LARGE_VARIANTS:-cg:float,cholesky:float}
if [ -z "${LARGE+set}" ] && [ -f /work/data/large.sqlite ]; then
  LARGE=/work/data/large.sqlite
fi
LARGE=${LARGE:-}

ninja -C "$BUILD" >/dev/null
BENCH="$BUILD/bench/sd-bench-als"
CLI="$BUILD/src/cli/shopdesk-cli"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

ROWS="$TMP/rows"
: >"$ROWS"

run () {
  name=$1
  variants=$2
  shift 2
  if "$BENCH" "$@" --factors "$FACTORS" --iterations "$ITERATIONS" --threads "$THREADS" \
       --variants "$variants" >"$TMP/out" 2>"$TMP/err"; then
    sed "s/^/$name	/" "$TMP/out" >>"$ROWS"
  else
    echo "note: $name failed: $(cat "$TMP/err")" >&2
  fi
}

ML="$DATASETS/movielens-100k"
if [ -f "$ML/u1.base" ] && [ -f "$ML/u1.test" ]; then
  # u1.base + u1.test are the 100,000 ratings (the copy of u.data here has damaged rows)
  run "MovieLens-100k" "$VARIANTS" --movielens "$ML/u1.base" --movielens "$ML/u1.test"
else
  echo "note: $ML not found, MovieLens-100k skipped" >&2
fi

"$CLI" --db "$TMP/small.sqlite" demo --size "$SMALL" >"$TMP/log" 2>&1 || { cat "$TMP/log"; exit 1; }
run "demo $SMALL" "$VARIANTS" --db "$TMP/small.sqlite"
rm -f "$TMP/small.sqlite"*

OR="$DATASETS/online-retail/online_retail.csv.gz"
if [ -f "$OR" ]; then
  "$CLI" --db "$TMP/retail.sqlite" import "$OR" >"$TMP/log" 2>&1 || { cat "$TMP/log"; exit 1; }
  run "Online Retail" "$VARIANTS" --db "$TMP/retail.sqlite"
  rm -f "$TMP/retail.sqlite"*
else
  echo "note: $OR not found, a 100,000-customer demo shop instead" >&2
  "$CLI" --db "$TMP/mid.sqlite" demo --size 100000 >"$TMP/log" 2>&1 || { cat "$TMP/log"; exit 1; }
  run "demo 100000" "$VARIANTS" --db "$TMP/mid.sqlite"
  rm -f "$TMP/mid.sqlite"*
fi

if [ -n "$LARGE" ] && [ -f "$LARGE" ]; then
  # a copy: opening a shop may migrate it, and the original is shared
  cp --reflink=auto "$LARGE" "$TMP/large.sqlite"
  run "large ($(basename "$LARGE"))" "$LARGE_VARIANTS" --db "$TMP/large.sqlite"
  rm -f "$TMP/large.sqlite"*
else
  echo "note: no large shop (LARGE=path; shopdesk-cli demo --size large makes one), skipped" >&2
fi

printf '\nALS, %s factors, %s iterations, %s solver threads of 1 BLAS thread each.\n\n' \
  "$FACTORS" "$ITERATIONS" "$THREADS"
printf '%-16s %8s %6s %9s %-16s %7s %9s %10s %9s %8s %8s %6s %7s %6s\n' \
  "data" "users" "items" "cells" "solver" "s/iter" "CPU s/it" "GFLOP/iter" "BLAS/core" "all/core" "dgemm" "ratio" "peak MB" "load s"
while IFS='	' read -r name _ users items nnz _ _ solver spi cpu gflop blas all dgemm peak load; do
  ratio=$(awk -v a="$blas" -v b="$dgemm" 'BEGIN { printf "%.2f", a / b }')
  printf '%-16s %8s %6s %9s %-16s %7s %9s %10s %9s %8s %8s %6s %7s %6s\n' \
    "$name" "$users" "$items" "$nnz" "$solver" "$spi" "$cpu" "$gflop" "$blas" "$all" "$dgemm" "$ratio" "$peak" "$load"
done <"$ROWS"
printf '\nBLAS/core: GFLOP/s of the gemm/trsm/syrk/posv/gemv calls over their CPU time;\n'
printf 'all/core: the same flops over the CPU time of the whole iteration (gathering, loss);\n'
printf 'dgemm: 2000x2000 dgemm GFLOP/s on one core, timed just before the row; ratio = BLAS/dgemm.\n'
printf 'float: factors and solves in float, sums in double (the default); double: the reference.\n'
