# Wayfinder: `make run` to chat, `make test` for the whole suite. Both set everything up first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/rasa
DOMAIN := models/build/domain.yml
SPACY := models/spacy/wayfinder_en
TRAIN_DATA := data/nlu data/stories data/rules
TRAIN_INPUTS := config.yml domain.yml data/council.yml data/vocabulary.yml data/nlu data/stories data/rules data/domain data/patterns bot/nlu bot/need_areas.py bot/person_facts.py \
	data/routing/step_training.yml bot/step_classifier.py
RISK_MODEL := models/safeguarding/risk_model.joblib
# What the learned safeguarding model is built from (never tests/safeguarding/heldout/).
RISK_INPUTS := data/vocabulary.yml data/safeguarding data/nlu tests/safeguarding/disclosures.yml \
	tests/safeguarding/near_misses.yml tests/safeguarding/positive_risk.yml \
	bot/safeguarding/corpus.py bot/safeguarding/model.py bot/safeguarding/model_builder.py
TEST_RASA_PORT := 5006
TEST_ACTIONS_PORT := 5056
BROWSER_RASA_PORT := 5008
BROWSER_ACTIONS_PORT := 5058
STAFF_RASA_PORT := 5007
STAFF_ACTIONS_PORT := 5057

export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
export PYTHONUNBUFFERED := 1

# Rasa 3.6 needs CPython 3.10: python3.10 on PATH, else pyenv's 3.10.
PYTHON310 := $(shell if python3.10 -c 'import sys' >/dev/null 2>&1; then echo python3.10; \
	elif command -v pyenv >/dev/null 2>&1 && [ -x "$$(pyenv prefix 3.10 2>/dev/null)/bin/python3.10" ]; \
	then echo "$$(pyenv prefix 3.10)/bin/python3.10"; fi)

.PHONY: help run test setup venv spacy domain train lint unit validate core-test nlu-test e2e \
	safeguarding-test safeguarding-model safeguarding-heldout safeguarding-dev routing-test browser-deps browser-test staff-test bench-staff \
	report purge bench clean cluster cluster-stop cluster-packages loadtest cluster-test

help:
	@echo "make run    - set up, train if needed, start Wayfinder and print the chat page URL"
	@echo "make test   - set up, train if needed, run the whole test suite"
	@echo "make report - commissioners' report (FROM=YYYY-MM-DD TO=YYYY-MM-DD OUT=dir)"
	@echo "make purge  - delete data older than the retention period (needs log 365 days, conversations 30)"
	@echo "make bench  - print speed, size and cost figures"
	@echo "make cluster N=2 - nginx + N Rasa + N action servers + PostgreSQL, Redis, RabbitMQ"
	@echo "make loadtest - 200 whole conversations at once against the cluster, with faults"

$(VENV)/.installed: requirements.lock requirements.txt
	@if [ -z "$(PYTHON310)" ]; then echo "Python 3.10 is needed (Rasa 3.6 does not run on 3.11+)." \
	  "Install it, e.g. 'pyenv install 3.10', then run make again."; exit 1; fi
	@[ -x $(PY) ] || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip<25"
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip check
	@touch $@

venv: $(VENV)/.installed

spacy: venv
	$(PY) -m bot.nlu.spacy_builder --out $(SPACY)

domain: venv
	$(PY) -m bot.nlu.domain_builder --out $(DOMAIN)

# The learned safeguarding model (seconds); rebuilt only when its inputs changed.
safeguarding-model: venv
	@new=$$(find $(RISK_INPUTS) -type f -not -name '*.pyc' | sort | xargs sha256sum | sha256sum | cut -c1-64); \
	old=$$(cat $(RISK_MODEL).fingerprint 2>/dev/null); \
	if [ "$$new" != "$$old" ] || [ ! -f $(RISK_MODEL) ]; then \
	  $(PY) -m bot.safeguarding.model_builder --out $(RISK_MODEL) && echo "$$new" > $(RISK_MODEL).fingerprint; \
	else echo "Safeguarding model up to date."; fi

# Trains only when something the model is built from has changed (our fingerprint, because
# `rasa train` does not notice changes inside the spaCy folder).
train: spacy domain safeguarding-model
	@new=$$(find $(TRAIN_INPUTS) -type f -not -name '*.pyc' | sort | xargs sha256sum | sha256sum | cut -c1-64); \
	old=$$(cat $(MODEL)/.fingerprint 2>/dev/null); \
	if [ "$$new" != "$$old" ] || ! ls $(MODEL)/*.tar.gz >/dev/null 2>&1; then \
	  echo "Training the Rasa model (about a minute)..."; \
	  rm -rf $(MODEL) && mkdir -p $(MODEL) && \
	  $(RASA) train --config config.yml --domain $(DOMAIN) --data $(TRAIN_DATA) \
	    --out $(MODEL) --fixed-model-name wayfinder --force && echo "$$new" > $(MODEL)/.fingerprint; \
	else echo "Rasa model up to date."; fi

setup: train

run: setup
	$(PY) -m bot.serve

lint: venv
	$(VENV)/bin/ruff check bot actions tests bench

unit: venv spacy safeguarding-model
	$(PY) -m pytest -q -m "not e2e" -p no:cacheprovider

validate: domain
	$(RASA) data validate --config config.yml --domain $(DOMAIN) --data $(TRAIN_DATA)

core-test: train
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml --out results/core \
	  --fail-on-prediction-errors

nlu-test: train
	$(PY) -m tests.nlu_eval --model $(MODEL) --nlu tests/nlu_test.yml --out results/nlu

# Every disclosure mid-form at every question, in process with no action server (a few minutes).
safeguarding-test: train
	$(PY) -m tests.safeguarding_exhaustive --model $(MODEL)

# The frozen held-out set (issue 9): recall per kind, false alarms, mid-form and SMS (~2 min).
safeguarding-heldout: train
	$(PY) -m tests.safeguarding_heldout --model $(MODEL)

# Leave-one-writer-out dev figures for tuning the risk model (not part of make test; ~15 min).
safeguarding-dev: venv spacy
	$(PY) -m tests.safeguarding_dev

# Routing: every held-out vignette through the whole conversation against one server run
# (SQLite); fails below 0.90 "every place fits and a fitting kind is shown", or below the step
# recall reached on the held-out step sentences (--step-floor: raise it, never lower it).
routing-test: train
	$(PY) -m tests.routing.run --rasa-port $(TEST_RASA_PORT) --actions-port $(TEST_ACTIONS_PORT) \
	  --step-floor 0.91

# End-to-end: real action server and Rasa on test ports, then the same Rasa without actions.
e2e: train
	$(PY) -m tests.e2e.run --rasa-port $(TEST_RASA_PORT) --actions-port $(TEST_ACTIONS_PORT)

# The web widget in Debian's chromium (Playwright's Python client, axe-core from npm), against
# real servers started once for the stage (about 3 minutes). Installs chromium when missing.
browser-deps: venv
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)
	@[ -f tests/browser/node_modules/axe-core/axe.min.js ] || \
	  (cd tests/browser && npm ci --no-audit --no-fund --silent)

browser-test: train browser-deps
	$(PY) -m tests.browser.run --rasa-port $(BROWSER_RASA_PORT) --actions-port $(BROWSER_ACTIONS_PORT)

# The staff console in Debian's chromium (Playwright, axe-core from npm) against one Rasa run,
# then the console-vs-chat bench (a few minutes).
staff-test: train
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)
	@[ -f tests/staff_browser/node_modules/axe-core/axe.min.js ] || \
	  (cd tests/staff_browser && npm ci --no-audit --no-fund)
	$(PY) -m tests.staff_browser.run --rasa-port $(STAFF_RASA_PORT) --actions-port $(STAFF_ACTIONS_PORT) \
	  --no-bench

# The console-vs-chat figures (keystrokes and seconds): the staff browser run, then its bench.
bench-staff: train
	$(PY) -m tests.staff_browser.run --rasa-port $(STAFF_RASA_PORT) --actions-port $(STAFF_ACTIONS_PORT)

test: lint unit validate train core-test nlu-test safeguarding-test safeguarding-heldout e2e cluster-test \
	browser-test staff-test routing-test
	@echo "All Wayfinder tests passed."

report: venv
	$(PY) -m bot report --from $(or $(FROM),$$(date -d '-30 days' +%F)) --to $(or $(TO),$$(date +%F)) \
	  --format both --out $(or $(OUT),results/report)

purge: venv
	$(PY) -m bot purge

bench: train
	$(PY) bench/bench_conversations.py
	$(PY) bench/bench_routing.py
	$(PY) bench/bench_matching.py
	$(PY) bench/bench_step.py
	$(PY) bench/bench_sms.py
	$(PY) bench/bench_safeguarding.py
	$(PY) bench/bench_widget.py
	$(MAKE) bench-staff

# Rasa's scale-out stack on this machine (bot/cluster/): nginx, N Rasa + N action servers,
# PostgreSQL tracker store, Redis lock store, RabbitMQ event broker, the needs-log consumer.
N := 2
CLUSTER_PACKAGES := nginx:nginx-light rabbitmq-server:rabbitmq-server redis-server:redis-server
cluster-packages:
	@for pair in $(CLUSTER_PACKAGES); do cmd=$${pair%%:*}; pkg=$${pair##*:}; \
	  if ! command -v $$cmd >/dev/null 2>&1 && [ ! -x /usr/sbin/$$cmd ]; then \
	    echo "Installing $$pkg (Debian package)..."; \
	    (apt-get install -y $$pkg || (apt-get update && apt-get install -y $$pkg)) >/dev/null; fi; \
	done

cluster: setup cluster-packages
	nice -n 5 $(PY) -m bot.cluster --instances $(N)

cluster-stop: venv
	$(PY) -m bot.cluster stop

# 200 whole conversations at once against the cluster (started if not running), with faults.
loadtest: setup cluster-packages
	nice -n 5 $(PY) -m tests.loadtest --conversations $(or $(CONVERSATIONS),200) --instances $(N)

# The small version for make test: 20 conversations, one Rasa instance killed mid-load.
# Its own folder, database, ports (CLUSTER_TEST_BASE to +12) and names, so a running
# `make cluster` is left alone (about 5.5 minutes).
CLUSTER_TEST_BASE := 7100
cluster-test: setup cluster-packages
	WAYFINDER_CLUSTER_DIR=$(CURDIR)/var/cluster-test WAYFINDER_CLUSTER_BASE=$(CLUSTER_TEST_BASE) \
	WAYFINDER_CLUSTER_DB=$${WAYFINDER_CLUSTER_DB:-wayfinder_cluster}_test \
	WAYFINDER_CLUSTER_PREFIX=$${WAYFINDER_CLUSTER_PREFIX:-wayfinder}_test \
	  nice -n 5 $(PY) -m tests.loadtest --conversations 20 --instances 2 --faults kill-rasa --fresh

clean:
	rm -rf models/rasa models/build models/spacy results .rasa
