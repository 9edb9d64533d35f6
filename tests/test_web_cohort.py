"""Cohort analytics (/review/cohort): shared filters, the trainee × pattern table (use rate and quality
apart, 未使用 vs a score), sorting, heat map, summary figures with a pass mark, and the replies of one
technique across sessions, reached from the table. The real web app over a SQLite tracker store written
by Rasa's SQLTrackerStore."""
import datetime
import html
import re
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from rasa.shared.core.events import SlotSet, UserUttered

from test_web_app import Client, WebServer, _visible_text
from test_web_tracker_reader import new_id, roleplay_events, write_conversation
from web.charts import heat_map, line_chart

DAY = 86400
SVG = "{http://www.w3.org/2000/svg}"


def rhetorical(quality: float, score: float = 50) -> dict:
    """A reply's assessment that uses 反问法 with this quality (0-1)."""
    return {"techniques": ["rhetorical"],
            "patterns": {"rhetorical": {"parts_present": ["question"], "quality": quality}},
            "evidence": [{"label": "rhetorical", "part": "question", "start": 0, "end": 4}],
            "missing": [{"label": "rhetorical", "part": "answer", "message": "反问后要自己给出答案"}] if quality < 1 else [],
            "feedback": "", "score": score}


def with_replies(events, replies, t0):
    """A role-play's events (test helper) with more assessed trainee replies at the end."""
    extra = []
    for i, (text, assessment) in enumerate(replies):
        extra += [UserUttered(text, intent={"name": "consultant_reply"}, timestamp=t0 + 20 + i),
                  SlotSet("last_assessment", assessment, timestamp=t0 + 20 + i)]
    return events + extra


def day(ts: float) -> str:
    return datetime.date.fromtimestamp(ts).isoformat()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cohort")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    now = time.time()
    ids = {k: new_id() for k in ("zw1", "zw2", "ln", "wq", "open", "chen")}
    t = {"zw1": now - 5 * DAY, "zw2": now - 1 * DAY, "ln": now - 2 * DAY, "wq": now - 2 * DAY,
         "open": now - 1 * DAY, "chen": now - 3 * DAY}
    write_conversation(url, "c-zw1", with_replies(roleplay_events("张伟", ids["zw1"], overall=55, t0=t["zw1"]),
                                                  [("难道您不想省油吗", rhetorical(0.5))], t["zw1"]))
    write_conversation(url, "c-zw2", with_replies(
        roleplay_events("张伟", ids["zw2"], overall=81, customer_type="dominant", scenario="negotiation",
                        outcome="lost", t0=t["zw2"]) + [SlotSet("mode", "exam", timestamp=t["zw2"] + 10)],
        [("难道安全不重要吗", rhetorical(0.25)), ("您看这样行吗", {"techniques": [], "score": 30})], t["zw2"]))
    write_conversation(url, "c-ln", with_replies(roleplay_events("李娜", ids["ln"], overall=90, t0=t["ln"]),
                                                 [("难道不是吗？当然是", rhetorical(1.0, 90))], t["ln"]))
    write_conversation(url, "c-wq", roleplay_events("王强", ids["wq"], overall=40, t0=t["wq"]))
    write_conversation(url, "c-open", roleplay_events("赵六", ids["open"], outcome=None, t0=t["open"]))
    write_conversation(url, "c-chen", with_replies(
        roleplay_events("陈晨", ids["chen"], overall=60, t0=t["chen"]),
        [(f"难道第{i}个问题不好吗", rhetorical(i / 100)) for i in range(30)], t["chen"]))
    server = WebServer(tmp)
    login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
    server.start()
    coach = Client(server.url)
    coach.login(login.group(1), login.group(2))
    # the trainer's override counts in the summary instead of the automatic 40
    token = coach.csrf_from(f"/review/sessions/{ids['wq']}")
    assert coach.request("POST", f"/review/sessions/{ids['wq']}/override",
                         form={"csrf_token": token, "score": "65", "reason": "复核后上调"})[0] == 302
    yield server, coach, ids, t
    server.stop()


def get(coach: Client, path: str, **params) -> str:
    query = urllib.parse.urlencode([(k, x) for k, v in params.items() for x in (v if isinstance(v, list) else [v])])
    status, _, page = coach.request("GET", path + ("?" + query if query else ""))
    assert status == 200, (path, params, page[:300])
    return page


def table_rows(page: str):
    """{trainee: {(pattern, kind): visible cell text}} from the cohort table."""
    body = re.search(r'<table class="cohort" id="cohort-table">.*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        if '<th scope="row">' not in row:
            continue  # 没有符合条件的会话
        name = _visible_text(re.search(r'<th scope="row">(.*?)</th>', row, re.S).group(1)).strip()
        cells = re.findall(r'<td class="num" data-pattern="(\w+)" data-kind="(\w+)">(.*?)</td>', row, re.S)
        out[name] = {(p, k): "".join(_visible_text(v).split()) for p, k, v in cells}
    return out


def test_cohort_pages_need_a_trainer(site):
    server, _, _, _ = site
    for path in ("/review/cohort", "/review/cohort/replies?pattern=rhetorical"):
        status, headers, _ = Client(server.url).request("GET", path)
        assert status == 302 and headers["location"].startswith("/review/login"), path


def test_table_keeps_never_used_apart_from_used_badly_with_counts(site):
    _, coach, _, _ = site
    page = get(coach, "/review/cohort")
    rows = table_rows(page)
    assert set(rows) == {"张伟", "李娜", "王强", "陈晨", "赵六"}
    assert rows["王强"][("rhetorical", "quality")] == "未使用"
    assert rows["王强"][("rhetorical", "rate")] == "0.0%（0/1句）"
    # 张伟: 2 of 5 assessed replies use 反问法, at quality 0.5 and 0.25
    assert rows["张伟"][("rhetorical", "rate")] == "40.0%（2/5句）"
    assert rows["张伟"][("rhetorical", "quality")] == "37.5"
    assert rows["李娜"][("rhetorical", "quality")] == "100.0"
    assert rows["张伟"][("agree", "quality")] == "100.0" and rows["张伟"][("agree", "rate")] == "40.0%（2/5句）"
    text = _visible_text(page)
    for code in ("rhetorical", "needs", "negotiation", "dominant"):
        assert not re.search(rf"\b{code}\b", text), code
    # the select-all / none buttons work through review.js (no inline script: CSP)
    assert 'data-check-all="trainee"' in page and 'data-check-none="trainee"' in page and "<script>" not in page


def test_table_sorts_by_any_column_with_unused_always_last(site):
    _, coach, _, _ = site
    order = lambda page: list(table_rows(page))  # noqa: E731
    ascending = order(get(coach, "/review/cohort", sort="rhetorical.quality", order="asc"))
    assert ascending[:3] == ["陈晨", "张伟", "李娜"] and set(ascending[3:]) == {"王强", "赵六"}
    descending = order(get(coach, "/review/cohort", sort="rhetorical.quality", order="desc"))
    assert descending[:3] == ["李娜", "张伟", "陈晨"] and set(descending[3:]) == {"王强", "赵六"}
    by_rate = order(get(coach, "/review/cohort", sort="rhetorical.rate", order="desc"))
    assert by_rate[:2] == ["陈晨", "李娜"] and set(by_rate[-2:]) == {"王强", "赵六"}
    assert order(get(coach, "/review/cohort", sort="overall", order="desc"))[:2] == ["李娜", "张伟"]
    assert order(get(coach, "/review/cohort", sort="nonsense")) == sorted(ascending)


def test_filters_are_shared_by_table_summary_and_replies(site):
    _, coach, ids, t = site
    only_exam = get(coach, "/review/cohort", mode="exam")
    assert list(table_rows(only_exam)) == ["张伟"]
    assert re.search(r'id="sum-count">1<', only_exam) and re.search(r'id="sum-mean">81.0<', only_exam)
    negotiation = get(coach, "/review/cohort", scenario="negotiation", customer_type="dominant")
    assert table_rows(negotiation)["张伟"][("rhetorical", "rate")] == "33.3%（1/3句）"
    assert list(table_rows(get(coach, "/review/cohort", customer_type="analytical"))) == []
    recent = get(coach, "/review/cohort", date_from=day(t["ln"]), date_to=day(time.time()))
    assert "陈晨" not in table_rows(recent) and "李娜" in table_rows(recent)
    picked = get(coach, "/review/cohort", trainee=["李娜", "王强"])
    assert list(table_rows(picked)) == ["李娜", "王强"]
    assert re.search(r'value="李娜" checked', picked) and not re.search(r'value="张伟" checked', picked)
    # the replies view keeps the same filters: only the exam role-play's replies
    replies = get(coach, "/review/cohort/replies", pattern="rhetorical", mode="exam")
    assert re.search(r'id="reply-count">1<', replies) and "难道安全</mark>不重要吗" in replies
    assert "省油" not in replies


def test_bad_filter_values_get_a_chinese_message_and_the_rest_still_applies(site):
    _, coach, _, _ = site
    page = get(coach, "/review/cohort", date_from="2026-13-40", mode="exam", scenario="<script>", pass_mark="abc")
    assert "日期“2026-13-40”格式不对" in html.unescape(page) and "所选的筛选项不存在" in page
    assert "及格线须为 0–100 之间的数字" in page and "<script>" not in page
    assert list(table_rows(page)) == ["张伟"], "mode=exam still applies"
    swapped = get(coach, "/review/cohort", date_from=day(time.time()), date_to=day(time.time() - 10 * DAY))
    assert "结束日期早于开始日期，已对调" in swapped and len(table_rows(swapped)) == 5
    status, _, body = coach.request("GET", "/review/cohort/replies?pattern=nope")
    assert status == 400 and "请选择一种话术" in body


def test_summary_figures_use_overrides_and_the_trainers_pass_mark(site):
    _, coach, _, _ = site
    # finished: 张伟 55, 81; 李娜 90; 王强 40 -> override 65; 陈晨 60; 赵六 unfinished
    page = get(coach, "/review/cohort", pass_mark="61")
    figures = {k: _visible_text(v).strip() for k, v in re.findall(r'<dd id="sum-(\w+)">(.*?)</dd>', page, re.S)}
    assert figures["count"] == "6" and figures["scored"] == "5"
    assert figures["mean"] == "70.2" and figures["median"] == "65.0" and figures["range"] == "55.0 / 90.0"
    assert figures["pass"] == "60.0%（3/5）"
    lenient = get(coach, "/review/cohort", pass_mark="55")
    assert "100.0%（5/5）" in lenient
    bars = ET.fromstring(re.search(r'<div class="chart-box wide" id="distribution">(.*?)</div>', page, re.S).group(1))
    counts = {t.text.split(": ")[0]: int(t.text.split(": ")[1]) for t in bars.iter(f"{SVG}title")}
    assert counts["50–59"] == 1 and counts["60–69"] == 2 and counts["80–89"] == 1 and counts["90–100"] == 1
    assert sum(counts.values()) == 5


def test_worst_replies_of_the_weakest_trainee_in_three_clicks(site):
    _, coach, ids, _ = site
    # click 1: sort the table by 反问法 quality, weakest first
    page = get(coach, "/review/cohort", sort="rhetorical.quality", order="asc")
    first = re.search(r'<th scope="row">.*?</th>(.*?)</tr>', page, re.S).group(1)
    # click 2: the weakest trainee's 反问法 quality -> their replies, worst first
    link = html.unescape(re.search(r'data-pattern="rhetorical" data-kind="quality"><a href="([^"]+)"', first).group(1))
    assert "trainee=%E9%99%88%E6%99%A8" in link and "sort" not in link
    replies = get(coach, link.split("?")[0], **dict(urllib.parse.parse_qsl(link.split("?")[1])))
    qualities = [float(q) for q in re.findall(r'<b class="quality">质量 ([\d.]+)</b>', replies)]
    assert qualities == sorted(qualities) and qualities[0] == 0.0 and len(qualities) == 25, "worst first, one page"
    assert re.search(r'id="reply-count">30<', replies), "the same count as the table (30 uses)"
    assert '<mark class="ev ev-rhetorical"' in replies and "反问后要自己给出答案" in replies
    # click 3: the turn in the transcript
    turn = re.search(rf'href="/review/sessions/{ids["chen"]}#turn-(\d+)"', replies).group(1)
    transcript = get(coach, f"/review/sessions/{ids['chen']}")
    assert f'id="turn-{turn}"' in transcript
    assert re.search(rf'id="turn-{turn}".*?难道第0</mark>个问题不好吗', transcript, re.S)


def test_replies_page_and_best_first(site):
    _, coach, _, _ = site
    second = get(coach, "/review/cohort/replies", pattern="rhetorical", trainee="陈晨", page="2")
    assert len(re.findall(r'<b class="quality">', second)) == 5 and "第 2 / 2 页" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second
    assert "第 26–30 句" in second
    clamped = get(coach, "/review/cohort/replies", pattern="rhetorical", trainee="陈晨", page="999")
    assert "第 2 / 2 页" in clamped
    best = get(coach, "/review/cohort/replies", pattern="rhetorical", order="best")
    qualities = [float(q) for q in re.findall(r'<b class="quality">质量 ([\d.]+)</b>', best)]
    assert qualities == sorted(qualities, reverse=True) and qualities[0] == 100.0
    assert re.search(r'id="reply-count">33<', best), "every trainee: 30 + 2 + 1"
    none = get(coach, "/review/cohort/replies", pattern="commit")
    assert "没有用到承诺法的回复" in none


def test_heat_map_marks_unused_cells_and_links_used_ones(site):
    _, coach, _, _ = site
    page = get(coach, "/review/cohort", trainee=["王强", "李娜"])
    svg = ET.fromstring(re.search(r'<div class="heat-box" id="heat">(.*?)</div>', page, re.S).group(1))
    titles = [t.text for t in svg.iter(f"{SVG}title")]
    assert "王强 · 反问法: 未使用" in titles and "李娜 · 反问法: 100" in titles
    links = [a.get("href") for a in svg.iter(f"{SVG}a")]
    assert any("pattern=rhetorical" in x and "%E6%9D%8E%E5%A8%9C" in x for x in links)
    assert not any("pattern=rhetorical" in x and "%E7%8E%8B%E5%BC%BA" in x for x in links), "nothing to show"
    trends = re.search(r'<div class="multiples" id="trends">(.*?)</section>', page, re.S).group(1)
    assert trends.count("<svg") == 2, "one small chart per trainee"


def test_charts_stay_readable_for_30_trainees():
    names = [f"学员{i:02d}号" for i in range(30)]
    svg = line_chart([(n, [50 + i, 60]) for i, n in enumerate(names)], ["第1次", "第2次"], "总分")
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    legend = [t for t in root.iter(f"{SVG}text") if t.text in names]
    assert len(legend) == 30
    for t in legend:
        x, y = float(t.get("x")), float(t.get("y"))
        assert 0 <= x and x + 11 * len(t.text) <= width and y <= height, t.text
    heat = ET.fromstring(heat_map(names, ["反问法"], [[None]] * 30, [[""]] * 30, "热力图"))
    assert sum(1 for t in heat.iter(f"{SVG}text") if t.text == "未使用") == 30
    assert float(heat.get("viewBox").split()[3]) >= 30 * 24, "a row per trainee"


def test_role_play_list_is_reused_until_the_tracker_store_changes(tmp_path):
    from web.tracker_reader import TrackerReader
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    first = new_id()
    write_conversation(url, "cache-a", roleplay_events("甲", first))
    reader = TrackerReader(url)
    once, again = reader.list_roleplays(), reader.list_roleplays()
    assert [rp.roleplay_id for rp in once] == [first] and once[0] is again[0], "nothing changed: not read again"
    second = new_id()
    write_conversation(url, "cache-b", roleplay_events("乙", second))
    assert {rp.roleplay_id for rp in reader.list_roleplays()} == {first, second}, "a new conversation is seen"
    write_conversation(url, "cache-a", roleplay_events("甲", first) + [SlotSet("mode", "exam")])
    assert {rp.roleplay_id: rp.mode for rp in reader.list_roleplays()}[first] == "exam", "new events are seen"


def test_trainers_corrections_count_over_the_scorer_in_table_and_replies(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    rid, t0 = new_id(), time.time() - 3600
    write_conversation(url, "corr-1", with_replies(roleplay_events("孙丽", rid, t0=t0),
                                                   [("难道您不想省油吗", rhetorical(0.5))], t0))
    server = WebServer(tmp_path)
    login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
    server.start()
    try:
        coach = Client(server.url)
        coach.login(login.group(1), login.group(2))
        rows = table_rows(get(coach, "/review/cohort"))["孙丽"]
        assert rows[("agree", "rate")] == "50.0%（1/2句）" and rows[("rhetorical", "quality")] == "50.0"
        path = f"/review/sessions/{rid}"
        page = get(coach, path)
        first, second = re.findall(r'id="correction-(\d+)"', page)  # the two replies (not /commands)
        token = coach.csrf_from(path)
        # the first reply is really 反问法, not 认同法
        status, _, _ = coach.request("POST", path + "/corrections", form=[
            ("csrf_token", token), ("event_id", first), ("labels", "rhetorical")])
        assert status == 302
        rows = table_rows(get(coach, "/review/cohort"))["孙丽"]
        assert rows[("agree", "quality")] == "未使用" and rows[("agree", "rate")] == "0.0%（0/2句）"
        assert rows[("rhetorical", "rate")] == "100.0%（2/2句）" and rows[("rhetorical", "quality")] == "75.0"
        replies = get(coach, "/review/cohort/replies", pattern="rhetorical", order="best")
        assert re.search(r'id="reply-count">2<', replies) and f"#turn-{first}" in replies
        # the second reply uses no technique at all
        assert coach.request("POST", path + "/corrections", form=[("csrf_token", token), ("event_id", second)])[0] == 302
        rows = table_rows(get(coach, "/review/cohort"))["孙丽"]
        assert rows[("rhetorical", "rate")] == "50.0%（1/2句）" and rows[("rhetorical", "quality")] == "100.0"
        assert f"#turn-{second}" not in get(coach, "/review/cohort/replies", pattern="rhetorical")
        # the trainee's own per-pattern trend counts the same corrections
        from test_web_progress import trainee
        _, _, mine = trainee(server, "孙丽").request("GET", "/progress")
        chart = re.search(r'<div class="chart-box" id="pattern-trend">(.*?)</div>', mine, re.S).group(1)
        points = [t.text for t in ET.fromstring(chart).iter(f"{SVG}title")]
        assert points == ["反问法: 100"], points  # as the cohort table: 反问法 quality 100.0, no 认同法
    finally:
        server.stop()
