#!/usr/bin/env bash
# Takes data/screenshots/chatbot-mood.png and chatbot-mood-zh_CN.png (1024×700): a real
# conversation on the Chatbot page of the demo shop in each language — a product question
# of a name several products fit, asked which, the answer picking one by its colour and the
# question answered from the catalogue, then an upset customer whose order is late, heard as
# negative and answered with an apology; the inspector shows the last answer (its sentiment).
# The messages come from chatbot-mood.txt and chatbot-mood-zh_CN.txt through
# `shopdesk --chat-script FILE`, which sends each line as if typed (xdotool cannot type
# Chinese under Xvfb). WAIT seconds (default 45) before each screenshot: the first answer
# may train the fallback classifier.
#   bash data/screenshots/take-chatbot-mood.sh [BUILD_DIR]     (default: build)
# Needs /work/shared/tools/screenshot (SCREENSHOT=PATH for another copy), xvfb, xdotool and
# imagemagick.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(readlink -f "${1:-build}")
shot=${SCREENSHOT:-/work/shared/tools/screenshot}
here=$(pwd)/data/screenshots
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/src/cli/shopdesk-cli" --db "$work/demo.sqlite" demo >/dev/null 2>&1

# take NAME SCRIPT ENV...: a fresh copy of the demo shop, so each conversation starts alone.
take() {
  local name=$1 script=$2; shift 2
  cp "$work/demo.sqlite" "$work/shop.sqlite"
  rm -rf "$work/data"
  env GSETTINGS_SCHEMA_DIR="$build/data" GSETTINGS_BACKEND=memory SHOPDESK_LOCALEDIR="$build/po" \
      XDG_DATA_HOME="$work/data" "$@" \
      "$shot" "$work/shot.png" --size 1024x700 --wait "${WAIT:-45}" -- \
      "$build/src/app/shopdesk" --page chatbot --chat-script "$here/$script" "$work/shop.sqlite"
  convert "$work/shot.png" -strip -dither None -colors 256 "PNG8:$here/$name.png"
  echo "data/screenshots/$name.png"
}

take chatbot-mood chatbot-mood.txt LANGUAGE=en LANG=C.UTF-8 LC_ALL=C.UTF-8
take chatbot-mood-zh_CN chatbot-mood-zh_CN.txt LANGUAGE=zh_CN LANG=C.UTF-8 LC_ALL=C.UTF-8
