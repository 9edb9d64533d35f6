"""A class exercise with a fixed customer: the engine honours the persona, the trainer's form forces its
customer type, and over the real servers every member meets that customer (the persona travels in the
web app's channel metadata, never in a payload a trainee could type)."""
import json
import re

import pytest

from ssp_coach.roleplay import engine
from ssp_coach.roleplay.catalog import load_catalog
from test_web_app import Client
from test_web_class import assign, create_class, join, start


def test_the_engine_starts_with_the_fixed_persona_of_the_type():
    personas = load_catalog().personas
    social = sorted(p for p in personas if personas[p].type == "social")
    other = next(p for p in personas if personas[p].type != "social")
    for pid in social:
        for seed in range(5):
            assert engine.start("social", "needs", "practice", seed=seed, persona_id=pid).state.persona_id == pid
    # a persona of another type, or an unknown one, is ignored: a persona of the asked type is picked
    for pid in (other, "nobody"):
        picked = engine.start("social", "needs", "practice", seed=1, persona_id=pid).state.persona_id
        assert personas[picked].type == "social"


@pytest.mark.e2e
def test_every_member_meets_the_fixed_customer(stack):
    persona_id, persona = next((k, p) for k, p in load_catalog().personas.items() if p.type == "dominant")
    coach = Client(stack.web_url)
    coach.login(stack.trainer_user, stack.trainer_password)
    klass = create_class(coach, "固定客户班")
    assert f'value="{persona_id}"' in klass["page"] and f"{persona.name}（支配型）" in klass["page"]
    # rotate asked for, but the fixed customer decides the type
    assignment = assign(coach, klass, customer_type="rotate", persona=persona_id)
    _, _, page = coach.request("GET", klass["path"])
    assert f"客户 {persona.name}" in page
    for name in ("甲", "乙"):
        trainee, status, _ = join(_Web(stack), klass["code"], name)
        assert status == 200
        status, body, _ = start(trainee, assignment)
        assert status == 200 and json.loads(body["then"][len("/start_roleplay"):])["customer_type"] == "dominant"
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', trainee.request("GET", "/")[2]).group(1)
        for message in (body["start"], body["then"]):
            status, _, answer = trainee.request("POST", "/api/chat", json_body={"message": message},
                                                headers={"X-CSRF-Token": csrf})
            assert status == 200, answer
        header = json.loads(trainee.request("GET", "/api/header")[2])
        assert header["customer"] == persona.name and header["customer_type"] == "支配型", header


class _Web:
    """join() needs only the web app's url."""

    def __init__(self, stack):
        self.url = stack.web_url
