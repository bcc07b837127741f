#!/usr/bin/env bash
# Install what the tests need (Debian's chromium for the browser tests, the project with its test
# extras in ./.venv) and run the whole suite: ruff check and ruff format --check, then pytest with one worker per core
# (PECR_TEST_WORKERS overrides).
# PostgreSQL tests run when PECR_TEST_POSTGRES_URL is set (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup-venv.sh

if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium
fi
install_project ".[test]"

# Both always run, so one pass reports lint and test failures together; either fails the script.
status=0
.venv/bin/ruff check . || status=$?
.venv/bin/ruff format --check . || status=$?
.venv/bin/pytest -n "${PECR_TEST_WORKERS:-auto}" "$@" || status=$?
exit "$status"
