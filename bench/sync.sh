#!/usr/bin/env bash
# Sync speed: a first sync of N orders (default 100,000, one line each, with 20,000 customers
# and 5,000 products) from a throw-away PostgreSQL into a new shop, next to `COPY … TO` of the
# same orders view in the same run (the floor: reading those rows at all), as a ratio; then
# a sync with nothing changed, which reads only the last minutes and compares keys.
#   bash bench/sync.sh [ORDERS]          SD_BUILD_DIR=/tmp/b bash bench/sync.sh: another build
set -euo pipefail
cd "$(dirname "$0")/.."
build=${SD_BUILD_DIR:-build}
[ -d "$build" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null
export SD_BENCH_ORDERS=${1:-100000}
export SD_CLI=$(readlink -f "$build")/src/cli/shopdesk-cli

inner=$(mktemp)
trap 'rm -f "$inner"' EXIT
cat >"$inner" <<'INNER'
set -euo pipefail
[ -n "${SD_TEST_DB_SKIP:-}" ] && { echo "sync bench: $SD_TEST_DB_SKIP" >&2; exit 1; }
export PGPASSWORD=$SD_TEST_PG_PASSWORD
q() { psql -h "$SD_TEST_PG_HOST" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
n=$SD_BENCH_ORDERS
q -v n="$n" <<'SQL'
CREATE SCHEMA shopdesk;
CREATE TABLE customers AS SELECT i, now() - i * interval '1 minute' AS t FROM generate_series(1, 20000) i;
CREATE TABLE products AS SELECT i, now() - i * interval '1 minute' AS t FROM generate_series(1, 5000) i;
CREATE TABLE lines AS SELECT i, 1 + i % 20000 AS c, 1 + i % 5000 AS p, 1 + i % 3 AS q, (i % 9000) / 100.0 + 1 AS price,
  timestamptz '2025-01-01' + i * interval '1 minute' AS t FROM generate_series(1, :n) i;
CREATE VIEW shopdesk.customers AS SELECT 'C' || i AS customer_id, 'Customer ' || i AS name,
  'c' || i || '@example.com' AS email, 'DE' AS country, t AS updated_at FROM customers;
CREATE VIEW shopdesk.products AS SELECT 'P' || i AS product_id, 'Product ' || i AS title, 9.99 AS price,
  t AS updated_at FROM products;
CREATE VIEW shopdesk.orders AS SELECT 'O' || i AS order_id, 1 AS line_no, t AS placed_at, 'P' || p AS product_id,
  q AS quantity, price AS unit_price, 'C' || c AS customer_id, 'paid' AS status, 'EUR' AS currency, t AS updated_at FROM lines;
CREATE VIEW shopdesk.events AS SELECT 1 AS event_id, 'C1' AS customer_id, 'P1' AS product_id, 'view' AS kind,
  now() AS at, now() AS updated_at WHERE false;
SQL
work=$(mktemp -d)
shop=$work/shop.sqlite
uri="postgresql://postgres@/postgres?host=$SD_TEST_PG_HOST&schema=shopdesk"
t0=$(date +%s.%N)
q -c "COPY (SELECT * FROM shopdesk.orders) TO STDOUT" >/dev/null
t1=$(date +%s.%N)
SHOPDESK_DB_PASSWORD=$PGPASSWORD "$SD_CLI" --db "$shop" sync --from "$uri" --json >"$work/first.json"
t2=$(date +%s.%N)
SHOPDESK_DB_PASSWORD=$PGPASSWORD "$SD_CLI" --db "$shop" sync --json >"$work/again.json"
t3=$(date +%s.%N)
python3 - "$t0" "$t1" "$t2" "$t3" "$n" "$work/first.json" "$work/again.json" <<'PY'
import json, sys
t0, t1, t2, t3 = map(float, sys.argv[1:5]); n = int(sys.argv[5])
first = json.load(open(sys.argv[6]))["tables"]; again = json.load(open(sys.argv[7]))["tables"]
assert first["orders"]["inserted"] == n and first["order_lines"]["inserted"] == n, first
changed = sum(v for t in again.values() for k, v in t.items() if k in ("inserted", "updated", "deleted"))
copy, sync, idle = t1 - t0, t2 - t1, t3 - t2
print(f"sync bench: {n:,} orders; COPY TO {copy:.2f} s; first sync {sync:.2f} s ({n / sync:,.0f} orders/s), "
      f"{sync / copy:.1f}x COPY; sync with nothing changed {idle:.2f} s ({changed} rows changed)")
PY
rm -rf "$work"
INNER
bash tests/db-servers.sh bash "$inner"
