#!/usr/bin/env bash
# Prints every performance figure: the scorer benchmark, where a role-play turn's CPU goes, then
# role-play latency/throughput over REST for the product and, in the same run, for a plain `rasa init`
# bot trained in a temporary folder (with the ratio), ready times, `rasa train` time, memory.
# Bounded by default (a few minutes on 2 cores); widen with the environment:
#   SSP_BENCH_LEVELS=1,10,30,60   concurrent trainees per level
#   SSP_BENCH_ROUNDS=1         scripted 9-request sessions per trainee
#   SSP_PROFILE_SESSIONS=2     scripted role-plays profiled in-process (8 turns each)
#   SSP_BENCH_REPLICAS=N          Rasa replicas of the scaled-out run (0: skip it); SSP_BENCH_ACTION_SERVERS=M
# Extra arguments go to bench/roleplay_bench.py (e.g. --no-plain, --no-make-run).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"  # this checkout's code, whatever the venv points at
echo "==> scorer (one process, pipeline loaded once)"
taskset -c 0 "$SSP_VENV/bin/ssp-coach" bench
echo "==> where a role-play turn's CPU goes (Rasa in-process, actions in-process)"
"$SSP_VENV/bin/python" bench/turn_profile.py --sessions "${SSP_PROFILE_SESSIONS:-2}"
echo "==> role-play over REST: ssp-coach single process, scaled out (make run-scaled: SSP_BENCH_REPLICAS, default one"
echo "    per core), and a plain \`rasa init\` bot, same client, same levels"
[ "${SSP_BENCH_REPLICAS:-1}" = 0 ] || scripts/install_debian_packages.sh haproxy=/usr/sbin/haproxy
"$SSP_VENV/bin/python" bench/roleplay_bench.py --train \
  --levels "${SSP_BENCH_LEVELS:-1,10,30,60}" --rounds "${SSP_BENCH_ROUNDS:-1}" "$@"
echo "==> static files and chat during a trainer-login flood"
"$SSP_VENV/bin/python" bench/login_flood_bench.py
