#!/usr/bin/env bash
# bench/import.sh — import speed of shopdesk-cli against SQLite's own CSV import
#
# Imports UCI Online Retail (541,909 rows) into a fresh shop with `shopdesk-cli import`,
# and the same CSV, decompressed, into one plain table with `sqlite3 … .import --csv`, in
# the same run on the same machine. The ratio of the two rates is the figure: sqlite3's
# .import only parses and appends rows, while the importer also validates, converts money
# and dates, upserts customers, products, orders, lines and events, and keeps the indexes.
# Wall time and CPU time (user + sys) are both shown: on a shared machine CPU time is the
# steadier of the two.
#
#   bash bench/import.sh [DATASETS_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

datasets=${1:-../shared/datasets}
retail="$datasets/online-retail/online_retail.csv.gz"
rows=541909

if [ ! -f "$retail" ]; then
  echo "bench/import.sh: $retail is absent; nothing to measure" >&2
  exit 1
fi
command -v sqlite3 >/dev/null || { echo "bench/import.sh: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }

[ -d build ] || meson setup build >/dev/null
ninja -C build src/cli/shopdesk-cli >/dev/null
cli=build/src/cli/shopdesk-cli

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs "$@" and prints "wall cpu" in seconds.
measure () {
  local t0 t1 c0 c1
  c0=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  t0=$(date +%s%N)
  "$@" >/dev/null 2>"$work/stderr" || { cat "$work/stderr" >&2; return 1; }
  t1=$(date +%s%N)
  c1=$(awk '{print $14 + $15 + $16 + $17}' /proc/$$/stat)
  awk -v w=$((t1 - t0)) -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%.3f %.3f\n", w / 1e9, c / hz }'
}

gunzip -c "$retail" > "$work/online_retail.csv"

read -r sd_wall sd_cpu < <(measure "$cli" --db "$work/shop.sqlite" import "$retail")
read -r sq_wall sq_cpu < <(measure sqlite3 "$work/plain.sqlite" ".import --csv $work/online_retail.csv retail")

imported=$("$cli" --db "$work/shop.sqlite" stats --json | sed 's/.*"order_lines": \([0-9]*\).*/\1/')
plain=$(sqlite3 "$work/plain.sqlite" "SELECT count(*) FROM retail")
if [ "$imported" != "$rows" ] || [ "$plain" != "$rows" ]; then
  echo "bench/import.sh: expected $rows rows, got $imported (shopdesk) and $plain (sqlite3)" >&2
  exit 1
fi

awk -v rows="$rows" -v sw="$sd_wall" -v sc="$sd_cpu" -v qw="$sq_wall" -v qc="$sq_cpu" 'BEGIN {
  printf "Online Retail, %d rows (gzip for shopdesk-cli, plain CSV for sqlite3)\n", rows
  printf "  %-40s %8s %12s %8s %12s\n", "", "wall s", "rows/s", "cpu s", "rows/s (cpu)"
  printf "  %-40s %8.2f %12.0f %8.2f %12.0f\n", "shopdesk-cli import", sw, rows / sw, sc, rows / sc
  printf "  %-40s %8.2f %12.0f %8.2f %12.0f\n", "sqlite3 .import --csv (plain table)", qw, rows / qw, qc, rows / qc
  printf "  ratio sqlite3 / shopdesk: %.2fx wall, %.2fx cpu\n", sw / qw, sc / qc
}'

if "$cli" --help | grep -q '^  demo '; then
  "$cli" --db "$work/large.sqlite" demo --size large >/dev/null
  for table in customers products orders order_lines events; do
    sqlite3 -csv -header "$work/large.sqlite" "SELECT * FROM $table" > "$work/$table.csv"
  done
  echo "Largest demo shop (shopdesk-cli demo --size large), re-imported table by table"
  for table in customers products orders events; do
    n=$(($(wc -l < "$work/$table.csv") - 1))
    echo "  $table: $n rows (TODO: map the demo tables' columns onto the generic import headers)"
  done
else
  echo "TODO(lead): largest demo shop — \`shopdesk-cli demo --size large\` is not on this branch yet; wire its import here"
fi
