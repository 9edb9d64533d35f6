#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter (Rasa 3.6 needs >=3.8,<3.11), or fails with a clear message.
set -u
candidates=()
[ -n "${SSP_PYTHON:-}" ] && candidates+=("$SSP_PYTHON")
candidates+=(python3.10)
if command -v pyenv >/dev/null 2>&1; then
  candidates+=("$(pyenv root)/versions/3.10.13/bin/python3.10")
  for d in "$(pyenv root)"/versions/3.10*/bin/python3.10; do candidates+=("$d"); done
fi
candidates+=("$HOME/.pyenv/versions/3.10.13/bin/python3.10" /usr/bin/python3.10 /usr/local/bin/python3.10)
for c in "${candidates[@]}"; do
  p=$(command -v "$c" 2>/dev/null) || continue
  if "$p" -c 'import sys, venv; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' 2>/dev/null; then
    echo "$p"; exit 0
  fi
done
echo "ERROR: ssp-coach needs Python 3.10 (Rasa 3.6 does not support 3.11+)." >&2
echo "       Install it (e.g. 'pyenv install 3.10.13') or point SSP_PYTHON at a python3.10 binary." >&2
exit 1
