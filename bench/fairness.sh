#!/usr/bin/env bash
# The fairness report's figures and time: the demo shop, MovieLens-100k u1 imported as a
# shop, and (when it is there) a copy of the large demo shop with a sample of customers;
# each with the exposure floor at 0.6 beside the model's own order (same customers, same
# held-out fifth), the NDCG@10 it costs, the widest gap per grouping and the wall time.
#   bash bench/fairness.sh          (SD_LARGE_SHOP=/work/data/large.sqlite to include it)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
cli=./build/src/cli/shopdesk-cli
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ml=${SD_DATASETS_DIR:-../shared/datasets}/movielens-100k

summary() {   # summary NAME JSON SECONDS
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
name, path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
r = json.load(open(path))
b, a = r["before"], r.get("after")
def row(f):
    return "NDCG@10 %.4f [%.4f, %.4f]  coverage %.3f  long tail %.3f  Gini %.3f  popularity ×%.2f" % (
        f["ndcg@10"], f["ndcg@10_ci"][0], f["ndcg@10_ci"][1], f["coverage"], f["long_tail_share"], f["gini"], f["popularity_lift"])
print("%s (%s, %d customers, %.1f s)" % (name, r["model"]["algorithm"], r["customers_served"], seconds))
print("  before: " + row(b))
if a:
    print("  after %s: %s" % (r["rerank"], row(a)))
    print("  NDCG@10 cost %.4f" % r["change"]["ndcg@10_cost"])
for by, d in b["groups"].items():
    print("  widest gap by %-9s %.4f (best: %s)" % (by, d["max_gap"], d["best"]))
PY
}

run() {   # run NAME SHOP [OPTIONS…]
  local name=$1 shop=$2
  shift 2
  local start end
  start=$(date +%s.%N)
  "$cli" --db "$shop" fairness --rerank exposure=0.6 --json "$@" > "$dir/report.json"
  end=$(date +%s.%N)
  summary "$name" "$dir/report.json" "$(echo "$end - $start" | bc)"
}

"$cli" --db "$dir/demo.sqlite" demo >/dev/null
run "demo shop" "$dir/demo.sqlite"
if [ -f "$ml/u1.base" ]; then
  "$cli" --db "$dir/ml.sqlite" import "$ml/u1.base" >/dev/null
  run "MovieLens-100k u1" "$dir/ml.sqlite" --groups "gender=$ml/u.user"
fi
if [ -n "${SD_LARGE_SHOP:-}" ] && [ -f "$SD_LARGE_SHOP" ]; then
  # Opening a shop migrates it: a copy, so the shared one stays as it is.
  cp --reflink=auto "$SD_LARGE_SHOP" "$dir/large.sqlite"
  run "large shop, 20,000 customers" "$dir/large.sqlite" --max-users 20000 --bootstrap 100
fi
