#!/usr/bin/env bash
# Takes every page on a real shop — the UCI Online Retail export — at 1440×900, 1024×700 and
# 800×600, under Xvfb, into data/screenshots/online-retail/ (PAGE-1440.png, PAGE-1024.png,
# PAGE-800.png), and the Shop Settings window (shop-settings.png).
#   bash data/screenshots/take-online-retail.sh [OUT_DIR]
# Needs ../shared/datasets/online-retail/online_retail.csv.gz beside the checkout.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-data/screenshots/online-retail}
data=../shared/datasets/online-retail/online_retail.csv.gz
[ -f "$data" ] || { echo "take-online-retail: $data is missing; nothing taken" >&2; exit 77; }
mkdir -p "$out"
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shop="$work/online-retail.sqlite"
./build/src/cli/shopdesk-cli --db "$shop" import "$data" >/dev/null
# Models so the recommendation, customer and training pages have something to show.
./build/src/cli/shopdesk-cli --db "$shop" train --model als --validate >/dev/null 2>&1 || true
./build/src/cli/shopdesk-cli --db "$shop" train --model ease --validate >/dev/null 2>&1 || true

shoot() {   # shoot NAME PAGE SIZE [TITLE]
  local name=$1 page=$2 size=$3 title=${4:-Shopdesk}
  # The window fills the screen of the size asked for: its size is a setting, so a keyfile
  # settings backend in a throw-away folder gives it.
  mkdir -p "$work/config/glib-2.0/settings"
  printf '[io/github/shopdesk/Shopdesk]\nwindow-width=%s\nwindow-height=%s\n' \
    "${size%x*}" "${size#*x}" > "$work/config/glib-2.0/settings/keyfile"
  env GSETTINGS_SCHEMA_DIR="$PWD/build/data" GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$work/config" \
      SHOPDESK_LOCALEDIR="$PWD/build/po" XDG_DATA_HOME="$work/data" \
      ../shared/tools/screenshot "$out/$name.png" --size "$size" --title "$title" --wait 15 -- \
      ./build/src/app/shopdesk --page "$page" "$shop" >/dev/null 2>&1 ||
    { echo "could not take $name" >&2; return; }
  convert "$out/$name.png" -strip -dither None -colors 256 "PNG8:$out/$name.png"
}

for page in overview data training recommendations customers coupons chatbot; do
  shoot "$page-1440" "$page" 1440x900
  shoot "$page-1024" "$page" 1024x700
  shoot "$page-800" "$page" 800x600
done
shoot shop-settings shop-settings 1024x700 "Shop Settings"
ls "$out"/*.png
