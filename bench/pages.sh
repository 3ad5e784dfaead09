#!/usr/bin/env bash
# bench/pages.sh — time to first content of each page, on the small and the large demo shop
#
# Opens the app under Xvfb once per page and shop, on that page, with SHOPDESK_PAGE_TIMES=quit:
# the window prints "first-content PAGE MS", the milliseconds from the moment it began to
# open the shop to the first frame in which the page has its shop and shows no spinner
# (its first rows, its search box ready, its chart), and quits. Both shops in the same
# run, so the ratio large / small means something on any machine; the target is first
# content within 1 s on the large shop.
#
# The large shop is /work/data/large.sqlite (`shopdesk-cli demo --size large`), read-only:
# it is copied first and the copy migrated (its summary tables built) before timing, and
# that step is timed too. LARGE_COPY=PATH reuses a copy made by an earlier run.
#
#   bash bench/pages.sh
#   BUILD=/tmp/b PAGES="overview data" LARGE_SHOP=/path/large.sqlite bash bench/pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD:-build}
large=${LARGE_SHOP:-/work/data/large.sqlite}
pages=${PAGES:-overview data recommendations customers coupons training}
timeout_s=${TIMEOUT:-120}

command -v xvfb-run >/dev/null || { echo "bench/pages.sh: needs xvfb-run (apt-get install xvfb)" >&2; exit 1; }
if [ ! -f "$large" ] && [ -z "${LARGE_COPY:-}" ]; then
  echo "bench/pages.sh: $large is absent (make it with: shopdesk-cli --db $large demo --size large)" >&2
  exit 1
fi
[ -d "$build" ] || meson setup "$build" >/dev/null
ninja -C "$build" src/cli/shopdesk-cli src/app/shopdesk data/gschemas.compiled >/dev/null 2>&1 ||
  ninja -C "$build" >/dev/null
cli=$build/src/cli/shopdesk-cli
app=$build/src/app/shopdesk

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

small="$work/small.sqlite"
"$cli" --db "$small" demo --size small >/dev/null 2>&1
if [ -n "${LARGE_COPY:-}" ]; then
  big=$LARGE_COPY
else
  big="$work/large.sqlite"
  cp --reflink=auto "$large" "$big"
fi
t0=$(date +%s%N)
"$cli" --db "$big" stats >/dev/null
t1=$(date +%s%N)
awk -v t=$((t1 - t0)) 'BEGIN { printf "Large shop opened, migrated and its summaries built (if they were not): %.1f s\n", t / 1e9 }'

# first_content PAGE SHOP: the milliseconds, or "-" when the page did not get there in time.
first_content () {
  local out
  out=$(env GSETTINGS_SCHEMA_DIR="$PWD/$build/data" GSETTINGS_BACKEND=memory GTK_A11Y=none NO_AT_BRIDGE=1 \
            XDG_DATA_HOME="$work/data" SHOPDESK_PAGE_TIMES=quit \
        timeout "$timeout_s" xvfb-run -a -s "-screen 0 1280x800x24" "$app" --page "$1" "$2" 2>/dev/null || true)
  echo "$out" | awk -v p="$1" '$1 == "first-content" && $2 == p { print $3; found = 1 } END { if (!found) print "-" }'
}

printf "%-16s %10s %10s %8s\n" "page" "small ms" "large ms" "ratio"
for page in $pages; do
  s=$(first_content "$page" "$small")
  l=$(first_content "$page" "$big")
  awk -v p="$page" -v s="$s" -v l="$l" -v limit="$timeout_s" 'BEGIN {
    ratio = (s != "-" && l != "-" && s > 0) ? sprintf("%.1fx", l / s) : "-"
    if (l == "-") l = ">" limit * 1000
    printf "%-16s %10s %10s %8s%s\n", p, s, l, ratio, (l + 0 > 1000 || substr(l, 1, 1) == ">") ? "  over 1 s" : "" }'
done
