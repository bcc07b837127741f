#!/usr/bin/env bash
# Install pecr into ./.venv and serve it at http://127.0.0.1:8000.
# The first start migrates the database (./pecr.db unless PECR_DATABASE_URL says otherwise), creates
# the first administrator and prints its password once, and loads demo data into an empty database.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-venv.sh
install_project "."
exec .venv/bin/pecr serve --host 127.0.0.1 --port 8000 "$@"
