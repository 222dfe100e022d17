#!/usr/bin/env bash
# The test command the README gives and CI runs: install, lint, test.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install -q --disable-pip-version-check -e '.[test]'

# The workbook tests recalculate files in LibreOffice; install it when missing and allowed.
if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing LibreOffice (libreoffice-calc-nogui)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-calc-nogui >/dev/null
  else
    echo "note: LibreOffice (soffice) not found; its tests will be skipped." \
         "Install libreoffice-calc-nogui to run them." >&2
  fi
fi

# A second spreadsheet engine proves the same live sheets (tests/test_gnumeric.py).
if ! command -v ssconvert >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Gnumeric (ssconvert)..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gnumeric >/dev/null
  else
    echo "note: Gnumeric (ssconvert) not found; its test will be skipped." \
         "Install gnumeric to run it." >&2
  fi
fi

ruff check .
ruff format --check .
python3 -m pytest "$@"
