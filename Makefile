# The two commands of the README: `make run` (set up and start the product), `make test` (set up and
# run every test). Both work from a fresh clone.
.PHONY: run run-scaled test setup train lock bench clean

run:
	scripts/run.sh

test:
	scripts/test.sh

# Several Rasa replicas + action servers behind HAProxy, PostgreSQL tracker store, Redis lock store.
run-scaled:
	scripts/run_scaled.sh

setup:
	scripts/setup.sh

# Folds the trainers' corrections (review page) into the scorer: exports them from the review database to
# $SSP_DATA_DIR/scorer_corrections.yml and retrains the scorer's models on it; then the Rasa model if needed.
train: setup
	bash -c 'source scripts/env.sh && "$$SSP_VENV/bin/python" -m web.export_corrections --retrain'
	scripts/train_if_needed.sh

bench: setup
	scripts/bench.sh

# Re-resolve the pinned set after changing requirements.txt.
lock:
	.venv/bin/python -m pip freeze --exclude-editable | sed '1i # Full resolved dependency set for Python 3.10 on Linux x86_64 (pip freeze). Regenerate with: make lock' > constraints.txt

clean:
	rm -rf .venv models var results artifacts
