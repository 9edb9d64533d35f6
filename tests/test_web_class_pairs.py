"""Pair and trio work over HTTP (web/class_pairs.py, web/pair_store.py): the real web app; consultant lines
are scored by the real scorer in the web process; only the customer sees the persona card; the observer's
ticks are stored beside the scorer's judgement with their agreement; roles rotate."""
import json
import re

import pytest

from ssp_coach.roleplay import engine
from ssp_coach.roleplay.catalog import load_catalog
from ssp_coach.roleplay.session import SessionState
from test_web_app import Client, WebServer
from test_web_class import create_class, join

REPLY = "王先生，您说的很有道理，空间确实很重要。您平时主要是接送孩子还是跑长途多一些？"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pairs")
    server = WebServer(tmp)
    login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
    server.start()
    coach = Client(server.url)
    coach.login(login.group(1), login.group(2))
    yield server, coach
    server.stop()


def api(client: Client, method: str, path: str, body=None):
    token = re.search(r'name="csrf-token" content="([^"]+)"', client.request("GET", "/class/pair")[2]).group(1)
    status, _, text = client.request(method, path, json_body=body, headers={"X-CSRF-Token": token})
    return status, json.loads(text)


def test_a_trio_plays_scores_ticks_and_rotates(site):
    server, coach = site
    klass = create_class(coach, "分组班")
    names = ("甲", "乙", "丙", "丁", "戊")
    people = {n: join(server, klass["code"], n)[0] for n in names}
    persona_id, persona = next((k, p) for k, p in load_catalog().personas.items() if p.type == "dominant")
    token = coach.csrf_from(klass["path"])
    status, _, _ = coach.request("POST", klass["path"] + "/pairs", form={
        "csrf_token": token, "scenario": "needs", "persona": persona_id, "size": "2"})
    assert status == 302
    _, _, page = coach.request("GET", klass["path"])
    rooms = re.findall(r"<li>([^<]*?) · (\d+) 句", page)
    assert [r[0] for r in rooms] == ["甲·销售顾问、乙·客户", "丙·销售顾问、丁·客户、戊·观察员"], rooms

    states = {n: api(people[n], "GET", "/class/api/pair")[1]["room"] for n in ("丙", "丁", "戊")}
    assert [s["role"] for s in states.values()] == ["consultant", "customer", "observer"]
    # the persona card, with its hidden needs and objections, only in the customer's own view
    card = states["丁"]["card"]
    assert card["name"] == persona.name and card["needs"] and card["objections"]
    for n in ("丙", "戊"):
        assert "card" not in states[n]
        raw = people[n].request("GET", "/class/api/pair")[2]
        assert all(need not in raw for need in card["needs"]), n

    assert api(people["丁"], "POST", "/class/api/pair/say", {"text": "我想买辆七座车，主要接送孩子。"})[0] == 200
    status, body = api(people["丙"], "POST", "/class/api/pair/say", {"text": REPLY})
    assert status == 200
    line = body["room"]["lines"][-1]
    # the same engine as against the bot (read_and_score with the customer's previous line as context)
    expected = engine.read_and_score(SessionState(phase="roleplay", customer_type="dominant", scenario="needs",
                                                  persona_id=persona_id, stage="background"),
                                     REPLY, None, "我想买辆七座车，主要接送孩子。")[1]
    assert line["score"] == expected["score"] and line["techniques"]
    assert api(people["戊"], "POST", "/class/api/pair/say", {"text": "我也说一句"})[0] == 403
    assert api(people["丙"], "POST", "/class/api/pair/tick", {"line": line["id"], "techniques": ["agree"]})[0] == 403
    # the observer ticks what they heard: stored beside the automatic judgement, with the agreement
    auto = set(expected["techniques"])
    status, body = api(people["戊"], "POST", "/class/api/pair/tick",
                       {"line": line["id"], "techniques": sorted(auto), "comment": "先认同再提问"})
    assert status == 200
    ticked = body["room"]["lines"][-1]
    assert ticked["comment"] == "先认同再提问" and body["room"]["agreement"] == 100.0
    status, body = api(people["戊"], "POST", "/class/api/pair/tick",
                       {"line": line["id"], "techniques": sorted(auto) + ["commit"] if "commit" not in auto
                        else sorted(auto - {"commit"})})
    assert body["room"]["agreement"] == round(100 * 5 / 6, 1)
    assert api(people["戊"], "POST", "/class/api/pair/tick", {"line": line["id"], "techniques": ["x"]})[0] == 400
    _, _, page = coach.request("GET", klass["path"])
    assert f"一致率 {round(100 * 5 / 6, 1)}%" in page
    # one click rotates: the consultant plays the customer, the customer observes, the observer sells
    status, body = api(people["丁"], "POST", "/class/api/pair/rotate")
    roles = {p["name"]: p["role"] for p in body["room"]["people"]}
    assert roles == {"丙": "客户", "丁": "观察员", "戊": "销售顾问"}
    assert "card" not in body["room"], "the former customer no longer sees the card"
    assert api(people["丙"], "GET", "/class/api/pair")[1]["room"]["card"]["name"] == persona.name
    # outsiders have no room
    assert api(Client(server.url), "GET", "/class/api/pair")[1] == {"room": None}


PROBE_REPLY = "您对舒适的具体要求有哪些？"


def test_the_observer_checks_probes_listening_and_stage_steps(site):
    from ssp_coach.reports.checklist import evaluate

    server, coach = site
    klass = create_class(coach, "观察班")
    people = {n: join(server, klass["code"], n)[0] for n in ("子", "丑", "寅")}
    persona_id = next(iter(load_catalog().personas))
    token = coach.csrf_from(klass["path"])
    coach.request("POST", klass["path"] + "/pairs", form={
        "csrf_token": token, "scenario": "needs", "persona": persona_id, "size": "3"})
    consultant, customer, observer = people["子"], people["丑"], people["寅"]
    room = api(observer, "GET", "/class/api/pair")[1]["room"]
    assert room["role"] == "observer" and room["probes"]["clarify"] == "澄清法"
    assert room["listening_levels"]["5"] == "积极倾听"
    expected_items = evaluate("needs", [])
    assert [s["item"] for s in room["steps"]] == [i["id"] for i in expected_items]
    assert all(s["auto"] is None and s["ticked"] is None and s["stage"] for s in room["steps"])

    api(customer, "POST", "/class/api/pair/say", {"text": "我想要坐着舒适一点的车。"})
    _, body = api(consultant, "POST", "/class/api/pair/say", {"text": PROBE_REPLY})
    line = body["room"]["lines"][-1]
    assert line["probe"] == "澄清法"  # the reading's probe, shown beside the observer's
    # only the observer checks; bad values get a Chinese message
    assert api(consultant, "POST", "/class/api/pair/check", {"line": line["id"], "probe": "clarify"})[0] == 403
    status, data = api(observer, "POST", "/class/api/pair/check", {"line": line["id"], "probe": "guess"})
    assert status == 400 and "探询" in data["error"]
    status, data = api(observer, "POST", "/class/api/pair/check", {"line": line["id"], "probe": "", "listening": 9})
    assert status == 400 and "1 到 5" in data["error"]
    status, body = api(observer, "POST", "/class/api/pair/check",
                       {"line": line["id"], "probe": "clarify", "listening": 5})
    assert status == 200 and body["room"]["probe_agreement"] == 100.0
    checked = body["room"]["lines"][-1]
    assert checked["checked_probe"] == "clarify" and checked["checked_text"] == "澄清法、积极倾听"
    _, body = api(observer, "POST", "/class/api/pair/check", {"line": line["id"], "probe": "repeat", "listening": 2})
    assert body["room"]["probe_agreement"] == 0.0
    _, _, page = coach.request("GET", klass["path"])
    assert "探询一致率 0.0%" in page  # the trainer's class page shows it with the room

    # stage steps: the checklist module's judgement over the consultant's lines, the observer's beside it
    lines = [{"text": PROBE_REPLY, "assessment": r["assessment"]} for r in [server_line(server, line["id"])]]
    auto = {i["id"]: i["done"] for i in evaluate("needs", lines)}
    first = next((k for k, done in auto.items() if done), next(iter(auto)))
    status, body = api(observer, "POST", "/class/api/pair/step", {"item": first, "done": True})
    assert status == 200
    step = next(s for s in body["room"]["steps"] if s["item"] == first)
    assert step["ticked"] is True and step["auto"] is auto[first]
    assert body["room"]["step_agreement"] == (100.0 if auto[first] else 0.0)
    _, _, page = coach.request("GET", klass["path"])
    assert f"步骤一致率 {body['room']['step_agreement']}%" in page
    assert api(observer, "POST", "/class/api/pair/step", {"item": "nope", "done": True})[0] == 400
    assert api(consultant, "POST", "/class/api/pair/step", {"item": first, "done": True})[0] == 403
    # a new rotation starts a fresh checklist for the new consultant
    _, body = api(consultant, "POST", "/class/api/pair/rotate")
    assert all(s["ticked"] is None and s["auto"] is None for s in body["room"]["steps"])


def server_line(server, line_id: int):
    """A stored line, read from the review database the server writes."""
    from web.pair_store import PairStore, lines
    from web.review_store import ReviewStore
    import sqlalchemy as sa

    store = PairStore(ReviewStore(server.env["SSP_REVIEW_DB_URL"]).engine)
    with store.engine.connect() as c:
        room = c.execute(sa.select(lines.c.room_id).where(lines.c.id == line_id)).scalar()
    return next(r for r in store.lines_of(room) if r["id"] == line_id)
