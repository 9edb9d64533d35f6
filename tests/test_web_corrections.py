"""Trainers' corrections of a reply's techniques and FBI parts (issue 7 part 6): the review store (SQLite,
and PostgreSQL when a server is there), the transcript page and its form over the real web app process,
the per-turn CSV, and the export that `make train` runs (python -m web.export_corrections)."""
import csv
import io
import re
import subprocess
import time

import pytest
import yaml
from test_web_app import PYTHON, ROOT, SCRIPT, Client, WebServer
from test_web_postgres import PG_DB, PG_HOST, PG_PORT, PG_USER, _pg_listening
from test_web_tracker_reader import new_id, roleplay_events, write_conversation

from web.review_corrections import training_rows
from web.review_store import ReviewStore

FIELDS = {"reply": "您说的很有道理", "context": "你好，我想看看车。", "stage": "needs", "customer_type": "social"}


def _round_trip(store: ReviewStore) -> None:
    rid, other = new_id(), new_id()
    store.add_correction(rid, 7, "王培训", **FIELDS, labels=["agree", "praise"], fbi=["feature"],
                         auto_labels=["agree"], auto_fbi=[])
    time.sleep(0.01)
    store.add_correction(rid, 7, "李培训", **FIELDS, labels=["praise"], fbi=[], auto_labels=["agree"], auto_fbi=[])
    store.add_correction(rid, 9, "王培训", **dict(FIELDS, reply="要不您先试驾一下？"), labels=["commit"], fbi=[],
                         auto_labels=[], auto_fbi=[])
    store.add_correction(other, 3, "王培训", **FIELDS, labels=["guide"], fbi=[], auto_labels=[], auto_fbi=[],
                         cleared=True)
    history = store.correction_history(rid)
    assert sorted(history) == [7, 9]
    newest, older = history[7]
    assert (newest["trainer"], newest["labels"], newest["fbi"], newest["cleared"]) == ("李培训", ["praise"], [], False)
    assert (older["labels"], older["fbi"], older["auto_labels"]) == (["agree", "praise"], ["feature"], ["agree"])
    assert newest["created_at"] >= older["created_at"] > 0 and newest["context"] == "你好，我想看看车。"
    mine = [c for c in store.corrections_in_force() if c["roleplay_id"] in (rid, other)]
    # last wins; a withdrawn correction is left out
    assert [(c["event_id"], c["labels"]) for c in mine] == [(7, ["praise"]), (9, ["commit"])]
    rows = [r for r in training_rows(store) if r["reply"] in (FIELDS["reply"], "要不您先试驾一下？")]
    assert {"reply": "您说的很有道理", "context": "你好，我想看看车。", "stage": "needs", "customer_type": "social",
            "labels": ["praise"], "fbi": []} in rows
    # withdrawing the correction in force: the turn is back to the automatic judgement
    store.add_correction(rid, 7, "王培训", **FIELDS, labels=[], fbi=[], auto_labels=["agree"], auto_fbi=[],
                         cleared=True)
    assert [c["event_id"] for c in store.corrections_in_force() if c["roleplay_id"] == rid] == [9]
    assert len(store.correction_history(rid)[7]) == 3, "the history is kept"


def test_store_round_trip_sqlite(tmp_path):
    _round_trip(ReviewStore(f"sqlite:///{tmp_path / 'review.db'}"))


@pytest.mark.skipif(not _pg_listening(), reason=f"no PostgreSQL server at {PG_HOST}:{PG_PORT}")
def test_store_round_trip_postgresql():
    _round_trip(ReviewStore(f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DB}"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corrections")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    ids = {"plain": new_id(), "script": new_id()}
    write_conversation(url, "corr-1", roleplay_events("张伟", ids["plain"]))
    write_conversation(url, "corr-2", roleplay_events("李娜", ids["script"], reply=SCRIPT + "您说的很有道理"))
    server = WebServer(tmp)
    login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
    server.start()
    client = Client(server.url)
    assert client.login(login.group(1), login.group(2))[0] == 302
    yield server, client, login.group(1), ids, tmp
    server.stop()


def _turns(page: str):
    """(event id, role) of every transcript line, and the event ids that have a correction form."""
    lines = re.findall(r'<li class="turn role-(\w+)[^"]*" id="turn-(\d+)"', page)
    forms = re.findall(r'action="/review/sessions/[^/]+/corrections">\s*<input type="hidden" name="csrf_token" '
                       r'value="[^"]+">\s*<input type="hidden" name="event_id" value="(\d+)"', page)
    return [(int(e), role) for role, e in lines], [int(e) for e in forms]


def test_only_trainee_replies_can_be_corrected_and_forms_need_csrf(site):
    server, client, _, ids, _ = site
    path = f"/review/sessions/{ids['plain']}"
    page = client.request("GET", path)[2]
    lines, forms = _turns(page)
    replies = [e for e, role in lines if role == "trainee"]
    assert forms == replies[:1], "one form, on the trainee's reply (not customer/coach lines, not /end)"
    names = ("认同法", "赞美法", "引导法", "叙述法", "反问法", "承诺法", "配备", "利益", "冲击")
    assert all(name in page for name in names)
    assert ">agree<" not in page and "> agree" not in page, "codes are never shown"
    reply = forms[0]
    customer = next(e for e, role in lines if role == "customer")
    command = replies[-1]
    form = {"event_id": str(reply), "labels": "praise"}
    assert client.request("POST", path + "/corrections", form=form)[0] == 403, "no CSRF token"
    token = client.csrf_from(path)
    assert client.request("POST", path + "/corrections", form={**form, "csrf_token": token},
                          headers={"Origin": "http://evil.example"})[0] == 403
    assert client.request("POST", path + "/corrections",
                          form={"csrf_token": token, "event_id": str(reply), "labels": "bogus"})[0] == 400
    assert client.request("POST", path + "/corrections",
                          form={"csrf_token": token, "event_id": str(customer), "labels": "praise"})[0] == 400
    assert client.request("POST", path + "/corrections",
                          form={"csrf_token": token, "event_id": str(command), "labels": "praise"})[0] == 400
    assert client.request("POST", path + "/corrections",
                          form={"csrf_token": token, "event_id": "99999999", "labels": "praise"})[0] == 404
    assert client.request("POST", f"/review/sessions/{new_id()}/corrections",
                          form={"csrf_token": token, "event_id": str(reply)})[0] == 404


def _correction_block(page: str, event_id: int) -> str:
    start = page.index(f'id="correction-{event_id}"')
    return page[start:page.index("</details>", start)]


def test_correction_is_shown_beside_the_automatic_judgement_editable_and_exported(site):
    server, client, user, ids, tmp = site
    path = f"/review/sessions/{ids['script']}"
    page = client.request("GET", path)[2]
    _, forms = _turns(page)
    reply = forms[0]
    assert "培训师更正：" not in page
    token = client.csrf_from(path)
    # the automatic judgement is 认同法 + 配备; the trainer adds 赞美法 and 利益, removes 配备
    status, headers, _ = client.request("POST", path + "/corrections", form=[
        ("csrf_token", token), ("event_id", str(reply)), ("labels", "agree"), ("labels", "praise"), ("fbi", "benefit")])
    assert status == 302 and headers["location"] == f"{path}#turn-{reply}"
    page = client.request("GET", path)[2]
    block = _correction_block(page, reply)
    auto = re.search(r'<div class="judgement auto">(.*?)</div>', block, re.S).group(1)
    fixed = re.search(r'<div class="judgement trainer">(.*?)</div>', block, re.S).group(1)
    assert "自动：" in auto and "认同法" in auto and "配备" in auto and "赞美法" not in auto
    assert "培训师更正：" in fixed and "认同法" in fixed and "赞美法" in fixed and "利益" in fixed
    assert "+赞美法" in fixed and "+利益" in fixed and "−配备" in fixed and user in fixed
    assert re.search(r'value="praise" checked', block) and not re.search(r'value="feature" checked', block)
    assert SCRIPT not in page and "&lt;script" in page
    # a later correction replaces it (history kept)
    assert client.request("POST", path + "/corrections", form={
        "csrf_token": token, "event_id": str(reply), "labels": "guide"})[0] == 302
    block = _correction_block(client.request("GET", path)[2], reply)
    fixed = re.search(r'<div class="judgement trainer">(.*?)</div>', block, re.S).group(1)
    assert "引导法" in fixed and "赞美法" not in fixed and "−认同法" in fixed
    assert block.count("<li>") == 2, "both corrections in the history"

    # the per-turn CSV: automatic and corrected labels side by side, Chinese headers
    status, headers, body = client.request("GET", path + "/turns.csv")
    assert status == 200 and headers["content-type"].startswith("text/csv") and body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["学员回复"] == SCRIPT + "您说的很有道理"
    assert (row["自动话术"], row["自动FBI"], row["是否更正"], row["更正后话术"], row["更正后FBI"]) == (
        "认同法", "配备", "是", "引导法", "无")
    assert row["更正培训师"] == user and row["客户上一句"] == "你好，我想看看车。" and row["场景"] != "needs"
    status, _, body = client.request("GET", "/review/turns.csv")
    rows = {r["会话ID"]: r for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    assert rows[ids["script"]]["更正后话术"] == "引导法" and rows[ids["plain"]]["是否更正"] == "否"
    assert rows[ids["plain"]]["更正后话术"] == rows[ids["plain"]]["自动话术"] == "认同法"
    anonymous = Client(server.url)
    assert anonymous.request("GET", "/review/turns.csv")[0] == 401
    assert anonymous.request("GET", path + "/turns.csv")[0] == 401

    # make train's export: the correction in force, with the customer's previous line, stage and type
    out = subprocess.run([PYTHON, "-m", "web.export_corrections"], cwd=ROOT, env=server.env, capture_output=True,
                         text=True, check=True).stdout
    assert "1 turn(s)" in out
    items = yaml.safe_load((tmp / "scorer_corrections.yml").read_text(encoding="utf-8"))
    assert items == [{"id": "corr-00001", "reply": SCRIPT + "您说的很有道理", "context": "你好，我想看看车。",
                      "stage": "needs", "customer_type": "social", "labels": ["guide"], "fbi": []}]

    # withdrawn: back to the automatic judgement, and gone from the training file
    assert client.request("POST", path + "/corrections", form={
        "csrf_token": token, "event_id": str(reply), "action": "clear"})[0] == 302
    page = client.request("GET", path)[2]
    assert '<div class="judgement trainer">' not in page and "撤销更正" in page
    subprocess.run([PYTHON, "-m", "web.export_corrections"], cwd=ROOT, env=server.env, check=True, capture_output=True)
    assert yaml.safe_load((tmp / "scorer_corrections.yml").read_text(encoding="utf-8")) == []


def test_stage_of_a_turn_is_the_scorers_process_at_that_moment(tmp_path):
    from rasa.shared.core.events import SlotSet, UserUttered

    from web.review_corrections import scorer_stage, training_fields
    from web.tracker_reader import TrackerReader

    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    rid = new_id()
    events = roleplay_events("王", rid, scenario="full_visit", customer_type="dominant", outcome=None) + [
        SlotSet("stage", "close"),
        UserUttered("那咱们今天就把合同签了？", intent={"name": "consultant_reply"}),
        SlotSet("last_assessment", {"techniques": ["commit"], "score": 60}),
        UserUttered("您看这样行不行？", intent={"name": "consultant_reply"}),
        SlotSet("last_assessment", {"techniques": [], "score": 40, "reading": {"stage": "negotiation"}}),
    ]
    write_conversation(url, "stage", events)
    reader = TrackerReader(url)
    rp = reader.get_roleplay(rid)
    first, second, third = [line for line in rp.lines if line.role == "trainee" and not line.is_command]
    assert scorer_stage(reader, rp, first) == "reception", "no stage slot yet: the scenario's first process"
    assert scorer_stage(reader, rp, second) == "closing", "full_visit's stage `close` practises closing"
    assert scorer_stage(reader, rp, third) == "negotiation", "a stage recorded in the assessment wins"
    fields = training_fields(reader, rp, second)
    # context: the customer's line before the reply (the coach's note after it is not the customer)
    assert fields == {"reply": "那咱们今天就把合同签了？", "context": "嗯，主要是接送孩子。",
                      "stage": "closing", "customer_type": "dominant"}
