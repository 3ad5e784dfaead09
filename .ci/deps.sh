#!/usr/bin/env bash
# Installs the Debian 12 packages Shopdesk needs to build, test and run. As root it
# installs what is missing; otherwise it prints the exact apt-get line and fails.
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libadwaita-1-dev
  libsqlite3-dev sqlite3 libopenblas-dev zlib1g-dev libxml2-dev
  # lapack.h, the C prototypes of the LAPACK routines OpenBLAS provides (sd-als.c)
  liblapacke-dev
  # the optional language model: HTTP client, JSON, the API key in the keyring
  libsoup-3.0-dev libjson-glib-dev libsecret-1-dev
  desktop-file-utils appstream-util
  xvfb xauth xdotool imagemagick
  python3
  # sync from shop databases: the client libraries, the keyring, and the servers the sync test starts
  libpq-dev libmariadb-dev libsecret-1-dev mariadb-server postgresql
  # distributed ALS (shopdesk-cli train --distributed; optional in the build) and the mpirun its test uses
  libopenmpi-dev openmpi-bin
  # Chinese glyphs for the zh_CN screenshots and UI tests (a small CJK fallback font)
  fonts-droid-fallback
  # a comma-decimal locale (de_DE.UTF-8, generated below) for the tests that check JSON and CSV
  locales
  # country names in the user's language (sd_format_country: 德国 for Germany)
  iso-codes
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The comma-decimal locale is generated, not packaged; as root, make it when it is missing.
if [ "$(id -u)" -eq 0 ] && ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  missing_locale=1
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "Shopdesk needs these packages. Run:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ "${missing_locale:-0}" = 1 ]; then
  sed -i 's/^# *\(de_DE\.UTF-8 UTF-8\)/\1/' /etc/locale.gen
  grep -q '^de_DE.UTF-8 UTF-8' /etc/locale.gen || echo 'de_DE.UTF-8 UTF-8' >> /etc/locale.gen
  locale-gen >/dev/null
fi
exit 0
