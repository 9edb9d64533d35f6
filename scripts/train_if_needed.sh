#!/usr/bin/env bash
# Trains the Rasa model only when config, domain, training data or our NLU component changed. Plain
# `rasa train` from the project root (config.yml, domain.yml, data/ are its defaults).
# Prints the model path on stdout (last line).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
# nlu_components call ssp_coach/text.py (script normalisation) and read the trainer content (menu names,
# car models, feature cues: content/*.yml, content/phrases/*.yml through ssp_coach/roleplay/catalog.py and
# ssp_coach/reading/), so all of it is part of the model's inputs too. Rasa's own cache cannot see those
# inputs, hence --force when they changed.
hash=$(cat config.yml domain.yml data/*.yml nlu_components/*.py ssp_coach/text.py content/*.yml content/phrases/*.yml \
  ssp_coach/roleplay/catalog.py ssp_coach/reading/phrases.py ssp_coach/reading/cues.py | sha256sum | cut -c1-16)
model="$SSP_MODELS_DIR/ssp-coach-$hash.tar.gz"
if [ ! -f "$model" ]; then
  echo "==> training the Rasa model (data or config changed)" >&2
  start=$(date +%s)
  mkdir -p "$SSP_DATA_DIR/logs"
  if ! "$SSP_VENV/bin/rasa" train --force \
      --out "$SSP_MODELS_DIR" --fixed-model-name "ssp-coach-$hash" > "$SSP_DATA_DIR/logs/train.log" 2>&1; then
    tail -n 60 "$SSP_DATA_DIR/logs/train.log" >&2
    echo "ERROR: rasa train failed; full log in $SSP_DATA_DIR/logs/train.log" >&2
    exit 1
  fi
  echo "==> rasa train took $(( $(date +%s) - start )) s" >&2
  find "$SSP_MODELS_DIR" -maxdepth 1 -name 'ssp-coach-*.tar.gz' ! -name "ssp-coach-$hash.tar.gz" -delete
fi
echo "$model"
