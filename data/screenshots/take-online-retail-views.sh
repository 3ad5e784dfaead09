#!/usr/bin/env bash
# Takes the Overview with a date range chosen, a product's view and an order's window on the
# UCI Online Retail shop, under Xvfb, into data/screenshots/online-retail/:
# overview-1440.png, overview-1024.png (last 30 days), product-1440.png, product-1024.png
# (85123A, opened from the Data page's products) and order-1024.png (the first order).
#   bash data/screenshots/take-online-retail-views.sh [OUT_DIR]    (BUILD=DIR: a build dir other than build)
# Needs online-retail/online_retail.csv.gz in SD_DATASETS_DIR (default ../shared/datasets), and
# xvfb, xdotool and imagemagick. Clicks land where a 1440×900 or 1024×700 screen puts the
# Data page's table menu and first row.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(realpath -m "${1:-data/screenshots/online-retail}")
data=${SD_DATASETS_DIR:-../shared/datasets}/online-retail/online_retail.csv.gz
[ -f "$data" ] || { echo "take-online-retail-views: $data is missing; nothing taken" >&2; exit 77; }
mkdir -p "$out"
build=$(realpath -m "${BUILD:-build}")
[ -d "$build" ] || meson setup "$build" >/dev/null
meson compile -C "$build" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shop="$work/online-retail.sqlite"
"$build/src/cli/shopdesk-cli" --db "$shop" import "$data" >/dev/null

# run SIZE PAGE STEPS: the app filling a screen of SIZE (Xvfb has no window manager to
# maximise it), its range the last 30 days (a settings keyfile of its own), then STEPS
# (bash, run under the same display).
run() {
  local size=$1 page=$2 steps=$3
  mkdir -p "$work/config/glib-2.0/settings"
  cat > "$work/config/glib-2.0/settings/keyfile" <<KEYFILE
[io/github/shopdesk/Shopdesk]
overview-range='last-30-days'
window-width=${size%x*}
window-height=${size#*x}
KEYFILE
  env GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$work/config" \
      SHOPDESK_LOCALEDIR="$build/po" XDG_DATA_HOME="$work/data" OUT="$out" STEPS="$steps" \
      xvfb-run -a -s "-screen 0 ${size}x24" bash -c '
        export GDK_BACKEND=x11 GTK_A11Y=none NO_AT_BRIDGE=1
        "$@" & pid=$!
        timeout 30 xdotool search --sync --onlyvisible --name Shopdesk >/dev/null
        sleep 12
        eval "$STEPS"
        kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' bash "$build/src/app/shopdesk" --page "$page" "$shop"
}

# The window with the given title, as it is on screen.
grab='import -window "$(xdotool search --onlyvisible --name'
for size in 1440x900 1024x700; do
  w=${size%x*}
  run "$size" overview "import -window root \"\$OUT/overview-$w.png\""
  # The Data page's table menu, Products, then a double click on the first product.
  run "$size" data "xdotool mousemove 308 81 click 1; sleep 1; xdotool mousemove 295 162 click 1; sleep 4;
                    xdotool mousemove 300 156 click --repeat 2 --delay 80 1; sleep 14;
                    $grab 'HANGING HEART' | head -1)\" \"\$OUT/product-$w.png\""
done
run 1024x700 data "xdotool mousemove 308 81 click 1; sleep 1; xdotool mousemove 288 196 click 1; sleep 4;
                   xdotool mousemove 300 156 click --repeat 2 --delay 80 1; sleep 6;
                   $grab '^Order ' | head -1)\" \"\$OUT/order-1024.png\""
for f in overview-1440 overview-1024 product-1440 product-1024 order-1024; do
  convert "$out/$f.png" -strip -dither None -colors 256 "PNG8:$out/$f.png"
done
ls "$out"/*.png
