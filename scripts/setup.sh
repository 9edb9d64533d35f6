#!/usr/bin/env bash
# Idempotent set-up from nothing: Python 3.10 venv, pinned dependencies, the blank spaCy zh pipeline on disk.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${SSP_VENV:-.venv}
PY=$(scripts/find_python.sh)

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info[:2]==(3,10) else 1)'; then
  echo "==> creating $VENV with $PY"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
fi

stamp="$VENV/.ssp-installed"
want=$(cat requirements.txt constraints.txt pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing pinned dependencies (a few minutes on a fresh machine)"
  "$VENV/bin/python" -m pip install --quiet --upgrade "pip==23.2.1" "setuptools==65.5.0" "wheel==0.41.2"
  "$VENV/bin/python" -m pip install --quiet -r requirements.txt -c constraints.txt
  "$VENV/bin/python" -m pip install --quiet --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
fi

if [ ! -f models/spacy_zh/config.cfg ]; then
  echo "==> building the blank spaCy zh pipeline (jieba) in models/spacy_zh"
  "$VENV/bin/python" scripts/build_spacy_zh.py models/spacy_zh
fi
(umask 077; mkdir -p var)  # where Rasa's own commands (endpoints.yml) keep the SQLite tracker store
echo "==> set-up complete ($VENV)"
