#!/usr/bin/env bash
# `make run-scaled`: like `make run`, with N Rasa replicas (default: one per core) and M action servers
# (default 1) behind HAProxy on the usual ports, the PostgreSQL tracker store and Redis lock store of
# endpoints.scale.yml (the running services named by SSP_PG_* and SSP_REDIS_*, see scripts/env.sh), and
# the web app reading transcripts from the same PostgreSQL database.
#   SSP_RASA_REPLICAS=4 SSP_ACTION_SERVERS=2 make run-scaled
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/install_debian_packages.sh haproxy=/usr/sbin/haproxy
export SSP_HAPROXY=${SSP_HAPROXY:-$(command -v haproxy || echo /usr/sbin/haproxy)}
export SSP_ENDPOINTS=${SSP_ENDPOINTS:-$PWD/endpoints.scale.yml}
source scripts/env.sh
pg_auth=$SSP_PG_USER${SSP_PG_PASSWORD:+:$SSP_PG_PASSWORD}
export SSP_TRACKER_DB_URL=${SSP_SCALED_TRACKER_DB_URL:-postgresql://$pg_auth@$SSP_PG_HOST:$SSP_PG_PORT/$SSP_PG_DB}
replicas=${SSP_RASA_REPLICAS:-$(nproc)}
model=$(scripts/train_if_needed.sh | tail -n 1)
(umask 077; "$SSP_VENV/bin/python" -m web.accounts ensure-default)
echo "==> $replicas Rasa replicas, ${SSP_ACTION_SERVERS:-1} action server(s) behind HAProxy; tracker store PostgreSQL $SSP_PG_HOST:$SSP_PG_PORT/$SSP_PG_DB, lock store Redis $SSP_REDIS_HOST:$SSP_REDIS_PORT"
exec "$SSP_VENV/bin/python" scripts/supervise.py --model "$model" --replicas "$replicas" \
  --action-servers "${SSP_ACTION_SERVERS:-1}"
