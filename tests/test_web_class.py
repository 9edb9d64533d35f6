"""Classroom over HTTP (web/class_*.py): the real web app with SQLite stores; role-plays are written into the
tracker store by Rasa's own SQLTrackerStore, as the real servers would (no Rasa needed here)."""
import base64
import json
import re
import threading
import time
import urllib.request

import pytest
from rasa.shared.core.events import SlotSet

from ssp_coach.roleplay.catalog import CUSTOMER_TYPES

from test_web_app import Client, WebServer
from test_web_tracker_reader import new_id, roleplay_events, write_conversation


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("class")
    server = WebServer(tmp, SSP_JOIN_LIMIT="4")
    login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
    server.start()
    coach = Client(server.url)
    coach.login(login.group(1), login.group(2))
    yield server, coach, f"sqlite:///{tmp / 'tracker.db'}"
    server.stop()


def create_class(coach: Client, name: str, groups: int = 0) -> dict:
    token = coach.csrf_from("/review/classes")
    status, headers, _ = coach.request("POST", "/review/classes",
                                       form={"csrf_token": token, "name": name, "day": "2026-11-30", "groups": groups})
    assert status == 302, status
    path = headers["location"]
    _, _, page = coach.request("GET", path)
    code = re.search(r'id="join-code">([A-Z0-9]{6})<', page).group(1)
    return {"path": path, "id": path.rsplit("/", 1)[1], "code": code, "page": page}


def join(server: WebServer, code: str, name: str, number: str = "", client=None):
    client = client or Client(server.url)
    token = client.csrf_from("/class")
    status, _, body = client.request("POST", "/class/api/join", headers={"X-CSRF-Token": token},
                                     json_body={"code": code, "name": name, "employee_no": number})
    return client, status, json.loads(body)


def assign(coach: Client, klass: dict, **fields) -> str:
    token = coach.csrf_from(klass["path"])
    form = dict({"csrf_token": token, "scenario": "needs", "customer_type": "rotate", "mode": "practice",
                 "minutes": "15"}, **fields)
    status, headers, body = coach.request("POST", klass["path"] + "/assignments", form=form)
    assert status == 302, body
    return headers["location"].rsplit("/", 1)[1]


def start(client: Client, assignment: str):
    """The chat's one tap: a new conversation for the assignment; the conversation id from the tab token."""
    token = client.csrf_from("/")
    status, _, body = client.request("POST", "/api/new", json_body={"assignment": assignment},
                                     headers={"X-CSRF-Token": token})
    data = json.loads(body)
    if status != 200:
        return status, data, None
    signed = data["conversation"].rsplit(".", 1)[0]
    conv = json.loads(base64.urlsafe_b64decode(signed + "=" * (-len(signed) % 4)))["conv"]
    return status, data, conv


def board(coach: Client, klass: dict, assignment: str) -> dict:
    status, _, body = coach.request("GET", f"{klass['path']}/board/{assignment}/data")
    assert status == 200, body
    return json.loads(body)


def test_a_class_has_a_join_code_and_a_local_qr_code(site):
    server, coach, _ = site
    klass = create_class(coach, "销售一班", groups=2)
    assert "<svg" in klass["page"] and "qrline" in klass["page"]  # drawn by segno in the page itself
    assert f"/class?c={klass['code']}" not in klass["page"] or "http" in klass["page"]
    status, _, page = coach.request("GET", "/review/classes")
    assert "销售一班" in page and klass["code"] in page
    anonymous = Client(server.url)
    assert anonymous.request("GET", "/review/classes")[0] == 302
    assert anonymous.request("GET", klass["path"])[0] == 302
    token = coach.csrf_from("/review/classes")
    status, _, page = coach.request("POST", "/review/classes", form={"csrf_token": token, "name": "<b>班", "day": "x"})
    assert status == 200 and "请填写班级名称" in page


def test_joining_binds_the_member_and_wrong_codes_are_throttled(site):
    server, coach, _ = site
    first, second = create_class(coach, "一班"), create_class(coach, "二班")
    trainee, status, body = join(server, first["code"].lower(), "张伟", "1001")
    assert status == 200 and body["trainee"] == "张伟 1001（一班）"
    _, _, me = trainee.request("GET", "/class/api/me")
    assert json.loads(me)["class"]["name"] == "一班"
    # the chat knows the member before any conversation exists (it then opens one, no name dialog)
    _, _, history = trainee.request("GET", "/api/history")
    assert json.loads(history) == {"trainee": "张伟 1001（一班）", "messages": [], "mode": ""}
    assert join(server, first["code"], "张伟", "1001")[1] == 409, "same name and number twice in one class"
    for bad_name in ("", "<b>张</b>", "张（一班）", "\ud800", "很" * 21):
        _, status, body = join(server, first["code"], bad_name)
        assert status == 400 and "请输入姓名" in body["error"], bad_name
    _, status, body = join(server, first["code"], "王芳", "10 01")
    assert status == 400 and "工号" in body["error"]
    # the other class's code joins the other class, never this one
    other, status, body = join(server, second["code"], "李娜")
    assert status == 200 and body["class"] == "二班"
    # open practice may not take a class member's name
    token = other.csrf_from("/")
    status, _, body = other.request("POST", "/api/identify", json_body={"trainee": "张伟 1001（一班）"},
                                    headers={"X-CSRF-Token": token})
    assert status == 400 and "班级" in json.loads(body)["error"]


def test_the_trainer_renames_merges_and_removes_members(site):
    server, coach, _ = site
    klass = create_class(coach, "三班")
    zhang, _, _ = join(server, klass["code"], "张伟")
    zhang2, _, _ = join(server, klass["code"], "张伟", "9")
    lina, _, _ = join(server, klass["code"], "李娜")
    _, _, page = coach.request("GET", klass["path"])
    ids = dict(re.findall(r'action="/review/classes/\w+/members/(\w+)" class="inline member-edit">.*?'
                          r'name="name" value="([^"]+)"', page, re.S))
    by_name = {}
    for member_id, name in ids.items():
        by_name.setdefault(name, []).append(member_id)
    token = coach.csrf_from(klass["path"])
    lina_id = by_name["李娜"][0]
    assert coach.request("POST", f"{klass['path']}/members/{lina_id}",
                         form={"csrf_token": token, "action": "rename", "name": "李娜娜", "employee_no": "7"})[0] == 302
    assert json.loads(lina.request("GET", "/class/api/me")[2])["member"]["name"] == "李娜娜 7"
    # the chat now speaks as the renamed member
    _, _, chat = lina.request("GET", "/")
    assert "李娜娜 7（三班）" in chat
    first, second = by_name["张伟"]
    assert coach.request("POST", f"{klass['path']}/members/{second}",
                         form={"csrf_token": token, "action": "merge", "into": first})[0] == 302
    me1, me2 = (json.loads(c.request("GET", "/class/api/me")[2]) for c in (zhang, zhang2))
    assert me1["member"]["name"] == me2["member"]["name"] == "张伟", "both devices are now the same member"
    assert coach.request("POST", f"{klass['path']}/members/{lina_id}",
                         form={"csrf_token": token, "action": "remove"})[0] == 302
    assert json.loads(lina.request("GET", "/class/api/me")[2])["member"] is None
    _, _, chat = lina.request("GET", "/")
    assert "李娜娜" not in chat
    assert coach.request("POST", f"{klass['path']}/members/{first}", form={"action": "remove"})[0] == 403


def test_assignment_starts_rotate_types_and_the_board_follows_the_tracker(site):
    server, coach, tracker = site
    klass = create_class(coach, "四班")
    members = {name: join(server, klass["code"], name)[0] for name in ("甲", "乙", "丙", "丁", "戊")}
    assignment = assign(coach, klass, customer_type="rotate", mode="exam")
    data = board(coach, klass, assignment)
    assert [r["state"] for r in data["members"]] == ["waiting"] * 5 and data["scores_hidden"]
    # the trainee sees it and starts it with one tap: /start then the assignment's /start_roleplay
    me = json.loads(members["甲"].request("GET", "/class/api/me")[2])
    assert [t["id"] for t in me["assignments"]] == [assignment] and "需求分析" in me["assignments"][0]["title"]
    convs, types = {}, []
    for name, client in members.items():
        status, body, conv = start(client, assignment)
        assert status == 200, body
        choice = json.loads(body["then"][len("/start_roleplay"):])
        assert choice["scenario"] == "needs" and choice["mode"] == "exam"
        types.append(choice["customer_type"])
        convs[name] = conv
    n = len(CUSTOMER_TYPES)
    assert sorted(types[:n]) == sorted(CUSTOMER_TYPES) and types[n] == types[0], "rotated across members"
    # 甲 finished, 乙 is one reply in (stage reached), the others have not begun
    write_conversation(tracker, convs["甲"], roleplay_events("甲（四班）", new_id(), overall=83))
    running = roleplay_events("乙（四班）", new_id(), outcome=None)
    write_conversation(tracker, convs["乙"], running[:-1] + [SlotSet("stage", "expectation")])
    data = board(coach, klass, assignment)
    rows = {r["name"]: r for r in data["members"]}
    assert rows["甲"]["state"] == "finished" and rows["乙"]["state"] == "running"
    assert rows["乙"]["stage"] == "阶段 2/3 " + rows["乙"]["stage"].split(" ", 2)[2] and rows["乙"]["turns"] == 1
    assert rows["丙"]["state"] == "waiting" and data["counts"] == {"waiting": 3, "running": 1, "finished": 1}
    assert all(r["score"] is None for r in rows.values()), "exam: hidden until revealed"
    token = coach.csrf_from(f"{klass['path']}/board/{assignment}")
    assert coach.request("POST", f"{klass['path']}/board/{assignment}/reveal",
                         form={"csrf_token": token, "show": "1"})[0] == 302
    rows = {r["name"]: r for r in board(coach, klass, assignment)["members"]}
    assert rows["甲"]["score"] == 83.0 and rows["乙"]["score"] == 66.0
    # ending it for everyone: the chat header says so, and nobody can start it any more
    assert coach.request("POST", f"{klass['path']}/board/{assignment}/end", form={"csrf_token": token})[0] == 302
    assert board(coach, klass, assignment)["ended"]
    status, body, _ = start(members["丙"], assignment)
    assert status == 409 and "结束" in body["error"]


def test_assignments_of_another_class_or_group_cannot_be_started(site):
    server, coach, _ = site
    mine, theirs = create_class(coach, "五班", groups=2), create_class(coach, "六班")
    a1, _, _ = join(server, mine["code"], "甲")  # group 1
    foreign = assign(coach, theirs)
    for_group_2 = assign(coach, mine, group="2")
    for assignment in (foreign, for_group_2, "0123456789abcdef"):
        status, body, _ = start(a1, assignment)
        assert status == 409 and "没有找到" in body["error"], assignment
    assert json.loads(a1.request("GET", "/class/api/me")[2])["assignments"] == []
    outsider = Client(server.url)
    status, body, _ = start(outsider, for_group_2)
    assert status == 401


def test_the_board_streams_changes_without_reload(site):
    server, coach, tracker = site
    klass = create_class(coach, "七班")
    trainee, _, _ = join(server, klass["code"], "张伟")
    assignment = assign(coach, klass, customer_type="social")
    _, _, conv = start(trainee, assignment)
    request = urllib.request.Request(f"{server.url}{klass['path']}/board/{assignment}/events")
    stream = coach.opener.open(request, timeout=30)
    assert stream.headers["content-type"].startswith("text/event-stream")
    events = []

    def read():
        for raw in stream:
            line = raw.decode().strip()
            if line.startswith("data: "):
                events.append((time.monotonic(), json.loads(line[6:])))
            if len(events) >= 2:
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 10
    while not events and time.monotonic() < deadline:
        time.sleep(0.05)
    assert events and events[0][1]["members"][0]["state"] == "waiting"
    written = time.monotonic()
    write_conversation(tracker, conv, roleplay_events("张伟（七班）", new_id(), overall=70))
    reader.join(timeout=10)
    stream.close()
    assert len(events) == 2 and events[1][1]["members"][0]["state"] == "finished"
    assert events[1][0] - written < 10.0, "the board follows within seconds (1 s polling; generous for a loaded machine)"
    anonymous = Client(server.url)
    assert anonymous.request("GET", f"{klass['path']}/board/{assignment}/events")[0] == 401


def _finished(trainee: str, overall: float, reply: str, echo: bool, checklist_done: bool, rid: str = ""):
    """A finished role-play whose reply does (echo=True) or misses the 认同法 echo part, and whose scorecard
    has two checklist items."""
    events = roleplay_events(trainee, rid or new_id(), overall=overall, reply=reply)
    for event in events:
        if isinstance(event, SlotSet) and event.key == "last_assessment" and echo:
            event.value = dict(event.value, missing=[], score=90, evidence=event.value["evidence"] + [
                {"label": "agree", "part": "echo", "start": 0, "end": 2, "text": reply[:2]}])
        if isinstance(event, SlotSet) and event.key == "summary" and event.value:
            event.value["scorecard"]["checklist"] = [
                {"id": "greeting", "label": "主动问候", "done": True},
                {"id": "ask_name", "label": "询问称呼", "done": checklist_done}]
    return events


def test_results_leaderboard_distribution_misses_and_csv(site):
    server, coach, tracker = site
    klass = create_class(coach, "九班")
    names = ("甲", "乙", "丙", "丁")
    members = {n: join(server, klass["code"], n)[0] for n in names}
    assignment = assign(coach, klass, customer_type="social")
    convs = {n: start(members[n], assignment)[2] for n in names}
    write_conversation(tracker, convs["甲"], _finished("甲（九班）", 64, "甲的回答，您说得对", False, True))
    write_conversation(tracker, convs["乙"], _finished("乙（九班）", 88, "空间大是吧，您说得对，乙的示范回答", True, True))
    third = new_id()
    write_conversation(tracker, convs["丙"], _finished("丙（九班）", 64, "丙的回答，您说得对", False, False, third))
    path = f"{klass['path']}/results/{assignment}"
    status, _, page = coach.request("GET", path)
    assert status == 200
    board_rows = re.findall(r'<td class="num">(\d+)</td><td class="who-cell"><span class="who">(.+?)</span>', page)
    assert board_rows == [("1", "乙"), ("2", "甲"), ("2", "丙")], "ties share a rank; 丁 has not finished"
    assert "已完成 3/4 人" in page
    checklist = dict(re.findall(r"<tr><td>(.+?)</td><td class=\"num\">(\d+/\d+)</td></tr>", page))
    assert checklist == {"主动问候": "3/3", "询问称呼": "2/3"}
    # the most common miss, with 乙's reply (the one that did it) offered as the example
    miss = re.search(r"<legend><b>(.+?)</b>：缺失 (\d+) 次", page)
    assert miss.group(2) == "2"
    example = re.search(r'name="show" value="(\d+)"\s*> 空间大是吧', page)
    assert example, "the best reply that did the missed part is offered"
    assert "甲的回答" not in page.split("常见失误")[1].split("隐藏学员姓名")[0].split(miss.group(1))[1]
    # the trainer shows it, names hidden
    _, _, shown = coach.request("GET", f"{path}?show={example.group(1)}&names=0")
    quote = re.search(r'<div id="shown-examples".*?</div>', shown, re.S).group(0)
    assert "乙的示范回答" in quote and "— 乙" not in quote
    _, _, named = coach.request("GET", f"{path}?show={example.group(1)}")
    assert "— 乙" in re.search(r'<div id="shown-examples".*?</div>', named, re.S).group(0)
    # CSV, Chinese headers
    status, headers, body = coach.request("GET", f"{path}/results.csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    rows = list(__import__("csv").reader(body.lstrip("\ufeff").splitlines()))
    assert rows[0][:9] == ["学员", "工号", "小组", "练习", "客户类型", "状态", "轮数", "结果", "总分"]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["乙"][8] == "88.0" and by_name["丁"][5] == "未开始" and by_name["乙"][9] == "80.0"
    assert Client(server.url).request("GET", f"{path}/results.csv")[0] == 401
    # the trainer's score override counts on the results and the board, as everywhere else
    token = coach.csrf_from(f"/review/sessions/{third}")
    assert coach.request("POST", f"/review/sessions/{third}/override",
                         form={"csrf_token": token, "score": "95", "reason": "复核后上调"})[0] == 302
    _, _, page = coach.request("GET", path)
    board_rows = re.findall(r'<td class="num">(\d+)</td><td class="who-cell"><span class="who">(.+?)</span>', page)
    assert board_rows[0] == ("1", "丙")
    live = {r["name"]: r["score"] for r in board(coach, klass, assignment)["members"]}
    assert live["丙"] == 95.0 and live["甲"] == 64.0


def test_the_cohort_views_filter_by_class_and_group(site):
    from test_web_cohort import get, table_rows

    server, coach, url = site
    klass = create_class(coach, "十二月二期", groups=2)
    # (before the throttling test below: it uses up this address's join attempts)
    assert join(server, klass["code"], "周一")[1] == 200  # group 1
    assert join(server, klass["code"], "吴二")[1] == 200  # group 2
    now = time.time()
    for who in ("周一（十二月二期）", "吴二（十二月二期）", "郑三"):
        write_conversation(url, f"c-{new_id()}", roleplay_events(who, new_id(), overall=70, t0=now - 60))

    whole = table_rows(get(coach, "/review/cohort", class_id=klass["id"]))
    assert set(whole) == {"周一（十二月二期）", "吴二（十二月二期）"}, "only the class's members"
    assert set(table_rows(get(coach, "/review/cohort", class_id=klass["id"], group="1"))) == {"周一（十二月二期）"}
    page = get(coach, "/review/cohort/replies", pattern="agree", class_id=klass["id"])
    assert 'name="class_id"' in page and f'value="{klass["id"]}" selected' in page, "the filter is kept"

    page = get(coach, "/review/cohort", group="1")
    assert "请先选择班级" in page and "郑三" in table_rows(page), "a group alone is ignored, with a message"
    page = get(coach, "/review/cohort", class_id="no-such-class")
    assert "所选的筛选项不存在" in page and "郑三" in table_rows(page)


def chat_as(client: Client, conversation: str, message: str):
    """One /api/chat request from the tab holding this signed conversation token."""
    token = client.csrf_from("/")
    status, _, body = client.request("POST", "/api/chat", json_body={"message": message},
                                     headers={"X-CSRF-Token": token, "X-Conversation": conversation})
    return status, json.loads(body)


def test_an_assignment_conversation_is_held_to_the_assignment_on_the_server(site):
    server, coach, _ = site
    klass = create_class(coach, "十一班")
    trainee, status, _ = join(server, klass["code"], "孙七")
    assert status == 200
    assignment = assign(coach, klass, customer_type="dominant", scenario="negotiation", mode="exam")
    _, started, _ = start(trainee, assignment)
    conversation = started["conversation"]
    assert json.loads(started["then"][len("/start_roleplay"):]) == {
        "customer_type": "dominant", "scenario": "negotiation", "mode": "exam"}
    for other in ('/start_roleplay{"customer_type":"social","scenario":"negotiation","mode":"exam"}',
                  '/start_roleplay{"customer_type":"dominant","scenario":"negotiation","mode":"practice"}',
                  "/start_roleplay{broken"):
        status, body = chat_as(trainee, conversation, other)
        assert status == 409 and "培训师布置" in body["error"], other
    token = coach.csrf_from(f"{klass['path']}/board/{assignment}")
    assert coach.request("POST", f"{klass['path']}/board/{assignment}/end", form={"csrf_token": token})[0] == 302
    status, body = chat_as(trainee, conversation, "您好，欢迎光临")
    assert status == 409 and "已经结束" in body["error"]
    status, _ = chat_as(trainee, conversation, "/end")
    assert status != 409, "the chat's own /end after the trainer ends the exercise still goes through"


def test_a_removed_member_can_no_longer_chat_and_class_names_are_unique(site):
    server, coach, _ = site
    klass = create_class(coach, "十班")
    trainee, status, _ = join(server, klass["code"], "钱八")
    assert status == 200
    token = trainee.csrf_from("/")
    status, _, body = trainee.request("POST", "/api/new", json_body={}, headers={"X-CSRF-Token": token})
    conversation = json.loads(body)["conversation"]
    _, _, page = coach.request("GET", klass["path"])
    member_id = re.search(r'action="/review/classes/\w+/members/(\w+)" class="inline member-edit"', page).group(1)
    token = coach.csrf_from(klass["path"])
    assert coach.request("POST", f"{klass['path']}/members/{member_id}",
                         form={"csrf_token": token, "action": "remove"})[0] == 302
    status, body = chat_as(trainee, conversation, "您好")
    assert status == 401 and "姓名" in body["error"]

    token = coach.csrf_from("/review/classes")
    status, _, page = coach.request("POST", "/review/classes",
                                    form={"csrf_token": token, "name": "十班", "day": "2026-12-01", "groups": "0"})
    assert status == 200 and "已有名为“十班”的班级" in page


def test_a_tab_left_on_the_old_identity_cannot_write_into_the_new_ones_conversation(site):
    server, _, _ = site
    browser = Client(server.url)  # one cookie jar = one browser, two tabs
    token = browser.csrf_from("/")
    assert browser.request("POST", "/api/identify", json_body={"trainee": "甲学员"},
                           headers={"X-CSRF-Token": token})[0] == 200
    old_tab = json.loads(browser.request("POST", "/api/new", json_body={}, headers={"X-CSRF-Token": token})[2])
    # the other tab switches trainee (切换学员)
    assert browser.request("POST", "/api/identify", json_body={"trainee": "乙学员"},
                           headers={"X-CSRF-Token": token})[0] == 200
    status, body = chat_as(browser, old_tab["conversation"], "您好")
    assert status == 409 and "切换了学员" in body["error"]


def test_an_exam_is_taken_once_but_a_cut_off_attempt_may_start_again(site):
    server, coach, tracker = site
    klass = create_class(coach, "考核班")
    trainee, status, _ = join(server, klass["code"], "严考")
    assert status == 200
    exam = assign(coach, klass, customer_type="social", mode="exam")
    status, _, first = start(trainee, exam)
    assert status == 200
    status, _, second = start(trainee, exam)
    assert status == 200, "the first attempt never finished (a closed phone): it may start again"
    write_conversation(tracker, second, _finished("严考（考核班）", 70, "您说得对", False, True))
    status, body, _ = start(trainee, exam)
    assert status == 409 and "只有一次机会" in body["error"]
    practice = assign(coach, klass, customer_type="social", mode="practice")
    write_conversation(tracker, start(trainee, practice)[2], _finished("严考（考核班）", 70, "您说得对", False, True))
    assert start(trainee, practice)[0] == 200, "practice may be repeated"


def test_wrong_codes_are_throttled_per_address(site):
    """Last in the module: every client here shares 127.0.0.1, which this test locks out (SSP_JOIN_LIMIT=4)."""
    server, coach, _ = site
    klass = create_class(coach, "八班")
    guesser = Client(server.url)
    wrong = [g for g in ("AAAAAA", "CCCCCC", "DDDDDD", "EEEEEE", "FFFFFF") if g != klass["code"]][:4]
    for guess in wrong:
        _, status, body = join(server, guess, "王芳", client=guesser)
        assert status == 404 and "班级码不正确" in body["error"]
    _, status, body = join(server, klass["code"], "王芳", client=guesser)
    assert status == 429 and "太多" in body["error"], "even the right code, until the window has passed"


