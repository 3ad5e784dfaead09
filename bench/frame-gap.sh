#!/usr/bin/env bash
# bench/frame-gap.sh [FILE] — the largest gap between frames of the app's main loop while
# an import runs in the background, next to the same window's gaps while idle in the same
# run (the reference), and the most CPU the main thread spent between two frames.
#
# Drives the real window through the UI test's import case (tests/test-ui.c, /ui/import)
# under Xvfb, importing FILE (default: the UCI Online Retail file from ../shared/datasets).
# The last line is machine-readable for bench/import.sh:
#   frame-gap: import=MS idle=MS ratio=R busy=MS
set -euo pipefail
cd "$(dirname "$0")/.."

file=${1:-../shared/datasets/online-retail/online_retail.csv.gz}
if [ ! -f "$file" ]; then
  echo "frame-gap: $file not found (see ../shared/datasets/README.md); nothing measured" >&2
  exit 0
fi
file=$(readlink -f "$file")

[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null

out=$(mktemp)
trap 'rm -f "$out"' EXIT
echo "Importing $(basename "$file") in the app under Xvfb (this takes a while)…" >&2
GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$PWD/build/data" G_TEST_BUILDDIR="$PWD/build/tests" \
GTK_A11Y=none NO_AT_BRIDGE=1 GDK_BACKEND=x11 \
SD_UI_IMPORT_FILE="$file" SD_UI_MAX_FRAME_GAP_MS=100000 \
  xvfb-run -a -s "-screen 0 1280x800x24" ./build/tests/test-ui -p /ui/import >"$out" 2>&1 || {
    cat "$out" >&2; echo "frame-gap: the import in the app failed" >&2; exit 1; }

idle=$(sed -n 's/^# frame gap while idle: largest frame gap \([0-9.]*\) ms.*/\1/p' "$out")
line=$(grep '^# largest frame gap during the import' "$out")
gap=$(echo "$line" | sed -n 's/.*during the import \([0-9.]*\) ms.*/\1/p')
busy=$(echo "$line" | sed -n 's/.*busy at most \([0-9.]*\) ms.*/\1/p')
load=$(cut -d' ' -f1 /proc/loadavg)

grep '^# frame gap during the import of' "$out" | sed 's/^# //'
printf 'largest frame gap while importing: %s ms; same window idle: %s ms; ratio %s\n' \
  "$gap" "$idle" "$(awk -v a="$gap" -v b="$idle" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
printf 'main thread busy at most %s ms between two frames (load average %s on %s cores)\n' \
  "$busy" "$load" "$(nproc)"
printf 'frame-gap: import=%s idle=%s ratio=%s busy=%s\n' "$gap" "$idle" \
  "$(awk -v a="$gap" -v b="$idle" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" "$busy"
