#!/usr/bin/env bash
# bench/pages.sh — time to first content of each page, on the small and the large demo shop
#
# Opens the app under Xvfb once per page and shop, on that page, with SHOPDESK_PAGE_TIMES=quit:
# the window prints "first-content PAGE MS", the milliseconds from the moment it began to
# open the shop to the first frame in which the page has its shop and shows no spinner but
# those of parts that load in a job with their progress shown (its header, first rows,
# search box, chart), then "full-content PAGE MS" when nothing is left loading, and quits.
# Both shops in the same run, so the ratio large / small means something on any machine;
# the target is first content within 1 s on the large shop. Needs only the build, xvfb-run
# and coreutils (sqlite3, if installed, names the large shop's schema).
#
# The large shop is /work/data/large.sqlite (`shopdesk-cli demo --size large`), read-only:
# it is copied first, and the copy opened by the CLI, which brings it up to date (its
# migrations, the first build of its summary tables): that step is timed too, and a second
# opening. LARGE_COPY=PATH uses a copy made before (changed by the pages as a shop is).
# The last line counts the pages over 1 s; a page that never got there shows ">TIMEOUT".
#
#   bash bench/pages.sh
#   BUILD=/tmp/b PAGES="overview data" RUNS=3 TIMEOUT=120 LARGE_SHOP=/path/large.sqlite bash bench/pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD:-build}
large=${LARGE_SHOP:-/work/data/large.sqlite}
pages=${PAGES:-overview data recommendations customers coupons training}
timeout_s=${TIMEOUT:-180}
runs=${RUNS:-1}

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
schema=$(command -v sqlite3 >/dev/null && sqlite3 -readonly "$big" "PRAGMA user_version" 2>/dev/null || echo "?")
t0=$(date +%s%N)
"$cli" --db "$big" stats >/dev/null
t1=$(date +%s%N)
"$cli" --db "$big" stats >/dev/null
t2=$(date +%s%N)
awk -v t=$((t1 - t0)) -v u=$((t2 - t1)) -v v="$schema" 'BEGIN {
  printf "Large shop (schema %s) opened, brought up to date (migrations, first summary build) and counted: %.1f s; opened again: %.2f s\n", v, t / 1e9, u / 1e9 }'

# times PAGE SHOP: "FIRST FULL" in ms, each "-" when the page did not get there in time.
# First content: the page's header, rows or search box show, parts still loading in jobs
# show their progress; full content: nothing left loading. One run per page and shop
# (RUNS=N for the median of N).
times () {
  local out
  out=$(env GSETTINGS_SCHEMA_DIR="$PWD/$build/data" GSETTINGS_BACKEND=memory GTK_A11Y=none NO_AT_BRIDGE=1 \
            XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" SHOPDESK_PAGE_TIMES=quit \
        timeout --kill-after=10 "$timeout_s" xvfb-run -a -s "-screen 0 1280x800x24" "$app" --page "$1" "$2" \
        2>/dev/null || true)
  echo "$out" | awk -v p="$1" '
    $1 == "first-content" && $2 == p { first = $3 }
    $1 == "full-content" && $2 == p { full = $3 }
    END { printf "%s %s\n", first == "" ? "-" : first, full == "" ? "-" : full }'
}

# median of the numbers among the arguments ("-" when there are none)
median () {
  printf '%s\n' "$@" | grep -v '^-$' | sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

measure () {   # measure PAGE SHOP: "FIRST FULL", medians over $runs runs
  local firsts=() fulls=() r t
  for ((r = 0; r < runs; r++)); do
    t=$(times "$1" "$2")
    firsts+=("${t% *}")
    fulls+=("${t#* }")
  done
  echo "$(median "${firsts[@]}") $(median "${fulls[@]}")"
}

printf "%-16s %9s %9s %7s   %9s %9s %7s\n" "" "first content (ms)" "" "" "full content (ms)" "" ""
printf "%-16s %9s %9s %7s   %9s %9s %7s\n" "page" "small" "large" "ratio" "small" "large" "ratio"
over=0
for page in $pages; do
  s=$(measure "$page" "$small")
  l=$(measure "$page" "$big")
  awk -v p="$page" -v s1="${s% *}" -v l1="${l% *}" -v s2="${s#* }" -v l2="${l#* }" -v limit="$timeout_s" '
    function ratio(a, b) { return (a != "-" && b != "-" && a > 0) ? sprintf("%.1fx", b / a) : "-" }
    function shown(v) { return v == "-" ? ">" limit * 1000 : v }
    BEGIN {
      late = (l1 == "-" || l1 + 0 > 1000)
      printf "%-16s %9s %9s %7s   %9s %9s %7s%s\n", p, shown(s1), shown(l1), ratio(s1, l1),
             shown(s2), shown(l2), ratio(s2, l2), late ? "  first content over 1 s" : ""
      exit late }' || over=$((over + 1))
done
echo "Pages whose first content took over 1 s on the large shop: $over"
