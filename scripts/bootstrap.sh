#!/usr/bin/env bash
# Set up everything `make run` and `make test` need, idempotently:
#   Debian's libvoikko1 + voikko-fi (when apt is available), the .venv with the pinned
#   packages of requirements.lock (spaCy's Finnish model included), and this project.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES="libvoikko1 voikko-fi tesseract-ocr tesseract-ocr-swe tesseract-ocr-fin"

install_apt_packages() {
  if dpkg -s $APT_PACKAGES >/dev/null 2>&1; then
    return
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "NOTE: apt-get not found. Install Voikko yourself: Debian/Ubuntu packages" \
         "'$APT_PACKAGES' (Fedora: libvoikko + malaga-suomi-voikko; macOS: brew install" \
         "libvoikko). Without it, person names keep their printed order." >&2
    return
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing $APT_PACKAGES with apt-get"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $APT_PACKAGES >/dev/null
}

# Debian's chromium for the browser tests (Playwright drives it; tests skip without it)
install_chromium() {
  if command -v chromium >/dev/null 2>&1; then
    return
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "NOTE: apt-get not found: the browser tests (tests/web/test_browser.py) skip" \
         "until a Chromium is installed as 'chromium' (or MINUTES_CHROMIUM names one)." >&2
    return
  fi
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "installing chromium with apt-get (for the browser tests)"
  $sudo apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null ||
    echo "NOTE: chromium could not be installed; the browser tests will skip" >&2
}

find_python() {
  for candidate in "${PYTHON:-}" python3.11 python3; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$candidate"; return
    fi
  done
  echo "ERROR: Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2
  exit 1
}

install_apt_packages
install_chromium
if [ ! -x .venv/bin/python ]; then
  "$(find_python)" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
# Prefect's local database, migrated once here so that a first run does not wait for it
prefect_home="${PREFECT_HOME:-$PWD/.prefect}"
if [ ! -f "$prefect_home/prefect.db" ]; then
  PREFECT_HOME="$prefect_home" PREFECT_SERVER_ANALYTICS_ENABLED=false \
    .venv/bin/prefect server database upgrade -y >/dev/null
fi
echo "environment ready: .venv"
