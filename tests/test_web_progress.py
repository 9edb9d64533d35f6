"""My progress (/progress): a trainee's own role-plays, trend, read-only transcripts with the trainer's
comments and overrides. The real web app over a SQLite tracker store written by Rasa's SQLTrackerStore."""
import re
import time
import urllib.parse

import pytest

from test_web_app import SCRIPT, Client, WebServer, _visible_text
from test_web_tracker_reader import new_id, roleplay_events, write_conversation

DAY = 86400


def trainee(server: WebServer, name: str) -> Client:
    """A browser whose signed trainee cookie names `name` (as the chat's name dialog does)."""
    client = Client(server.url)
    token = client.csrf_from("/")
    status, _, _ = client.request("POST", "/api/identify", json_body={"trainee": name}, headers={"X-CSRF-Token": token})
    assert status == 200
    return client


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("progress")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    ids = {"old": new_id(), "new": new_id(), "open": new_id(), "lina": new_id(), "zhang": new_id()}
    now = time.time()
    write_conversation(url, "web-a", roleplay_events("张伟", ids["old"], overall=55, t0=now - 5 * DAY))
    write_conversation(url, "web-b", roleplay_events("张伟", ids["new"], overall=81, customer_type="dominant",
                                                     scenario="negotiation", outcome="lost", t0=now - 1 * DAY))
    write_conversation(url, "web-c", roleplay_events("张伟", ids["open"], outcome=None, t0=now - 3 * DAY))
    write_conversation(url, "web-d", roleplay_events("李娜", ids["lina"], overall=90, reply="李娜的秘密回答",
                                                     t0=now - 2 * DAY))
    write_conversation(url, "web-e", roleplay_events("张", ids["zhang"], overall=30, t0=now - 2 * DAY))
    server = WebServer(tmp)
    login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
    server.start()
    # The trainer comments on a reply of 张伟's older role-play and overrides its score.
    coach = Client(server.url)
    coach.login(login.group(1), login.group(2))
    path = f"/review/sessions/{ids['old']}"
    _, _, page = coach.request("GET", path)
    event_id = re.search(r'name="event_id" value="(\d+)"', page).group(1)
    token = coach.csrf_from(path)
    assert coach.request("POST", path + "/comments",
                         form={"csrf_token": token, "event_id": event_id, "text": "先复述客户原话" + SCRIPT})[0] == 302
    assert coach.request("POST", path + "/override",
                         form={"csrf_token": token, "score": "62.5", "reason": "客户本就犹豫，结果可接受"})[0] == 302
    yield server, ids
    server.stop()


def test_progress_needs_the_trainee_cookie(site):
    server, ids = site
    anonymous = Client(server.url)
    for path in ("/progress", f"/progress/{ids['old']}"):
        status, headers, _ = anonymous.request("GET", path)
        assert status == 302 and headers["location"] == "/", path
    named_nobody = Client(server.url)
    named_nobody.csrf_from("/")  # a cookie, but no name given yet
    assert named_nobody.request("GET", "/progress")[0] == 302
    forged = Client(server.url)
    forged.jar.set_cookie(__import__("http.cookiejar").cookiejar.Cookie(
        0, "ssp_trainee", "eyJjc3JmIjoiYSIsIndobyI6Ilx1NWYyMFx1NGYxZiJ9.00", None, False, "127.0.0.1", False, False,
        "/", True, False, None, False, None, None, {}))
    assert forged.request("GET", "/progress")[0] == 302, "an unsigned cookie naming 张伟 is not 张伟"


def test_a_trainee_never_sees_another_trainees_roleplays(site):
    server, ids = site
    zhang_wei = trainee(server, "张伟")
    _, _, page = zhang_wei.request("GET", "/progress")
    assert ids["lina"] not in page and ids["zhang"] not in page
    for other in ("lina", "zhang"):
        status, _, body = zhang_wei.request("GET", f"/progress/{ids[other]}")
        assert status == 404 and "李娜的秘密回答" not in body, other
    assert zhang_wei.request("GET", f"/progress/{new_id()}")[0] == 404
    assert zhang_wei.request("GET", "/progress/..%2Fetc")[0] == 404
    lina = trainee(server, "李娜")
    _, _, page = lina.request("GET", "/progress")
    assert ids["lina"] in page and all(ids[k] not in page for k in ("old", "new", "open", "zhang"))
    for mine in ("old", "new", "open"):
        assert lina.request("GET", f"/progress/{ids[mine]}")[0] == 404
    # "张" is a different trainee from "张伟": names match exactly, not by prefix
    _, _, page = trainee(server, "张").request("GET", "/progress")
    assert ids["zhang"] in page and ids["old"] not in page and ids["new"] not in page


def test_progress_lists_own_roleplays_newest_first_in_chinese_with_trend_and_again_links(site):
    server, ids = site
    client = trainee(server, "张伟")
    status, headers, page = client.request("GET", "/progress")
    assert status == 200 and headers["cache-control"] == "no-store"
    assert 'name="viewport" content="width=device-width' in page
    order = [m.group(1) for m in re.finditer(r'href="/progress/([0-9a-f]{32})"', page)]
    assert order == [ids["new"], ids["open"], ids["old"]], "newest first"
    text = _visible_text(page)
    for code in ("negotiation", "dominant", "needs", "social", "practice", "deal", "lost", *ids.values()):
        assert not re.search(rf"\b{code}\b", text), code
    assert "议价" in text or "异议" in text  # the negotiation scenario's Chinese title
    assert "支配型" in text and "社交型" in text and "练习" in text and "未结束" in text
    assert '<b class="overall">81.0</b>' in page, "automatic score"
    assert '<b class="overall">62.5</b>' in page and "培训师已调整" in page, "the override replaces the score"
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", text), "date"
    trend = re.search(r'<div class="chart-box" id="trend">(.*?)</div>', page, re.S).group(1)
    assert "每次练习总分" in trend and "<polyline" in trend and "<script" not in trend
    assert "62.5</title>" in trend and "81</title>" in trend, "overall (override where set) per finished role-play"
    again = "/?" + urllib.parse.urlencode({"customer_type": "dominant", "scenario": "negotiation", "mode": "practice"})
    assert f'href="{again.replace("&", "&amp;")}"' in page and "再练一次" in page
    _, _, chat = client.request("GET", "/")
    assert 'href="/progress"' in chat and "我的进度" in chat


def test_own_transcript_shows_annotations_comments_and_override_read_only(site):
    server, ids = site
    client = trainee(server, "张伟")
    status, headers, page = client.request("GET", f"/progress/{ids['old']}")
    assert status == 200 and headers["cache-control"] == "no-store"
    assert re.search(r'<mark class="ev ev-agree"[^>]*>您说的很有道理</mark>', page)
    assert "认同法" in page and "先复述客户的话" in page and "客户信任度变化" in page and "成绩单" in page
    assert "先复述客户原话&lt;script&gt;" in page and SCRIPT not in page, "the trainer's comment, escaped"
    assert '<b id="auto-score">55.0</b>' in page and '<b id="override-score">62.5</b>' in page
    assert "客户本就犹豫，结果可接受" in page
    for trainer_only in ("添加评语", "<form", "csrf_token", "/review/", "保存调整", "更正话术", "导出"):
        assert trainer_only not in page, trainer_only
    text = _visible_text(page)
    for code in ("needs", "social", "practice", "wang", "/choose", "/end", "/start", ids["old"]):
        assert code not in text, code
    assert "再练一次" in page and 'href="/?customer_type=social&amp;scenario=needs&amp;mode=practice"' in page
    status, _, unfinished = client.request("GET", f"/progress/{ids['open']}")
    assert status == 200 and "未结束" in unfinished and "还没有成绩单" in unfinished


def test_a_trainee_without_roleplays_gets_an_empty_page(site):
    server, _ = site
    status, _, page = trainee(server, "新学员").request("GET", "/progress")
    assert status == 200 and "还没有练习记录" in page and 'id="trend"' not in page
