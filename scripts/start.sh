#!/usr/bin/env bash
# Installs the dashboard's pinned dependencies into .venv (with uv) and starts it, reading data/ and
# targets.yaml (or KPI_DATA_DIR / KPI_TARGETS). Embedded DuckDB: no database server to set up.
# PORT=8502 bash scripts/start.sh picks another port; extra arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-8501}"
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
  echo "Målbild: installing python3-venv (Debian)"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  echo "Målbild: creating the virtualenv .venv ($(python3 --version))"
  python3 -m venv .venv
fi
echo "Målbild: installing the locked packages (requirements.txt, with hashes) with uv; the first time takes a minute"
.venv/bin/python -m pip install -q --isolated --disable-pip-version-check uv
# Compiled once at install, so the dashboard's first page after a start does not compile them.
.venv/bin/python -m uv pip install -q --compile-bytecode --require-hashes --python .venv/bin/python -r requirements.txt
echo "Målbild: starting on ${KPI_DATA_DIR:-the example data in data/}"
echo
echo "  Open http://127.0.0.1:${port} in your browser. Ctrl+C stops the dashboard."
echo
exec .venv/bin/streamlit run app.py --server.headless true --server.address 127.0.0.1 \
  --server.port "$port" --browser.gatherUsageStats false "$@"
