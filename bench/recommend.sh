#!/bin/sh
# bench/recommend.sh — speed of the recommenders: fit times of item-kNN, user-kNN and EASE,
# top-10 latency for one user (median and p99 over all evaluated users), scoring all users,
# and how time and memory grow with the number of interactions (demo shops of three sizes).
# Peak memory is /usr/bin/time -v's maximum resident set size of the whole CLI run.
# Figures are compared with references measured in the same run (popularity for quality,
# the smallest shop for growth), so the ratios mean the same on any machine.
#
#   bench/recommend.sh                          (from the repository root, after `meson setup build`)
#   BUILD=build SIZES="2000 8000 32000" THREADS=1 bench/recommend.sh
#
# The ALS part (seconds per iteration, BLAS GFLOP/s against dgemm) is bench/als.sh, run at
# the end when it is there.
set -eu

BUILD=${BUILD:-build}
SIZES=${SIZES:-2000 8000 32000}
THREADS=${THREADS:-1}
DATASETS=${SD_DATASETS_DIR:-../shared/datasets}
CLI="$BUILD/src/cli/shopdesk-cli"
TIME=/usr/bin/time

ninja -C "$BUILD" >/dev/null
[ -x "$TIME" ] || { echo "bench/recommend.sh needs $TIME (GNU time) for peak memory" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
export OPENBLAS_NUM_THREADS="$THREADS"

# field JSON KEY: a number from the CLI's one-line JSON
field () {
  printf '%s' "$1" | sed -n "s/.*\"$2\": \\([-0-9.eE+]*\\).*/\\1/p"
}

# measure NAME ARGS…: runs `shopdesk-cli ARGS… --json` under GNU time; sets $json, $peak_mb
measure () {
  name=$1
  shift
  if ! "$TIME" -v -o "$TMP/time" "$CLI" "$@" --json >"$TMP/out" 2>"$TMP/err"; then
    echo "note: $name failed: $(tail -n 2 "$TMP/err")" >&2
    json=""
    peak_mb=""
    return 1
  fi
  json=$(cat "$TMP/out")
  peak_kb=$(sed -n 's/.*Maximum resident set size (kbytes): *//p' "$TMP/time")
  peak_mb=$(awk -v k="$peak_kb" 'BEGIN { printf "%.1f", k / 1024 }')
  # CPU seconds of the whole run (load, fit, evaluation): on a shared machine wall-clock
  # times stretch while this does not.
  cpu_s=$(awk -F': ' '/User time|System time/ { t += $2 } END { printf "%.2f", t }' "$TMP/time")
}

echo "== MovieLens-100k u1 (943 users × 1,682 items, positives = rating >= 4; scoring on $THREADS thread(s))"
ML="$DATASETS/movielens-100k"
if [ -f "$ML/u1.base" ] && [ -f "$ML/u1.test" ]; then
  printf '%-11s %9s %9s %9s %11s %11s %10s %8s %9s %9s %11s\n' model "fit s" "eval s" "users/s" "top10 med" "top10 p99" "peak MB" "cpu s" "NDCG@10" "R@20" "NDCG/pop"
  pop_ndcg=""
  for model in popularity itemknn userknn ease; do
    measure "$model" eval --model "$model" --train "$ML/u1.base" --test "$ML/u1.test" --threads "$THREADS" || continue
    ndcg=$(field "$json" "ndcg@10")
    [ -n "$pop_ndcg" ] || pop_ndcg=$ndcg
    awk -v m="$model" -v fit="$(field "$json" train_seconds)" -v ev="$(field "$json" eval_seconds)" \
        -v users="$(field "$json" users_evaluated)" -v med="$(field "$json" latency_median_ms)" \
        -v p99="$(field "$json" latency_p99_ms)" -v peak="$peak_mb" -v ndcg="$ndcg" \
        -v rec="$(field "$json" "recall@20")" -v pop="$pop_ndcg" -v cpu="$cpu_s" 'BEGIN {
      printf "%-11s %9.3f %9.3f %9.0f %8.3f ms %8.3f ms %10s %8s %9.4f %9.4f %10.2fx\n",
             m, fit, ev, users / (ev > 0 ? ev : 1e-9), med, p99, peak, cpu, ndcg, rec, ndcg / pop }'
  done
else
  echo "note: $ML not found, MovieLens-100k skipped" >&2
fi

echo
echo "== Demo shops of growing size (holdout 20 % per customer; default hyperparameters)"
printf '%-8s %-9s %10s %9s %9s %9s %9s %11s %11s %9s %8s %9s\n' customers model interactions items "fit s" "eval s" "users/s" "top10 med" "top10 p99" "peak MB" "cpu s" "NDCG@10"
: >"$TMP/rows"
for size in $SIZES; do
  db="$TMP/demo-$size.sqlite"
  if ! "$CLI" --db "$db" demo --size "$size" >"$TMP/log" 2>&1; then
    echo "note: demo shop of $size customers failed: $(tail -n 1 "$TMP/log")" >&2
    continue
  fi
  for model in itemknn ease; do
    measure "$model" --db "$db" eval --model "$model" --threads "$THREADS" || continue
    line=$(awk -v s="$size" -v m="$model" -v nnz="$(field "$json" train_cells)" -v items="$(field "$json" n_items)" \
        -v fit="$(field "$json" train_seconds)" -v ev="$(field "$json" eval_seconds)" \
        -v users="$(field "$json" users_evaluated)" -v med="$(field "$json" latency_median_ms)" \
        -v p99="$(field "$json" latency_p99_ms)" -v peak="$peak_mb" -v ndcg="$(field "$json" "ndcg@10")" \
        -v cpu="$cpu_s" 'BEGIN {
      printf "%-8s %-9s %10d %9d %9.3f %9.3f %9.0f %8.3f ms %8.3f ms %9s %8s %9.4f", s, m, nnz, items, fit, ev,
             users / (ev > 0 ? ev : 1e-9), med, p99, peak, cpu, ndcg }')
    echo "$line"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$model" "$size" "$(field "$json" train_cells)" "$(field "$json" train_seconds)" "$peak_mb" "$(field "$json" n_items)" "$cpu_s" >>"$TMP/rows"
  done
done

echo
echo "== Growth relative to the smallest shop (item-kNN should track interactions; EASE tracks items³ in time, items² in memory)"
printf '%-9s %-8s %14s %12s %12s %12s %12s\n' model customers "interactions ×" "items ×" "fit time ×" "cpu time ×" "peak mem ×"
for model in itemknn ease; do
  awk -F '\t' -v m="$model" '$1 == m {
    if (!base) { n0 = $3; t0 = ($4 > 0 ? $4 : 1e-6); p0 = $5; i0 = $6; c0 = ($7 > 0 ? $7 : 0.01); base = 1 }
    printf "%-9s %-8s %14.2f %12.2f %12.2f %12.2f %12.2f\n", m, $2, $3 / n0, $6 / i0, $4 / t0, $7 / c0, $5 / p0
  }' "$TMP/rows"
done

if [ -x bench/als.sh ]; then
  echo
  echo "== ALS (bench/als.sh)"
  BUILD="$BUILD" bench/als.sh
else
  echo
  echo "note: bench/als.sh (ALS seconds per iteration and GFLOP/s against dgemm) is not in this tree yet"
fi
