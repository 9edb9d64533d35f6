#!/usr/bin/env bash
# Prints every performance figure: the scorer benchmark, then role-play latency/ready/train/memory.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
echo "==> scorer (one process, pipeline loaded once)"
taskset -c 0 "$SSP_VENV/bin/ssp-coach" bench
echo "==> role-play over REST"
"$SSP_VENV/bin/python" bench/roleplay_bench.py --train "$@"
echo "==> static files and chat during a trainer-login flood"
"$SSP_VENV/bin/python" bench/login_flood_bench.py
