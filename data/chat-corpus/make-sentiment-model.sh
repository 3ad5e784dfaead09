#!/bin/sh
# Regenerates data/chat-corpus/sentiment.bin, the sentiment model Shopdesk ships, from the
# review data sets in ../shared/datasets and the built-in chat corpus (sentiment.tsv and
# the intent corpus), and prints its figures on the held-out test part.
#
#   data/chat-corpus/make-sentiment-model.sh [BUILD_DIR]     (default: build)
#
# The model is derived from data under these terms (see ../shared/datasets/README.md):
# - Amazon product reviews, Musical Instruments 5-core (McAuley et al., 2014 release):
#   research use.
# - ChineseNlpCorpus online_shopping_10_cats (a stratified sample): collected from the web by
#   its publisher, no licence stated; research use.
# The blob holds hashed feature weights only (no text of any review). Deterministic: the
# same data and code give the same bytes. Rebuild Shopdesk after regenerating it (the
# model is compiled in as a resource).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
datasets=${SD_DATASETS_DIR:-$root/../shared/datasets}
"$build/src/cli/shopdesk-cli" sentiment-train \
  --amazon "$datasets/amazon-musical-instruments/reviews_Musical_Instruments_5.json.gz" \
  --chinese "$datasets/chinese-reviews/online_shopping_10_cats.csv" \
  --out "$here/sentiment.bin"
