#!/usr/bin/env bash
# Installs the dashboard's dependencies into .venv and starts it on http://localhost:8501,
# reading data/ and targets.yaml (or KPI_DATA_DIR / KPI_TARGETS). Embedded DuckDB: no server.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --isolated --disable-pip-version-check -r requirements.txt
exec .venv/bin/streamlit run app.py --browser.gatherUsageStats false "$@"
