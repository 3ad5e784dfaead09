#!/usr/bin/env bash
# bench/data-search.sh — the Data page's search on the demo shop and the large shop: rows and
# seconds matching what is stored only, and what is stored and shown (a country's name, a
# status, a date: sd_table_query_order_shown), in the same run
#
# The large shop is /work/data/large.sqlite (`shopdesk-cli demo --size large`), read-only: it
# is copied first (cp --reflink=auto) into $SD_BENCH_DIR; LARGE_COPY=PATH uses a copy made
# before. The first opening of the copy brings it up to date (not timed here).
#
#   bash bench/data-search.sh
#   BUILD=/tmp/b LARGE_SHOP=/path/large.sqlite bash bench/data-search.sh
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD:-build}
large=${LARGE_SHOP:-/work/data/large.sqlite}
dir=${SD_BENCH_DIR:-${TMPDIR:-/tmp}/shopdesk-bench}
mkdir -p "$dir"
[ -d "$build" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null
cli=$build/src/cli/shopdesk-cli
bench=$build/bench/sd-bench-table-search

small=$dir/data-search-small.sqlite
[ -f "$small" ] || "$cli" --db "$small" demo >/dev/null 2>&1
shops=("$small")
if [ -n "${LARGE_COPY:-}" ]; then
  shops+=("$LARGE_COPY")
elif [ -f "$large" ]; then
  copy=$dir/data-search-large.sqlite
  [ -f "$copy" ] || cp --reflink=auto "$large" "$copy"
  "$cli" --db "$copy" stats >/dev/null 2>&1   # brings the copy up to date once
  shops+=("$copy")
else
  echo "bench/data-search.sh: no large shop at $large: the demo shop only" >&2
fi

printf 'shop\ttable\tsearch\trows stored\ts stored\trows shown\ts shown\n'
for shop in "${shops[@]}"; do
  name=$(basename "$shop" .sqlite)
  "$bench" --db "$shop" customers "Germany" "zzz" "2025" | sed "s/^/$name\t/"
  "$bench" --db "$shop" orders "Shipped" "Jun 2025" "1 Jun 2025" | sed "s/^/$name\t/"
done
