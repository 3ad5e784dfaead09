#!/usr/bin/env bash
# Takes the README's and the metainfo's screenshots from the app itself, under Xvfb:
# every page on the demo shop, in light and dark style, in high contrast, and in Chinese.
#   bash data/screenshots/take.sh [OUT_DIR]      (default: data/screenshots)
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-data/screenshots}
mkdir -p "$out"
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shop="$work/demo-shop.sqlite"
./build/src/cli/shopdesk-cli --db "$shop" demo >/dev/null 2>&1
# Train models so the recommendation pages have something to show, and the Training page
# loss and validation curves (ALS and BPR, validated) beside a closed-form model.
./build/src/cli/shopdesk-cli --db "$shop" train --model ease --validate >/dev/null 2>&1 || true
./build/src/cli/shopdesk-cli --db "$shop" train --model als --validate >/dev/null 2>&1 || true
./build/src/cli/shopdesk-cli --db "$shop" train --model bpr --validate >/dev/null 2>&1 || true

# The Chinese pages show a demo shop made in Chinese: its coupon rules are named in the
# language the demo is made in (stored data, never translated later).
shop_zh="$work/demo-shop-zh.sqlite"
env LANGUAGE=zh_CN LANG=C.UTF-8 LC_ALL=C.UTF-8 SHOPDESK_LOCALEDIR="$PWD/build/po" \
  ./build/src/cli/shopdesk-cli --db "$shop_zh" demo >/dev/null 2>&1
for model in ease als bpr; do
  ./build/src/cli/shopdesk-cli --db "$shop_zh" train --model $model --validate >/dev/null 2>&1 || true
done

shoot() {   # shoot NAME PAGE [ENV=VALUE…]   (SHOP overrides the demo shop)
  local name=$1 page=$2
  shift 2
  env GSETTINGS_SCHEMA_DIR="$PWD/build/data" GSETTINGS_BACKEND=memory \
      SHOPDESK_LOCALEDIR="$PWD/build/po" XDG_DATA_HOME="$work/data" "$@" \
      ../shared/tools/screenshot "$out/$name.png" --title "Shopdesk|商店" --wait 5 -- \
      ./build/src/app/shopdesk --page "$page" "${SHOP:-$shop}" >/dev/null 2>&1 ||
    { echo "could not take $name" >&2; return; }
  # Metadata out, and a 256-colour palette: a few hundred KB at most per page.
  convert "$out/$name.png" -strip -dither None -colors 256 "PNG8:$out/$name.png"
}

for page in overview data training recommendations customers fairness coupons chatbot; do
  shoot "$page" "$page"
done
# libadwaita 1.2 knows default, prefer-dark and prefer-light here.
for page in overview training customers coupons; do
  shoot "$page-dark" "$page" ADW_DEBUG_COLOR_SCHEME=prefer-dark
done
for page in overview coupons; do
  shoot "$page-high-contrast" "$page" ADW_DEBUG_HIGH_CONTRAST=1
done
# gettext reads LANGUAGE under any locale but plain C, so C.UTF-8 (always there) will do;
# the demo shop's product titles follow the UI language ("demo-language" is "auto").
for page in overview data training recommendations coupons chatbot; do
  SHOP=$shop_zh shoot "$page-zh_CN" "$page" LANGUAGE=zh_CN LANG=C.UTF-8 LC_ALL=C.UTF-8
done
ls "$out"/*.png
