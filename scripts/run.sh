#!/usr/bin/env bash
# Sets up (if needed), trains (if needed), starts the action server, Rasa and the web app,
# prints the URLs and stops everything cleanly on Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
model=$(scripts/train_if_needed.sh | tail -n 1)
logs="$SSP_DATA_DIR/logs"; mkdir -p "$logs"

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "==> stopping ssp-coach"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "==> stopped"
}
trap stop INT TERM EXIT

wait_for() {  # url name seconds
  for _ in $(seq 1 "$3"); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "ERROR: $2 exited; see $logs" >&2; exit 1; }; done
    sleep 1
  done
  echo "ERROR: $2 did not become ready at $1; see $logs" >&2; exit 1
}

start_s=$(date +%s)
SANIC_HOST=$SSP_HOST "$SSP_VENV/bin/python" -m rasa_sdk --actions actions --port "$SSP_ACTION_PORT" \
  > "$logs/actions.log" 2>&1 & pids+=($!)
"$SSP_VENV/bin/rasa" run --model "$model" --endpoints "$SSP_ENDPOINTS" --credentials credentials.yml \
  --enable-api --auth-token "$SSP_RASA_TOKEN" -i "$SSP_HOST" -p "$SSP_RASA_PORT" \
  > "$logs/rasa.log" 2>&1 & pids+=($!)
"$SSP_VENV/bin/python" -m web.accounts ensure-default
"$SSP_VENV/bin/python" -m web > "$logs/web.log" 2>&1 & pids+=($!)

wait_for "http://$SSP_HOST:$SSP_ACTION_PORT/health" "action server" 120
wait_for "$SSP_RASA_URL/status?token=$SSP_RASA_TOKEN" "Rasa" 180
wait_for "http://$SSP_WEB_HOST:$SSP_WEB_PORT/" "web app" 60
cat <<MSG

ssp-coach is ready in $(( $(date +%s) - start_s )) s
  trainee chat     http://$SSP_WEB_HOST:$SSP_WEB_PORT/
  trainer review   http://$SSP_WEB_HOST:$SSP_WEB_PORT/review
  Rasa REST        $SSP_RASA_URL/webhooks/rest/webhook
  Rasa socket.io   $SSP_RASA_URL/socket.io
  Rasa HTTP API    $SSP_RASA_URL  (token in $SSP_DATA_DIR/rasa_token)
  action server    http://$SSP_HOST:$SSP_ACTION_PORT/webhook
  logs             $logs
Press Ctrl-C to stop.
MSG
wait -n "${pids[@]}"
echo "ERROR: a server exited unexpectedly; see $logs" >&2
exit 1
