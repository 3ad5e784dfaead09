#!/usr/bin/env bash
# Drives data/completions/shopdesk-cli as bash would, against the built shopdesk-cli.
#   check-completion.sh COMPLETION SHOPDESK-CLI
set -u
source "$1"
cli=$2
n=0 failed=0

complete_words () {   # complete_words WORD… : sets REPLY to COMPREPLY, one line each
  COMP_WORDS=("$cli" "$@")
  COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
  COMPREPLY=()
  _shopdesk_cli
  REPLY=$(printf '%s\n' "${COMPREPLY[@]}")
}

expect () {   # expect NAME WANTED WORD…
  local name=$1 wanted=$2
  shift 2
  complete_words "$@"
  n=$((n + 1))
  if printf '%s\n' "$REPLY" | grep -qx -- "$wanted"; then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name: wanted “$wanted”, got: $(echo $REPLY)"
    failed=1
  fi
}

echo "1..8"
expect "commands" import im
expect "commands after --db" recommend --db shop.sqlite rec
expect "a command's options" --rejects import --rej
expect "format names" shopify-orders import --format shopify-o
expect "format names after =" --format=woocommerce-products import --format=wooc
expect "global options" --version --vers
expect "sub-commands" preview coupons prev
expect "options of chat" --explain chat --exp
exit $failed
