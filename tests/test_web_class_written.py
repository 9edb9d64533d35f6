"""Written exercises as class tasks over HTTP (web/class_written.py): the real web app and class store on
SQLite, every answer graded by ssp_coach.exercises as it is submitted (no Rasa needed)."""
import csv
import io
import json
import threading
import time
import urllib.request

from ssp_coach.exercises import best_answers, grade_answer

from test_web_app import Client
from test_web_class import create_class, join, site  # noqa: F401 - the module's server fixture

GOOD = "您觉得价格有点高，我理解，谁都希望买得划算；其实这个价里已经含了三年的免费保养，平摊下来每个月花得并不多。"
WEAK = "您要回去再考虑，那没关系。"
POOR = "不贵啊，这已经是最低价了。"


def assign_written(coach: Client, klass: dict, exercise: str = "objections_agree", group: str = "0"):
    token = coach.csrf_from(klass["path"])
    return coach.request("POST", klass["path"] + "/written",
                         form={"csrf_token": token, "exercise": exercise, "group": group})


def new_task(coach: Client, klass: dict, **kw) -> str:
    status, headers, body = assign_written(coach, klass, **kw)
    assert status == 302, body
    assert "/written/" in headers["location"]
    return headers["location"].rsplit("/", 1)[1]


def answer(client: Client, task: str, prompt, text):
    token = client.csrf_from(f"/class/written/{task}")
    status, _, body = client.request("POST", f"/class/api/written/{task}/answer", headers={"X-CSRF-Token": token},
                                     json_body={"prompt": prompt, "text": text})
    return status, json.loads(body)


def board(coach: Client, klass: dict, task: str) -> dict:
    status, _, body = coach.request("GET", f"{klass['path']}/written/{task}/data")
    assert status == 200, body
    return json.loads(body)


def test_assigned_exercise_is_shown_to_trainees_and_answers_are_graded_at_once(site):  # noqa: F811
    server, coach, _ = site
    klass = create_class(coach, "书面一班")
    trainee, _, _ = join(server, klass["code"], "张伟")
    status, headers, _ = assign_written(coach, klass, exercise="no_such")
    assert status == 302 and "?error=" in headers["location"]  # back to the class page with a message
    _, _, page = coach.request("GET", headers["location"])
    assert "请选择一道书面练习。" in page
    task = new_task(coach, klass)
    _, _, page = coach.request("GET", klass["path"])
    assert "书面练习：用认同法回应常见抗拒" in page and f"/written/{task}/results" in page

    _, _, body = trainee.request("GET", "/class/api/me")
    listed = [t for t in json.loads(body)["assignments"] if t["id"] == task]
    assert listed and listed[0]["href"] == f"/class/written/{task}" and listed[0]["title"].startswith("书面练习：")
    status, _, page = trainee.request("GET", f"/class/written/{task}")
    assert status == 200 and "/static/written.js" in page
    _, _, body = trainee.request("GET", f"/class/api/written/{task}")
    view = json.loads(body)
    assert view["title"] == "用认同法回应常见抗拒" and len(view["prompts"]) == 3
    assert view["prompts"][0]["customer"] == "你们这车价格太贵了。" and view["prompts"][0]["answer"] is None
    assert "objections_agree" not in body and "认同法" in "".join(view["required"])

    status, data = answer(trainee, task, 1, POOR)
    assert status == 200
    first = data["prompts"][0]["answer"]
    expected = grade_answer("objections_agree", 0, POOR)
    assert first["score"] == expected.score and first["passed"] is expected.passed and first["feedback"] == expected.feedback
    status, data = answer(trainee, task, 1, GOOD)  # a resubmission: the latest counts
    got = data["prompts"][0]["answer"]
    assert got["text"] == GOOD and got["passed"] and got["score"] == grade_answer("objections_agree", 0, GOOD).score
    assert "objections_agree" not in json.dumps(data, ensure_ascii=False)
    history = server_app_answers(server, task)
    assert [r["text"] for r in history] == [POOR, GOOD]  # history kept


def server_app_answers(server, task: str):
    """The stored answers, read straight from the review database the server writes."""
    from web.class_store import WrittenStore
    from web.review_store import ReviewStore

    store = WrittenStore(ReviewStore(server.env["SSP_REVIEW_DB_URL"]).engine)
    return store.answers(task, latest=False)


def test_bad_answers_get_a_chinese_message_and_lose_nothing(site):  # noqa: F811
    server, coach, _ = site
    klass = create_class(coach, "书面二班")
    trainee, _, _ = join(server, klass["code"], "王芳")
    task = new_task(coach, klass)
    answer(trainee, task, 2, WEAK)
    for prompt, text, message in [
        (2, "   ", "请先写下您的回答"),
        (2, "好" * 2001, "回答太长（最多 2000 字）"),
        (4, GOOD, "题号应为 1 到 3"),
        ("1", GOOD, "题号应为 1 到 3"),
        (2, "\ud800", "请先写下您的回答"),
    ]:
        status, data = answer(trainee, task, prompt, text)
        assert status == 400 and message in data["error"], (prompt, data)
    assert [r["text"] for r in server_app_answers(server, task)] == [WEAK]  # the earlier answer is kept
    outsider = Client(server.url)
    token = outsider.csrf_from("/class")
    status, _, body = outsider.request("POST", f"/class/api/written/{task}/answer", headers={"X-CSRF-Token": token},
                                       json_body={"prompt": 1, "text": GOOD})
    assert status == 401 and "班级码" in json.loads(body)["error"]
    other = create_class(coach, "书面别班")
    stranger, _, _ = join(server, other["code"], "赵六")
    status, data = answer(stranger, task, 1, GOOD)
    assert status == 404 and data["error"] == "没有找到这个练习任务。"
    status, _, _ = trainee.request("POST", f"/class/api/written/{task}/answer", json_body={"prompt": 1, "text": GOOD})
    assert status == 403  # no CSRF token


def test_board_streams_answers_hides_names_marks_the_best_and_ends(site):  # noqa: F811
    server, coach, _ = site
    klass = create_class(coach, "书面三班")
    a, _, _ = join(server, klass["code"], "刘洋")
    b, _, _ = join(server, klass["code"], "陈静")
    c, _, _ = join(server, klass["code"], "孙磊")
    task = new_task(coach, klass)
    request = urllib.request.Request(f"{server.url}{klass['path']}/written/{task}/events")
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
    assert events and events[0][1]["answered"] == 0 and events[0][1]["members"] == 3
    sent = time.monotonic()
    answer(a, task, 1, GOOD)
    reader.join(timeout=10)
    stream.close()
    assert len(events) == 2 and events[1][1]["prompts"][0]["answers"][0]["name"] == "刘洋"
    assert events[1][0] - sent < 10.0, "the board follows within seconds (1 s polling; generous for a loaded machine)"

    answer(b, task, 1, WEAK)
    answer(c, task, 1, POOR)
    data = board(coach, klass, task)
    rows = data["prompts"][0]["answers"]
    assert [r["name"] for r in rows] == ["刘洋", "陈静", "孙磊"] and data["answered"] == 3
    grades = [grade_answer("objections_agree", 0, t) for t in (GOOD, WEAK, POOR)]
    best = {g.answer for g in best_answers(grades, 3)}
    assert [r["best"] for r in rows] == [r["text"] in best for r in rows] and rows[0]["best"]

    token = coach.csrf_from(f"{klass['path']}/written/{task}")
    coach.request("POST", f"{klass['path']}/written/{task}/names", form={"csrf_token": token, "hide": "1"})
    hidden = board(coach, klass, task)
    assert hidden["names_hidden"] and {r["name"] for r in hidden["prompts"][0]["answers"]} == {"匿名"}
    assert "刘洋" not in json.dumps(hidden, ensure_ascii=False)
    _, _, page = coach.request("GET", f"{klass['path']}/written/{task}")
    assert "显示姓名" in page

    coach.request("POST", f"{klass['path']}/written/{task}/end", form={"csrf_token": token})
    assert board(coach, klass, task)["ended"]
    status, data = answer(a, task, 2, GOOD)
    assert status == 409 and "已经结束" in data["error"]
    _, _, body = a.request("GET", f"/class/api/written/{task}")
    assert json.loads(body)["ended"]
    assert Client(server.url).request("GET", f"{klass['path']}/written/{task}/data")[0] == 401


def test_results_page_and_csv(site):  # noqa: F811
    server, coach, _ = site
    klass = create_class(coach, "书面四班")
    a, _, _ = join(server, klass["code"], "周明", "1001")
    b, _, _ = join(server, klass["code"], "吴丽")
    task = new_task(coach, klass)
    answer(a, task, 1, POOR)
    answer(a, task, 1, GOOD)
    answer(b, task, 1, WEAK)
    answer(b, task, 2, GOOD)
    status, _, page = coach.request("GET", f"{klass['path']}/written/{task}/results")
    assert status == 200 and "各题通过率" in page and "50%" in page and "周明 1001" in page
    status, _, hidden = coach.request("GET", f"{klass['path']}/written/{task}/results?names=0")
    assert "周明" not in hidden and "匿名" in hidden
    status, headers, body = coach.request("GET", f"{klass['path']}/written/{task}/results.csv")
    assert status == 200 and body.startswith("\ufeff") and "text/csv" in headers["content-type"]
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:7] == ["行号", "姓名", "题号", "题目", "答案", "得分", "是否通过"]
    by = {(r[1], r[2]): r for r in rows[1:]}
    assert set(by) == {("周明 1001", "1"), ("吴丽", "1"), ("吴丽", "2")}  # the latest answer per prompt
    assert by[("周明 1001", "1")][4] == GOOD and by[("周明 1001", "1")][6] == "通过"
    assert by[("吴丽", "2")][5] == str(grade_answer("objections_agree", 1, GOOD).score)
    assert Client(server.url).request("GET", f"{klass['path']}/written/{task}/results.csv")[0] == 401


def test_group_tasks_reach_only_their_group(site):  # noqa: F811
    server, coach, _ = site
    klass = create_class(coach, "书面五班", groups=2)
    one, _, _ = join(server, klass["code"], "甲")
    two, _, _ = join(server, klass["code"], "乙")
    status, headers, _ = assign_written(coach, klass, group="3")
    assert status == 302 and "?error=" in headers["location"]  # refused with a message
    task = new_task(coach, klass, exercise="usp_fbi", group="1")
    _, _, body = one.request("GET", "/class/api/me")
    assert any(t["id"] == task for t in json.loads(body)["assignments"])
    _, _, body = two.request("GET", "/class/api/me")
    assert not any(t["id"] == task for t in json.loads(body)["assignments"])
    status, data = answer(two, task, 1, GOOD)
    assert status == 404
    assert board(coach, klass, task)["members"] == 1
