# Sourced by the run/test scripts: every port, path and secret can be overridden from the environment.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export SSP_VENV=${SSP_VENV:-$ROOT/.venv}
export SSP_DATA_DIR=${SSP_DATA_DIR:-$ROOT/var}
export SSP_HOST=${SSP_HOST:-127.0.0.1}
export SSP_RASA_PORT=${SSP_RASA_PORT:-5005}
export SSP_ACTION_PORT=${SSP_ACTION_PORT:-5055}
export SSP_WEB_PORT=${SSP_WEB_PORT:-8000}
export SSP_WEB_HOST=${SSP_WEB_HOST:-$SSP_HOST}
export SSP_RASA_URL=${SSP_RASA_URL:-http://$SSP_HOST:$SSP_RASA_PORT}
export SSP_ACTION_URL=${SSP_ACTION_URL:-http://$SSP_HOST:$SSP_ACTION_PORT/webhook}
export SSP_ENDPOINTS=${SSP_ENDPOINTS:-$ROOT/endpoints.env.yml}
export SSP_TRACKER_DB=${SSP_TRACKER_DB:-$SSP_DATA_DIR/rasa_tracker.db}
export SSP_TRACKER_DB_URL=${SSP_TRACKER_DB_URL:-sqlite:///$SSP_TRACKER_DB}
export SSP_REVIEW_DB_URL=${SSP_REVIEW_DB_URL:-sqlite:///$SSP_DATA_DIR/review.db}
export SSP_MODELS_DIR=${SSP_MODELS_DIR:-$ROOT/models}
# scale-out (endpoints.scale.yml)
export SSP_PG_HOST=${SSP_PG_HOST:-127.0.0.1} SSP_PG_PORT=${SSP_PG_PORT:-5432} SSP_PG_DB=${SSP_PG_DB:-ssp_coach} SSP_PG_LOGIN_DB=${SSP_PG_LOGIN_DB:-postgres}
export SSP_PG_USER=${SSP_PG_USER:-postgres} SSP_PG_PASSWORD=${SSP_PG_PASSWORD:-}
export SSP_REDIS_HOST=${SSP_REDIS_HOST:-127.0.0.1} SSP_REDIS_PORT=${SSP_REDIS_PORT:-6379} SSP_REDIS_DB=${SSP_REDIS_DB:-0}
# var/ holds the databases, logs and secrets: private to this user (0700 directory, 0600 files).
(umask 077; mkdir -p "$SSP_DATA_DIR")
chmod 700 "$SSP_DATA_DIR"
# The HTTP API token: random per installation unless given, kept private under var/.
if [ -z "${SSP_RASA_TOKEN:-}" ]; then
  if [ ! -s "$SSP_DATA_DIR/rasa_token" ]; then
    (umask 077; "$SSP_VENV/bin/python" -c 'import secrets; print(secrets.token_urlsafe(24))' > "$SSP_DATA_DIR/rasa_token")
  fi
  SSP_RASA_TOKEN=$(cat "$SSP_DATA_DIR/rasa_token")
fi
export SSP_RASA_TOKEN
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
export SQLALCHEMY_SILENCE_UBER_WARNING=1
