#!/usr/bin/env bash
# Sets up (if needed), trains (if needed), then hands over to the supervisor (scripts/supervise.py):
# it starts the action server, Rasa and the web app, prints the URLs, restarts any of them that dies
# (with backoff and a clear message), appends and rotates the logs, and stops everything on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
model=$(scripts/train_if_needed.sh | tail -n 1)
(umask 077; "$SSP_VENV/bin/python" -m web.accounts ensure-default)
exec "$SSP_VENV/bin/python" scripts/supervise.py --model "$model"
