#!/usr/bin/env bash
# Installs everything the test suite needs on a fresh Debian/Ubuntu machine, idempotently:
# Debian's chromium (end-to-end tests, chart images), poppler-utils (pdftotext/pdftoppm),
# DejaVu fonts (PDF), LibreOffice Calc (opens the Excel exports), faketime (CI runs the quick suite
# on other calendar days), nginx (the reverse proxy of a many-organisation deployment), then a virtualenv in .venv
# with requirements-dev.txt. Playwright drives Debian's chromium; it never downloads a browser.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v faketime >/dev/null 2>&1 || need+=(faketime)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)  # the proxy in tests/test_hosting.py
command -v caddy >/dev/null 2>&1 || need+=(caddy)  # the documented Caddy snippet, tests/test_proxy_headers.py
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
python3 -c 'import ensurepip' >/dev/null 2>&1 || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || { echo "Creating the virtualenv .venv"; python3 -m venv .venv; }
.venv/bin/python -m pip install -q --isolated --disable-pip-version-check uv
echo "Installing the locked Python packages (requirements-dev.txt: the whole tree, with hashes) with uv"
# --compile-bytecode: Python starts in a third of the time (streamlit, pandas, hypothesis: 4.8 s →
# 1.8 s here) even where PYTHONDONTWRITEBYTECODE keeps Python from writing the caches itself;
# every test that starts a server, a worker or a subprocess pays that start.
# sync: exactly the lock, nothing else (a package left from an older lock is removed).
.venv/bin/python -m uv pip sync -q --compile-bytecode --require-hashes --python .venv/bin/python requirements-dev.txt
.venv/bin/python -m uv pip install -q --python .venv/bin/python --no-deps -e .  # the `kpi` command
# A real OpenID Connect provider for the sign-in tests (tests/oidc_server.py), outside the repo.
oidc_dir="${MALBILD_OIDC_DIR:-$HOME/.cache/malbild-oidc}"
if [ ! -d "$oidc_dir/node_modules/oidc-provider" ]; then
  echo "Installing the OpenID Connect test provider (npm oidc-provider) into $oidc_dir"
  mkdir -p "$oidc_dir"
  npm install --silent --no-audit --no-fund --prefix "$oidc_dir" oidc-provider@9.13.3 >/dev/null
fi
# axe-core (accessibility checks in the browser tests), from npm into a folder outside the repo;
# tests/test_e2e_browser.py finds it there (or at $KPI_AXE_JS).
axe_dir="${KPI_AXE_DIR:-$HOME/.cache/malbild-axe}"
if [ ! -f "$axe_dir/node_modules/axe-core/axe.min.js" ] && command -v npm >/dev/null 2>&1; then
  echo "Installing axe-core 4.14.1 into $axe_dir"
  mkdir -p "$axe_dir" && npm install -s --no-audit --no-fund --prefix "$axe_dir" axe-core@4.14.1 >/dev/null
fi
echo "Test environment ready: .venv ($(.venv/bin/python --version))"
