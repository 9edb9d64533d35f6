"""The chat header and the after-the-end behaviour over the real servers (action server, Rasa, web app),
through the web chat API as the browser uses it (issue 8 part 8)."""
import base64
import http.cookiejar
import json

import pytest
from test_web_app import Client
from test_web_header import assert_no_internal_ids

from ssp_coach.roleplay.catalog import load_catalog

pytestmark = pytest.mark.e2e

PRACTICE = '/start_roleplay{"customer_type":"social","scenario":"needs","mode":"practice"}'
EXAM = '/start_roleplay{"customer_type":"dominant","scenario":"negotiation","mode":"exam"}'
NOT_STARTED = "练习还没开始"


class Trainee(Client):
    def __init__(self, base: str, name: str):
        super().__init__(base)
        self.csrf = self.csrf_from("/")
        status, _, body = self.post("/api/identify", {"trainee": name})
        assert status == 200, body
        assert self.chat(json.loads(body)["start"])[0] == 200

    def post(self, path: str, body: dict):
        return self.request("POST", path, json_body=body, headers={"X-CSRF-Token": self.csrf})

    def chat(self, text: str):
        status, _, body = self.post("/api/chat", {"message": text})
        return status, json.loads(body)

    def header(self):
        status, _, body = self.request("GET", "/api/header")
        return status, json.loads(body)


def texts(answer: dict):
    return [m.get("text") or "" for m in answer.get("messages", [])]


def button_titles(answer: dict):
    return [b.get("title") for m in answer.get("messages", []) for b in m.get("buttons") or []]


def test_header_follows_a_practice_roleplay_and_typing_after_the_end_opens_the_setup(stack):
    me = Trainee(stack.web_url, "表头学员")
    assert me.header() == (200, {"phase": "setup"})
    status, answer = me.chat(PRACTICE)
    assert status == 200 and answer["messages"]
    status, h = me.header()
    catalog = load_catalog()
    needs = catalog.scenarios["needs"]
    assert status == 200 and h["phase"] == "roleplay" and h["practice"] is True
    assert h["customer"] in {p.name for p in catalog.personas.values() if p.type == "social"}
    assert (h["customer_type"], h["scenario"], h["mode"]) == ("社交型", "需求分析", "练习")
    assert (h["stage"], h["stage_no"], h["stages"]) == (needs.stages[0].title, 1, len(needs.stages))
    assert h["turns"] == 0 and 0 <= h["trust"] <= 100 and h["next"] and h["steps"] == needs.stages[0].steps
    assert_no_internal_ids(h)
    assert me.chat("您好，我是销售顾问小李。您平时用车主要是做什么？")[0] == 200
    assert me.header()[1]["turns"] == 1

    status, answer = me.chat("/end")
    assert status == 200 and any("成绩单" in t for t in texts(answer))
    status, h = me.header()
    assert h["phase"] == "ended" and h["outcome"] and h["turns"] == 1 and "trust" in h and "next" not in h
    # typing after the end starts the set-up of a new role-play instead of 「练习还没开始」
    status, answer = me.chat("您好，欢迎光临！")
    assert status == 200, answer
    assert not any(NOT_STARTED in t for t in texts(answer)), texts(answer)
    assert texts(answer)[0].startswith("【教练】上一轮练习已经结束")
    assert {"分析型", "支配型", "社交型"} <= set(button_titles(answer)), answer
    assert me.header()[1] == {"phase": "setup"}


def test_exam_header_hides_trust_and_a_typed_menu_answer_after_the_end_is_taken(stack):
    me = Trainee(stack.web_url, "考核学员")
    assert me.chat(EXAM)[0] == 200
    status, h = me.header()
    assert h["phase"] == "roleplay" and h["practice"] is False and h["mode"] == "考核"
    assert "trust" not in h and "next" not in h and h["customer_type"] == "支配型"
    assert h["scenario"] == "议价与异议处理"
    assert_no_internal_ids(h)
    assert me.chat("/end")[0] == 200
    h = me.header()[1]
    assert h["phase"] == "ended" and "trust" not in h
    status, answer = me.chat("社交型")   # the menu opens and the typed choice answers its first question
    assert status == 200 and not any(NOT_STARTED in t for t in texts(answer))
    assert any("议价" in (t or "") for t in button_titles(answer)), answer
    assert stack.tracker(_conversation(me))["slots"]["customer_type"] == "social"


def _conversation(client: Client) -> str:
    """The conversation id inside the trainee's signed cookie (the test reads it; the page never does)."""
    value = next(c.value for c in client.jar if c.name == "ssp_trainee")
    body = value.rsplit(".", 1)[0]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))["conv"]


def test_header_is_bound_to_the_callers_own_conversation(stack):
    owner = Trainee(stack.web_url, "甲学员")
    assert owner.chat(PRACTICE)[0] == 200
    assert owner.header()[1]["phase"] == "roleplay"
    # nobody identified: nothing to show
    stranger = Client(stack.web_url)
    status, body = stranger.request("GET", "/api/header")[0::2]
    assert status == 404 and "customer" not in body
    # someone else's conversation id in a cookie they made up (not signed by the server)
    value = next(c.value for c in owner.jar if c.name == "ssp_trainee")
    payload, mac = value.rsplit(".", 1)
    for forged in (payload + "." + "0" * len(mac), payload + ".", payload):
        thief = Client(stack.web_url)
        thief.jar.set_cookie(http.cookiejar.Cookie(0, "ssp_trainee", forged, None, False, "127.0.0.1", False, False,
                                                   "/", True, False, None, False, None, None, {}))
        status, body = thief.request("GET", "/api/header")[0::2]
        assert status == 404 and "customer" not in body, forged
    # another trainee's own (valid) cookie only ever shows their own conversation
    other = Trainee(stack.web_url, "乙学员")
    assert other.header() == (200, {"phase": "setup"})
    assert _conversation(other) != _conversation(owner)
