#!/usr/bin/env bash
# Takes data/screenshots/chatbot-mood.png: a conversation typed into the Chatbot page on the
# demo shop (an upset customer, then a product question), with the first answer's inspector
# open to show the sentiment. Under Xvfb with xdotool; the messages are typed, so it waits
# for each answer (PAUSE seconds, default 20: the first may train the fallback classifier).
# xdotool cannot type Chinese reliably here, so the Chinese conversation is not taken.
#   bash data/screenshots/take-chatbot-mood.sh [BUILD_DIR]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(readlink -f "${1:-build}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/src/cli/shopdesk-cli" --db "$work/shop.sqlite" demo >/dev/null 2>&1
export B=$build SHOP=$work/shop.sqlite OUT=$work/shot.png XDG_DATA_HOME=$work/data PAUSE=${PAUSE:-20}
xvfb-run -a -s "-screen 0 1024x700x24" bash -c '
  export GDK_BACKEND=x11 GTK_A11Y=none NO_AT_BRIDGE=1 GSETTINGS_SCHEMA_DIR=$B/data \
         GSETTINGS_BACKEND=memory SHOPDESK_LOCALEDIR=$B/po
  "$B/src/app/shopdesk" --page chatbot "$SHOP" & pid=$!
  wid=$(timeout 60 xdotool search --sync --onlyvisible --name Shopdesk | head -1)
  sleep 6
  xdotool windowsize "$wid" 1024 700
  xdotool mousemove --window "$wid" 416 666 click 1
  sleep 1
  for m in "I have been waiting two weeks for my order, this is ridiculous" \
           "what is the running jacket made of?"; do
    xdotool type --delay 20 "$m"; xdotool key Return; sleep "$PAUSE"
  done
  xdotool mousemove --window "$wid" 430 200 click 1   # the first answer: its inspector
  sleep 3
  import -window "$wid" "$OUT"
  kill $pid'
convert "$OUT" -strip -dither None -colors 256 PNG8:data/screenshots/chatbot-mood.png
echo data/screenshots/chatbot-mood.png
