#!/usr/bin/env bash
# Everything from nothing: set-up, browser, model, Rasa data validation, story tests, then pytest
# (unit, action, NLU, end-to-end over the real servers, browser). Fails on any failure, and on
# pytest finding no tests (exit 5).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh

# Debian packages the tests need: Chromium (browser tests) and HAProxy (the scaled-out run's proxy)
scripts/install_debian_packages.sh chromium=/usr/bin/chromium fonts-noto-cjk=/usr/bin/chromium \
  haproxy=/usr/sbin/haproxy

# axe-core (accessibility checks in the browser tests), pinned, into a git-ignored folder
AXE_VERSION=4.10.2
if [ ! -f var/npm/node_modules/axe-core/axe.min.js ] || \
   ! grep -q "\"version\": \"$AXE_VERSION\"" var/npm/node_modules/axe-core/package.json; then
  echo "==> installing axe-core $AXE_VERSION (npm) into var/npm"
  npm install --prefix var/npm --no-audit --no-fund --silent "axe-core@$AXE_VERSION"
fi

model=$(scripts/train_if_needed.sh | tail -n 1)
export SSP_RASA_MODEL=$model

echo "==> static checks: ruff (lint + format) and mypy on ssp_coach/ and web/"
"$SSP_VENV/bin/ruff" check ssp_coach/ web/
"$SSP_VENV/bin/ruff" format --check ssp_coach/ web/
"$SSP_VENV/bin/mypy" ssp_coach/ web/

echo "==> rasa data validate"
"$SSP_VENV/bin/python" scripts/validate_data.py

echo "==> Rasa story tests (--fail-on-prediction-errors)"
"$SSP_VENV/bin/rasa" test core --model "$model" --stories tests/stories --fail-on-prediction-errors \
  --out results/stories --no-plot

echo "==> pytest"
"$SSP_VENV/bin/python" -m pytest -p no:cacheprovider "$@"
