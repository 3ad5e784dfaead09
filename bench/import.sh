#!/usr/bin/env bash
# bench/import.sh — import speed of shopdesk-cli against SQLite's own CSV import
#
# Imports UCI Online Retail (541,909 rows), decompressed, into a fresh shop with
# `shopdesk-cli import`, and the same CSV file into one plain table with
# `sqlite3 … .import --csv`, RUNS times each (default 5), alternating, in the same run on
# the same machine; prints every run and the median of each, and the figure: the ratio of
# the medians (the target is at most 2.0). sqlite3's .import only parses and appends
# rows, while the importer also validates, converts money and dates, upserts customers,
# products, orders, lines and events, keeps the indexes and the summary tables. Wall time
# and CPU time (user + sys) are both shown: on a shared machine CPU time is the steadier
# (the importer's is that of both its threads: the CSV is parsed on a second one).
# Last, the median of the importer's own CPU time per phase (`import --json`,
# "cpu_seconds"): the rows (read, checked, looked up, written), the summaries' counts and
# the indexes built at the end, order totals and product kinds, the summaries' figures,
# the commit. Last, a floor: the two row tables alone copied set-based by SQLite (no CSV).
# With BASE_BUILD, another build (main, say) imports the same file in the same runs too.
#
#   bash bench/import.sh [DATASETS_DIR]
#   RUNS=3 BUILD=/tmp/b bash bench/import.sh     # fewer runs, another build directory
#   DEMO_SIZE=small bash bench/import.sh         # also the demo shop's CSVs (large: slow)
#   FRAME_GAP=1 bash bench/import.sh             # also the app's frame gaps while importing
#   BASE_BUILD=/tmp/b-main bash bench/import.sh  # also another build's import, alternating in the same runs
set -euo pipefail
cd "$(dirname "$0")/.."

datasets=${1:-../shared/datasets}
retail="$datasets/online-retail/online_retail.csv.gz"
rows=541909
runs=${RUNS:-5}

if [ ! -f "$retail" ]; then
  echo "bench/import.sh: $retail is absent; nothing to measure" >&2
  exit 1
fi
command -v sqlite3 >/dev/null || { echo "bench/import.sh: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }

build=${BUILD:-build}
[ -d "$build" ] || meson setup "$build" >/dev/null
ninja -C "$build" src/cli/shopdesk-cli >/dev/null
cli=$build/src/cli/shopdesk-cli
base_cli=
if [ -n "${BASE_BUILD:-}" ]; then
  ninja -C "$BASE_BUILD" src/cli/shopdesk-cli >/dev/null
  base_cli=$BASE_BUILD/src/cli/shopdesk-cli
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs "$@" and prints "wall cpu" in seconds; its output is kept in $work/stdout.
measure () {
  local t0 t1 c0 c1 me=$BASHPID
  # This subshell's children's CPU time (cutime + cstime), before and after.
  c0=$(awk '{print $16 + $17}' /proc/$me/stat)
  t0=$(date +%s%N)
  "$@" >"$work/stdout" 2>"$work/stderr" || { cat "$work/stderr" >&2; return 1; }
  t1=$(date +%s%N)
  c1=$(awk '{print $16 + $17}' /proc/$me/stat)
  awk -v w=$((t1 - t0)) -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.3f %.3f\n", w / 1e9, c / hz }'
}

median () {
  sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

gunzip -c "$retail" > "$work/online_retail.csv"

# A member of the JSON object in file $1 (json_extract path $2), read by SQLite.
json_get () {
  sqlite3 :memory: "SELECT json_extract(CAST(readfile('$1') AS TEXT), '$2')"
}
phases="rows indexes finish summaries commit"

echo "Online Retail, $rows rows, the same plain CSV for both, $runs runs each"
printf "  %-4s %-38s %8s %8s %12s\n" "run" "" "wall s" "cpu s" "rows/s"
: > "$work/sd.txt"; : > "$work/sq.txt"; : > "$work/base.txt"
for phase in $phases; do : > "$work/phase-$phase.txt"; done
for run in $(seq 1 "$runs"); do
  rm -f "$work/shop.sqlite"* "$work/plain.sqlite"*
  read -r w c < <(measure "$cli" --db "$work/shop.sqlite" import --json "$work/online_retail.csv")
  echo "$w $c" >> "$work/sd.txt"
  # The importer's own account of its CPU time per phase (`import --json`).
  cp "$work/stdout" "$work/report.json"
  for phase in $phases; do
    json_get "$work/report.json" "\$.cpu_seconds.$phase" >> "$work/phase-$phase.txt"
  done
  printf "  %-4s %-38s %8.2f %8.2f %12.0f\n" "$run" "shopdesk-cli import" "$w" "$c" "$(awk -v r=$rows -v w="$w" 'BEGIN { print r / w }')"
  if [ -n "$base_cli" ]; then
    rm -f "$work/base.sqlite"*
    read -r w c < <(measure "$base_cli" --db "$work/base.sqlite" import "$work/online_retail.csv")
    echo "$w $c" >> "$work/base.txt"
    printf "  %-4s %-38s %8.2f %8.2f %12.0f\n" "$run" "BASE_BUILD shopdesk-cli import" "$w" "$c" "$(awk -v r=$rows -v w="$w" 'BEGIN { print r / w }')"
  fi
  read -r w c < <(measure sqlite3 "$work/plain.sqlite" ".import --csv $work/online_retail.csv retail")
  echo "$w $c" >> "$work/sq.txt"
  printf "  %-4s %-38s %8.2f %8.2f %12.0f\n" "$run" "sqlite3 .import --csv (plain table)" "$w" "$c" "$(awk -v r=$rows -v w="$w" 'BEGIN { print r / w }')"
done

"$cli" --db "$work/shop.sqlite" stats --json > "$work/stats.json"
imported=$(json_get "$work/stats.json" '$.order_lines')
plain=$(sqlite3 "$work/plain.sqlite" "SELECT count(*) FROM retail")
if [ "$imported" != "$rows" ] || [ "$plain" != "$rows" ]; then
  echo "bench/import.sh: expected $rows rows, got $imported (shopdesk) and $plain (sqlite3)" >&2
  exit 1
fi
"$cli" --db "$work/shop.sqlite" stats --verify >/dev/null || { echo "bench/import.sh: the summaries disagree after the import" >&2; exit 1; }

sw=$(cut -d' ' -f1 "$work/sd.txt" | median); sc=$(cut -d' ' -f2 "$work/sd.txt" | median)
qw=$(cut -d' ' -f1 "$work/sq.txt" | median); qc=$(cut -d' ' -f2 "$work/sq.txt" | median)
awk -v runs="$runs" -v sw="$sw" -v sc="$sc" -v qw="$qw" -v qc="$qc" 'BEGIN {
  printf "  median of %d: shopdesk-cli %.2f s wall, %.2f s cpu; sqlite3 %.2f s wall, %.2f s cpu\n", runs, sw, sc, qw, qc
  printf "  median ratio shopdesk / sqlite3 (%d runs each): %.2fx wall, %.2fx cpu (target <= 2.0)\n", runs, sw / qw, sc / qc
}'
if [ -n "$base_cli" ]; then
  bw=$(cut -d' ' -f1 "$work/base.txt" | median); bc=$(cut -d' ' -f2 "$work/base.txt" | median)
  awk -v runs="$runs" -v bw="$bw" -v bc="$bc" -v qw="$qw" -v qc="$qc" 'BEGIN {
    printf "  BASE_BUILD, median of %d: %.2f s wall, %.2f s cpu = %.2fx wall, %.2fx cpu of sqlite3 .import\n", runs, bw, bc, bw / qw, bc / qc
  }'
fi
# Where shopdesk's CPU time goes, as the importer counts it; the rest of the process's time
# (start, opening the shop, detecting the format) is what the phases leave out.
echo "  shopdesk-cli import, median CPU seconds per phase (of the importing thread):"
for phase in $phases; do
  awk -v p="$phase" -v m="$(median < "$work/phase-$phase.txt")" -v qc="$qc" \
    'BEGIN { printf "    %-10s %6.2f s  (%.2fx sqlite3 .import)\n", p, m, m / qc }'
done

# A floor under any importer with this schema: the shop's two row tables (order lines, and
# the purchase events made from them), copied set-based by SQLite itself from the shop just
# imported, into empty tables with the same columns and unique keys — no CSV, no lookups,
# no indexes built after, no summaries. What is left of the 2.0x budget after it is what
# parsing, lookups, the other tables, indexes, summaries and the commit may cost.
: > "$work/floor.txt"
for run in $(seq 1 "$runs"); do
  rm -f "$work/floor.sqlite"*
  read -r w c < <(measure sqlite3 "$work/floor.sqlite" "
    PRAGMA journal_mode = WAL;
    ATTACH '$work/shop.sqlite' AS src;
    CREATE TABLE order_lines (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL, line_no INTEGER NOT NULL,
      product_id INTEGER, quantity INTEGER NOT NULL, unit_price_cents INTEGER NOT NULL, UNIQUE (order_id, line_no));
    CREATE TABLE events (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, product_id INTEGER NOT NULL,
      kind INTEGER NOT NULL, at INTEGER NOT NULL, quantity INTEGER NOT NULL DEFAULT 1, rating INTEGER,
      review_text TEXT, UNIQUE (customer_id, product_id, kind, at));
    BEGIN;
    INSERT INTO order_lines SELECT id, order_id, line_no, product_id, quantity, unit_price_cents FROM src.order_lines;
    INSERT INTO events SELECT id, customer_id, product_id, kind, at, quantity, rating, review_text FROM src.events;
    COMMIT;")
  echo "$w $c" >> "$work/floor.txt"
done
fw=$(cut -d' ' -f1 "$work/floor.txt" | median); fc=$(cut -d' ' -f2 "$work/floor.txt" | median)
awk -v fw="$fw" -v fc="$fc" -v qw="$qw" -v qc="$qc" -v n="$(sqlite3 "$work/shop.sqlite" "SELECT count(*) FROM events")" 'BEGIN {
  printf "  floor: order lines + %d events copied set-based (no parsing): %.2f s wall, %.2f s cpu = %.2fx wall, %.2fx cpu of sqlite3 .import\n", n, fw, fc, fw / qw, fc / qc
}'

demo_part () {
# The largest demo shop, exported as the generic CSVs of the README and imported again.
# DEMO_SIZE=small (or a number of customers) makes a quicker run.
demo_size=${DEMO_SIZE:-small}

"$cli" --db "$work/demo.sqlite" demo --size "$demo_size" >/dev/null 2>&1
money="printf('%d.%02d', price_cents / 100, price_cents % 100)"
export_csv () {
  sqlite3 -csv -header "$work/demo.sqlite" "$2" > "$work/$1.csv"
}
export_csv customers "SELECT external_id AS customer_id, name, email, country, segment, created_at FROM customers"
export_csv products "SELECT external_id AS product_id, title, description, category, tags, $money AS price, stock, created_at FROM products"
export_csv orders "SELECT o.external_id AS order_id, c.external_id AS customer_id, o.placed_at, o.status, o.currency, o.country,
                          p.external_id AS product_id, l.quantity, printf('%d.%02d', l.unit_price_cents / 100, l.unit_price_cents % 100) AS unit_price
                   FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
                   LEFT JOIN customers c ON c.id = o.customer_id ORDER BY o.id, l.line_no"
export_csv events "SELECT c.external_id AS customer_id, p.external_id AS product_id,
                          CASE e.kind WHEN 0 THEN 'view' WHEN 1 THEN 'cart' WHEN 2 THEN 'purchase' ELSE 'review' END AS kind,
                          e.at, e.quantity, e.rating, e.review_text
                   FROM events e JOIN customers c ON c.id = e.customer_id JOIN products p ON p.id = e.product_id ORDER BY e.id"
rm -f "$work/demo.sqlite"*

total=0 sd_wall=0 sd_cpu=0 sq_wall=0 sq_cpu=0
echo "Demo shop (--size $demo_size), exported as the generic CSVs and imported again"
printf "  %-12s %10s %10s %12s %10s %12s %8s\n" "file" "rows" "wall s" "rows/s" "sqlite3 s" "rows/s" "ratio"
for table in customers products orders events; do
  n=$(($(sqlite3 "$work/count.sqlite" ".import --csv $work/$table.csv t_$table" "SELECT count(*) FROM t_$table")))
  rm -f "$work/count.sqlite"
  read -r w c < <(measure "$cli" --db "$work/again.sqlite" import --format "$table" "$work/$table.csv")
  read -r qw qc < <(measure sqlite3 "$work/plain-demo.sqlite" ".import --csv $work/$table.csv $table")
  awk -v t="$table" -v n="$n" -v w="$w" -v qw="$qw" 'BEGIN {
    printf "  %-12s %10d %10.2f %12.0f %10.2f %12.0f %7.2fx\n", t, n, w, n / w, qw, n / qw, w / qw }'
  total=$((total + n))
  sd_wall=$(awk -v a="$sd_wall" -v b="$w" 'BEGIN { print a + b }')
  sd_cpu=$(awk -v a="$sd_cpu" -v b="$c" 'BEGIN { print a + b }')
  sq_wall=$(awk -v a="$sq_wall" -v b="$qw" 'BEGIN { print a + b }')
  sq_cpu=$(awk -v a="$sq_cpu" -v b="$qc" 'BEGIN { print a + b }')
done
awk -v n="$total" -v sw="$sd_wall" -v sc="$sd_cpu" -v qw="$sq_wall" -v qc="$sq_cpu" 'BEGIN {
  printf "  %-12s %10d %10.2f %12.0f %10.2f %12.0f %7.2fx\n", "all", n, sw, n / sw, qw, n / qw, sw / qw
  printf "  cpu: shopdesk %.2f s (%.0f rows/s), sqlite3 %.2f s (%.0f rows/s), ratio %.2fx\n", sc, n / sc, qc, n / qc, sc / qc }'

}
if [ -n "${DEMO_SIZE:-}" ]; then
  echo
  demo_part
fi
if [ -n "${FRAME_GAP:-}" ]; then
  echo
  echo "The app's main loop while the Online Retail file imports in the background (bench/frame-gap.sh):"
  bash bench/frame-gap.sh "$retail" | tail -3
fi
