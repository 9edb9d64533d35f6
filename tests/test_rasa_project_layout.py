"""Rasa's own commands work from the project root with no flags (issue 8.7): one top-level domain.yml,
config.yml and data/ are Rasa's defaults; the customer's lines are content, not part of the domain."""
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")
ENV = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2")


def rasa(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run([RASA, *args], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=timeout)


def test_one_top_level_domain_with_the_coach_and_menu_only():
    assert (ROOT / "domain.yml").is_file() and not (ROOT / "domain").exists()
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert "setup_form" in domain["forms"] and "validate_setup_form" in domain["actions"]
    assert domain["slots"]["phase"]["type"] == "categorical"
    assert set(domain["slots"]["phase"]["values"]) == {"setup", "roleplay", "ended", "card"}  # card: the A卡 form
    assert not [r for r in domain["responses"] if r.startswith("utter_customer_")]


def test_rasa_data_validate_with_no_flags():
    run = rasa("data", "validate")
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    assert "does not exist" not in output


def test_rasa_train_dry_run_with_no_flags():
    # exit code: 0 = the model in models/ is up to date, 1/2/4/8 = what would be retrained; never an error
    run = rasa("train", "--dry-run")
    output = run.stdout + run.stderr
    assert "does not exist" not in output and "Traceback" not in output, output[-3000:]
    assert 0 <= run.returncode <= 15, output[-3000:]


def test_scripts_use_the_defaults():
    train = (ROOT / "scripts" / "train_if_needed.sh").read_text(encoding="utf-8")
    assert "--domain" not in train and "domain.yml" in train  # the model hash still covers the domain
    # the NLU components read the trainer content: a new car model or scenario name retrains (Rasa's cache
    # cannot see content/, hence --force)
    assert "content/*.yml" in train and "content/phrases/*.yml" in train and "train --force" in train
    assert "--domain" not in (ROOT / "scripts" / "validate_data.py").read_text(encoding="utf-8")


def test_rasa_reads_the_default_endpoints_without_any_environment(monkeypatch):
    """rasa shell / interactive / test read endpoints.yml: it must need no SSP_* variable."""
    from rasa.core.utils import AvailableEndpoints

    for name in [n for n in os.environ if n.startswith("SSP_")]:
        monkeypatch.delenv(name)
    endpoints = AvailableEndpoints.read_endpoints(str(ROOT / "endpoints.yml"))
    assert endpoints.action.url == "http://127.0.0.1:5055/webhook"
    assert endpoints.tracker_store.kwargs["db"] == "var/rasa_tracker.db"


def _action_request(action_name: str, endpoint):
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker.from_events("layout-test", [], domain.slots)
    return RemoteAction(action_name, endpoint)._action_call_format(tracker, domain)


def test_the_domain_is_sent_only_to_the_form_validators(monkeypatch):
    """Every endpoints file sends the domain only to validate_* (rasa_sdk's FormValidationAction reads the
    form's slots from it); the role-play's own actions get the tracker alone, a smaller request per turn."""
    from rasa.core.utils import AvailableEndpoints

    import re

    for name in ("endpoints.yml", "endpoints.env.yml", "endpoints.scale.yml"):
        for variable in re.findall(r"\$\{(\w+)\}", (ROOT / name).read_text(encoding="utf-8")):
            monkeypatch.setenv(variable, "http://127.0.0.1:5055/webhook" if variable == "SSP_ACTION_URL" else "1")
        endpoint = AvailableEndpoints.read_endpoints(str(ROOT / name)).action
        assert endpoint.kwargs.get("enable_selective_domain") is True, name
        assert "domain" not in _action_request("action_customer_turn", endpoint), name
        for form_validator in ("validate_setup_form", "validate_prospect_card_form"):
            assert "setup_form" in _action_request(form_validator, endpoint)["domain"]["forms"], name
