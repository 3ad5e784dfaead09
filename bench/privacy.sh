#!/usr/bin/env bash
# Privacy on a large shop: forgetting one customer (one transaction, then WAL checkpoint and
# VACUUM) next to a bare `sqlite3 VACUUM` of the same file in the same run, and a release
# with differential privacy (`stats --dp`) next to the plain `stats`.
#   bash bench/privacy.sh [SHOP]     (default: $SD_BENCH_LARGE, else /work/data/large.sqlite;
#                                     it is copied, never changed)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
cli=./build/src/cli/shopdesk-cli
shop=${1:-${SD_BENCH_LARGE:-/work/data/large.sqlite}}
if [ ! -f "$shop" ]; then
  echo "no shop at $shop: make one with “shopdesk-cli --db FILE demo --size large” and name it" >&2
  exit 1
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/shopdesk-privacy-XXXXXX")
trap 'rm -rf "$dir"' EXIT
cp --reflink=auto "$shop" "$dir/a.sqlite"
cp --reflink=auto "$shop" "$dir/b.sqlite"
customers=$(sqlite3 "$dir/a.sqlite" "SELECT count(*) FROM customers")
who=$(sqlite3 "$dir/a.sqlite" "SELECT external_id FROM customers ORDER BY id LIMIT 1 OFFSET (SELECT count(*) / 2 FROM customers)")

secs() { local s; s=$(date +%s%N); "$@" >/dev/null; awk -v n="$(( $(date +%s%N) - s ))" 'BEGIN {printf "%.2f", n / 1e9}'; }

printf 'shop: %s (%s customers, %s MB)\n' "$shop" "$customers" "$(( $(stat -c %s "$shop") / 1000000 ))"
forget=$(secs "$cli" --db "$dir/a.sqlite" customers forget --customer "$who" --yes)
vacuum=$(secs sqlite3 "$dir/b.sqlite" "VACUUM")
printf '%-44s %8s s\n' "customers forget (transaction + VACUUM)" "$forget" \
  "sqlite3 VACUUM of the same file (reference)" "$vacuum"
awk -v a="$forget" -v b="$vacuum" 'BEGIN {printf "%-44s %8.2f\n", "ratio", a / b}'
left=$(grep -c -a -F "$who" "$dir/a.sqlite" || true)
printf '%-44s %8s\n' "lines of the file still holding their id" "$left"
plain=$(secs "$cli" --db "$dir/b.sqlite" stats --json)
dp=$(secs "$cli" --db "$dir/b.sqlite" stats --json --dp 1)
printf '%-44s %8s s\n' "stats --json" "$plain" "stats --json --dp 1" "$dp"
