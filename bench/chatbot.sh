#!/usr/bin/env bash
# bench/chatbot.sh — the intent classifier against fastText, measured in the same run.
#
# For BANKING77 (train.csv → test.csv) and SMP2019 (gp_train.json → gp_test.json, labels:
# intents, the only label those files carry) it runs `shopdesk-cli chat-eval` and
# `fasttext supervised` with the reference settings of ../shared/datasets/README.md
# (25 epochs, lr 0.5, word bigrams, character 3–5-grams, 100 dimensions, one thread per
# core), each under /usr/bin/time -v, and reports accuracy, wall and CPU time, peak memory
# and model size beside fastText's.
#
# For the chatbot's own corpus it runs tests/test-chat-quality (the chatbot as it classifies:
# its intent model averaged with the fallback linear classifier; five folds of held-out
# paraphrase groups per language; the whole corpus scored on Bitext and HINT3 mapped onto the
# chatbot's intents by tests/fixtures/*-intent-map.tsv) and, through
# bench/chat-corpus-fasttext.py, fastText with the same settings on the same data. Issue 14's
# sentiment (tests/test-sentiment: the shipped model on the review sets' held-out parts) and
# CLINC150 out-of-scope figures (test-chat-quality's /chat-quality/clinc-oos) follow, for
# Shopdesk only.
#
# Wall and CPU times are whole processes (reading, training, saving or evaluating), so they
# are comparable; Shopdesk's own training time is printed beside. Run it on a quiet
# machine: both sides feel the load of other work (CPU time less so than wall time).
#
# It prints one table: each measure, Shopdesk's figure, fastText's where it applies, the bar.
#
# Usage: bench/chatbot.sh [DATASETS_DIR]     (needs python3 to write fastText's input)
#        SD_BUILD_DIR=DIR bench/chatbot.sh    (an existing meson build; default ./build)
set -euo pipefail
export LC_ALL=C.UTF-8   # the figures are parsed and printed with a decimal point
cd "$(dirname "$0")/.."

datasets=${1:-${SD_DATASETS_DIR:-../shared/datasets}}
work=$(mktemp -d -t shopdesk-bench-chatbot.XXXXXX)
trap 'rm -rf "$work"' EXIT

build=${SD_BUILD_DIR:-build}
if [ ! -x "$build/src/cli/shopdesk-cli" ]; then
  [ -d "$build" ] || meson setup "$build" >/dev/null
fi
ninja -C "$build" src/cli/shopdesk-cli tests/test-chat-quality tests/test-sentiment >/dev/null
cli=$build/src/cli/shopdesk-cli

if [ ! -x /usr/bin/time ]; then
  echo "bench/chatbot.sh: /usr/bin/time is missing (apt-get install time)" >&2
  exit 1
fi
if ! command -v fasttext >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing fastText for the reference…" >&2
    apt-get install -y -qq fasttext >/dev/null || { apt-get update -qq && apt-get install -y -qq fasttext >/dev/null; }
  fi
fi
have_fasttext=0
command -v fasttext >/dev/null && command -v python3 >/dev/null && have_fasttext=1
[ $have_fasttext = 1 ] || echo "fastText (or python3) is missing: the reference columns stay empty" >&2

# fastText's input: "__label__L text" per line. Chinese gets a space between characters
# (fastText splits on spaces only), as is usual for character-level Chinese models.
to_fasttext () {
  python3 - "$1" "$2" <<'EOF'
import csv, json, re, sys
src, dst = sys.argv[1], sys.argv[2]
if src.endswith('.csv'):
    rows = [(r['text'], r['category']) for r in csv.DictReader(open(src, encoding='utf-8'))]
else:
    rows = [(r['text'], r['intent']) for r in json.load(open(src, encoding='utf-8'))]
cjk = re.compile(r'([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af])')
with open(dst, 'w', encoding='utf-8') as out:
    for text, label in rows:
        text = cjk.sub(r' \1 ', text.replace('\n', ' '))
        out.write('__label__%s %s\n' % (label.replace(' ', '_'), ' '.join(text.split())))
EOF
}

# Prints "wall_seconds cpu_seconds peak_kb" from a /usr/bin/time -v log.
time_of () {
  awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; wall = s }
              /User time|System time/ { cpu += $2 }
              /Maximum resident set size/ { rss = $2 }
              END { printf "%.2f %.2f %d\n", wall, cpu, rss }' "$1"
}

json_field () {
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2" 2>/dev/null ||
    sed -n "s/.*\"$2\": \([0-9.e+-]*\).*/\1/p" "$1"
}

rows=()
run_set () {
  local name=$1 train=$2 test=$3
  if [ ! -f "$train" ] || [ ! -f "$test" ]; then
    echo "$name: $train or $test is absent, skipped" >&2
    return
  fi

  echo "== $name: shopdesk-cli chat-eval --train $train --test $test --json" >&2
  /usr/bin/time -v -o "$work/$name.sd.time" "$cli" chat-eval --train "$train" --test "$test" --json > "$work/$name.sd.json"
  local sd_acc sd_train sd_bytes sd_wall sd_cpu sd_kb
  sd_acc=$(json_field "$work/$name.sd.json" accuracy)
  sd_train=$(json_field "$work/$name.sd.json" train_seconds)
  sd_bytes=$(json_field "$work/$name.sd.json" model_bytes)
  read -r sd_wall sd_cpu sd_kb < <(time_of "$work/$name.sd.time")

  local ft_acc="" ft_wall="" ft_cpu="" ft_kb="" ft_bytes=""
  if [ $have_fasttext = 1 ]; then
    to_fasttext "$train" "$work/$name.train.txt"
    to_fasttext "$test" "$work/$name.test.txt"
    echo "== $name: fasttext supervised -epoch 25 -lr 0.5 -wordNgrams 2 -minn 3 -maxn 5 -dim 100 -thread $(nproc)" >&2
    /usr/bin/time -v -o "$work/$name.ft.time" fasttext supervised -input "$work/$name.train.txt" \
      -output "$work/$name.ft" -epoch 25 -lr 0.5 -wordNgrams 2 -minn 3 -maxn 5 -dim 100 \
      -thread "$(nproc)" -verbose 0
    ft_acc=$(fasttext test "$work/$name.ft.bin" "$work/$name.test.txt" | awk '/^P@1/ { print $2 }')
    read -r ft_wall ft_cpu ft_kb < <(time_of "$work/$name.ft.time")
    ft_bytes=$(stat -c %s "$work/$name.ft.bin")
    rm -f "$work/$name.ft.bin" "$work/$name.ft.vec"
  fi
  rows+=("$name|$sd_acc|$sd_train|$sd_wall|$sd_cpu|$sd_kb|$sd_bytes|$ft_acc|$ft_wall|$ft_cpu|$ft_kb|$ft_bytes")
}

run_set banking77 "$datasets/banking77/train.csv" "$datasets/banking77/test.csv"
run_set smp2019-zh "$datasets/smp2019-zh/gp_train.json" "$datasets/smp2019-zh/gp_test.json"

# The chatbot's own corpus: the figures test-chat-quality prints, and fastText's beside them.
echo "== chat corpus: tests/test-chat-quality" >&2
SD_DATASETS_DIR="$datasets" SD_FIXTURES_DIR="$PWD/tests/fixtures" "$build"/tests/test-chat-quality \
  > "$work/quality.tap" 2>&1 || echo "test-chat-quality failed (below its floors); its figures are still shown" >&2
figure () { sed -n "s/$1/\1/p" "$work/quality.tap" | head -1; }
sd_en=$(figure '.*groups, en, mean of 5 folds: the chatbot \([0-9.]*\).*')
sd_zh=$(figure '.*groups, zh_CN, mean of 5 folds: the chatbot \([0-9.]*\).*')
sd_bitext=$(figure '.*Bitext mapped.* accuracy \([0-9.]*\).*')
sd_cure=$(figure '.*HINT3 curekart mapped.* accuracy \([0-9.]*\).*')
sd_sof=$(figure '.*HINT3 sofmattress mapped.* accuracy \([0-9.]*\).*')
sd_oos_in=$(figure '.*held-out fifth of train.csv.*in-scope accuracy \([0-9.]*\), oos recall.*')
sd_oos_rec=$(figure '.*held-out fifth of train.csv.*in-scope accuracy [0-9.]*, oos recall \([0-9.]*\).*')
# the same rule on the pair the chatbot classifies with
sd_blend_in=$(figure '.*averaged with the linear classifier.*held-out fifth: in-scope accuracy \([0-9.]*\), oos recall.*')
sd_blend_rec=$(figure '.*averaged with the linear classifier.*held-out fifth: in-scope accuracy [0-9.]*, oos recall \([0-9.]*\).*')
# Sentiment: the shipped model on the review sets' held-out parts (tests/test-sentiment).
echo "== sentiment: tests/test-sentiment" >&2
SD_DATASETS_DIR="$datasets" SD_FIXTURES_DIR="$PWD/tests/fixtures" "$build"/tests/test-sentiment --verbose > "$work/sentiment.tap" 2>&1 \
  || echo "test-sentiment failed (below its targets); its figures are still shown" >&2
sentiment () { sed -n "s/.*$1 held out: .*negative recall \([0-9.]*\), precision \([0-9.]*\), PR-AUC \([0-9.]*\).*/\1 \/ \2 \/ \3/p" "$work/sentiment.tap" | head -1; }
sd_sent_en=$(sentiment 'English (balanced, no 3-star)')
sd_sent_zh=$(sentiment 'Chinese')
# complaints written without a complaint word (tests/fixtures/chat-mood.tsv): heard / precision
mood () { sed -n "s/.*$1: [0-9]* of [0-9]* complaints heard as negative (\([0-9.]*\)).*(precision \([0-9.]*\)).*/\1 \/ \2/p" "$work/sentiment.tap" | head -1; }
sd_mood_en=$(mood en)
sd_mood_zh=$(mood zh_CN)
ft_en="" ft_zh="" ft_bitext="" ft_cure="" ft_sof=""
if [ $have_fasttext = 1 ]; then
  echo "== chat corpus: fastText (same settings) on the same folds and tests" >&2
  read -r ft_en ft_zh ft_bitext ft_cure ft_sof < <(python3 bench/chat-corpus-fasttext.py "$datasets" "$work")
fi

# One table: every figure, Shopdesk beside fastText where fastText can be run on the same
# data, and the bar it is held to.
if [ $have_fasttext = 1 ]; then ft_none="n/a"; else ft_none="absent"; fi
echo
echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
[ $have_fasttext = 1 ] || echo "fastText is not installed (or python3 is missing): its column says \"absent\"."
printf '%-52s %-21s %-21s %s\n' "measure" shopdesk fasttext "bar"
line () { printf '%-52s %-21s %-21s %s\n' "$1" "${2:--}" "${3:--}" "$4"; }
for row in "${rows[@]}"; do
  IFS='|' read -r name sd_acc sd_train sd_wall sd_cpu sd_kb sd_bytes ft_acc ft_wall ft_cpu ft_kb ft_bytes <<< "$row"
  case $name in banking77) bar="≥ 0.87, wall ≤ fastText's";; *) bar="≥ 0.93";; esac
  line "$name accuracy (test set)" "$sd_acc" "${ft_acc:-$ft_none}" "$bar"
  line "$name wall s / cpu s / peak MB / model MB" \
    "$(printf '%.1f/%.1f/%.0f/%.1f' "$sd_wall" "$sd_cpu" "$(echo "$sd_kb / 1024" | bc -l)" "$(echo "$sd_bytes / 1000000" | bc -l)")" \
    "$([ -n "$ft_acc" ] && printf '%.1f/%.1f/%.0f/%.1f' "$ft_wall" "$ft_cpu" "$(echo "$ft_kb / 1024" | bc -l)" "$(echo "$ft_bytes / 1000000" | bc -l)" || echo "$ft_none")" \
    "peak < 150 MB, model < 50 MB"
done
line "chat corpus, held-out groups EN (5 folds)" "$sd_en" "${ft_en:-$ft_none}" "≥ 0.90"
line "chat corpus, held-out groups ZH (5 folds)" "$sd_zh" "${ft_zh:-$ft_none}" "≥ 0.90"
line "Bitext mapped onto the chatbot's intents" "$sd_bitext" "${ft_bitext:-$ft_none}" "≥ 0.90"
line "HINT3 CureKart mapped" "$sd_cure" "${ft_cure:-$ft_none}" "(reported)"
line "HINT3 SOF Mattress mapped" "$sd_sof" "${ft_sof:-$ft_none}" "(reported)"
line "sentiment EN, balanced, no 3-star: rec/prec/PR-AUC" "$sd_sent_en" "n/a" "rec ≥ 0.80 at prec ≥ 0.75"
line "sentiment ZH: recall / precision / PR-AUC" "$sd_sent_zh" "n/a" "rec ≥ 0.80 at prec ≥ 0.75"
line "complaints heard as negative EN: recall / precision" "$sd_mood_en" "n/a" "≥ 0.60 at ≥ 0.70"
line "complaints heard as negative ZH: recall / precision" "$sd_mood_zh" "n/a" "≥ 0.60 at ≥ 0.70"
line "CLINC150 OOS: in-scope accuracy at OOS recall" "$sd_oos_in at $sd_oos_rec" "n/a" "≥ 0.90 at ≥ 0.50"
line "CLINC150 OOS, averaged as the chatbot: the same" "$sd_blend_in at $sd_blend_rec" "n/a" "≥ 0.90 at ≥ 0.50"
echo
echo "The chat corpus rows train on data/chat-corpus only: Bitext and HINT3 are evaluation data."
echo "fastText's folds are dealt by Python's shuffle, so its held-out groups differ from ours."
echo "n/a: fastText has no calibrated out-of-scope rule, and was not run on the sentiment split."
