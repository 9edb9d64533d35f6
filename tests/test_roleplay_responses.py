"""content/customer_lines.yml: every response the engine emits exists, varies by customer type, and renders."""
import re
from pathlib import Path

import pytest
import yaml

from ssp_coach.roleplay import engine
from ssp_coach.roleplay.catalog import CUSTOMER_TYPES, load_catalog
from ssp_coach.roleplay.responses import CUSTOMER_LINES, load_responses, render, variations

ROLEPLAY_SRC = Path(engine.__file__).parent
REQUIRED = ["long_speech", "vague_claim", "good_question", "praised", "pressured", "contradicted", "bare_price",
            "small_talk", "test_drive_accepted", "test_drive_hesitant", "close_too_early", "close_accepted",
            "warming", "cooling", "walking_away", "goodbye", "confused"]


def emitted_names():
    names = set()
    for path in ROLEPLAY_SRC.glob("*.py"):
        names |= {n for n in re.findall(r"utter_customer_\w+", path.read_text(encoding="utf-8"))
                  if not n.endswith("_")}  # prefixes (reply_kinds.py) name families of responses
    return names


def test_domain_file_holds_only_customer_responses():
    data = yaml.safe_load(CUSTOMER_LINES.read_text(encoding="utf-8"))
    assert set(data) == {"version", "responses"} and data["version"] == "3.1"
    assert all(name.startswith("utter_customer_") for name in data["responses"])


def test_every_response_the_engine_emits_exists():
    names = emitted_names()
    assert len(names) > 20
    assert names <= set(load_responses()), names - set(load_responses())
    assert {f"utter_customer_{r}" for r in REQUIRED} <= set(load_responses())


@pytest.mark.parametrize("name", sorted(yaml.safe_load(CUSTOMER_LINES.read_text(encoding="utf-8"))["responses"]))
def test_each_response_varies_by_type_with_a_default(name):
    items = load_responses()[name]
    defaults = [v for v in items if not v.get("condition")]
    assert len(defaults) == 1
    for item in items:
        for condition in item.get("condition") or []:
            assert condition == {"type": "slot", "name": "customer_type", "value": condition["value"]}
    for ctype in CUSTOMER_TYPES:
        assert len(variations(name, ctype)) >= 2
    per_type = [set(variations(name, t)) for t in CUSTOMER_TYPES]
    assert not (per_type[0] & per_type[1]) and not (per_type[1] & per_type[2])


def test_placeholders_are_always_supplied():
    catalog = load_catalog()
    supplied = set(engine._variables(catalog, next(iter(catalog.personas.values()))))
    for name, items in load_responses().items():
        for item in items:
            assert set(re.findall(r"\{(\w+)\}", item["text"])) <= supplied, name
    for objection in catalog.objections.values():
        for lines in list(objection.lines.values()) + list(objection.escalated.values()):
            for line in lines:
                assert set(re.findall(r"\{(\w+)\}", line)) <= supplied, objection.id


def test_render_picks_the_type_variation_and_fills_placeholders():
    message = engine.Message("customer", response="utter_customer_bare_price",
                             variables={"price": "15.98", "model": "启航S5"})
    for ctype in CUSTOMER_TYPES:
        text = render(message, ctype, seed=3)
        assert "{" not in text and text in [v.replace("{price}", "15.98").replace("{model}", "启航S5")
                                            for v in variations("utter_customer_bare_price", ctype)]
    assert render(engine.Message("customer", response="utter_customer_neutral"), None) == "嗯，你继续说。"
    assert render(engine.Message("customer", text="原话"), "social") == "原话"
    with pytest.raises(KeyError):
        render(engine.Message("customer", response="utter_customer_nonexistent"), "social")
