#!/usr/bin/env bash
# Coupon preview speed: the demo shop (2,000 customers) and a large shop (1M customers),
# next to a direct SQL count of the same customers in the same run, as a ratio.
#   bash bench/coupons.sh            (the large shop is made once and kept in $SD_BENCH_DIR)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
cli=./build/src/cli/shopdesk-cli
dir=${SD_BENCH_DIR:-${TMPDIR:-/tmp}/shopdesk-bench}
mkdir -p "$dir"

rule=$(mktemp --suffix=.json)
trap 'rm -f "$rule"' EXIT
# An edit a merchandiser might make: VIP and regular customers in the UK with two orders or more.
cat > "$rule" <<'JSON'
{"name": "UK loyal, 10 % off", "enabled": true,
 "conditions": {"type": "all", "conditions": [
   {"type": "segment", "text": "vip, regular"},
   {"type": "country", "text": "United Kingdom"},
   {"type": "order_count", "op": ">=", "value": 2}]},
 "action": {"type": "percent_off", "percent": 10, "cap_cents": 2000}}
JSON
sql="SELECT count(*) FROM customers c WHERE c.segment IN ('vip', 'regular') AND c.country = 'United Kingdom'
     AND (SELECT count(*) FROM orders o WHERE o.customer_id = c.id AND o.status NOT IN ('cancelled', 'refunded')) >= 2;"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

bench_shop() {
  local label=$1 db=$2 runs=$3
  local all=() edit=() load=() sqlms=() reach="" sqlcount=""
  for _ in $(seq "$runs"); do
    all+=("$($cli --db "$db" coupons preview --json | field elapsed_ms)")
    out=$($cli --db "$db" coupons preview --file "$rule" --rule 1 --json)
    edit+=("$(echo "$out" | field edit_preview_ms)")
    load+=("$(echo "$out" | field load_ms)")
    reach=$(echo "$out" | field customers)
    s=$(date +%s%N)
    sqlcount=$(sqlite3 "$db" "$sql")
    sqlms+=("$(( ($(date +%s%N) - s) / 1000 ))")
  done
  local m_all m_edit m_load m_sql
  m_all=$(printf '%s\n' "${all[@]}" | median)
  m_edit=$(printf '%s\n' "${edit[@]}" | median)
  m_load=$(printf '%s\n' "${load[@]}" | median)
  m_sql=$(printf '%s\n' "${sqlms[@]}" | median | awk '{print $1 / 1000}')
  printf '%-22s %10s %14.1f %14.1f %16.2f %12.1f %8.3f   %s\n' "$label" "$reach" "$m_all" "$m_load" "$m_edit" "$m_sql" \
    "$(awk -v a="$m_edit" -v b="$m_sql" 'BEGIN {print a / b}')" \
    "$([ "$reach" = "$sqlcount" ] && echo "same count as SQL" || echo "MISMATCH: SQL says $sqlcount")"
}

small="$dir/demo-small.sqlite"
large="$dir/demo-large.sqlite"
[ -s "$small" ] || $cli --db "$small" demo >/dev/null
if [ ! -s "$large" ]; then
  echo "Making the large shop once (1M customers; this takes a while)…" >&2
  $cli --db "$large.tmp" demo --size large >/dev/null && mv "$large.tmp" "$large"
  rm -f "$large.tmp-wal" "$large.tmp-shm"
fi

printf '%-22s %10s %14s %14s %16s %12s %8s\n' "shop" "reached" "all rules ms" "load facts ms" "edit preview ms" "SQL ms" "ratio"
bench_shop "demo (2,000)" "$small" 5
bench_shop "large (1,000,000)" "$large" 3
echo
echo "all rules: load every customer's facts and preview every saved rule (what the page does on open)."
echo "edit preview: one edited rule and its saved version over all customers, once the facts are loaded"
echo "(what the page does on each edit; the target is 200 ms on the demo shop). ratio = edit preview / SQL count."
