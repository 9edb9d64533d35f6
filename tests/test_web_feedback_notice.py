"""新反馈 for trainees: trainer comments, comment edits and score overrides on a trainee's role-plays show a
badge on the chat's 我的进度 link and mark the role-play on 我的进度 until the trainee has opened it; and the
per-pattern trend on 我的进度. The real web app over a SQLite tracker store written by Rasa."""
import re
import time
import xml.etree.ElementTree as ET

import pytest

from test_web_app import Client, WebServer
from test_web_progress import trainee
from test_web_tracker_reader import new_id, roleplay_events, write_conversation

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("feedback")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    ids = {"one": new_id(), "two": new_id(), "other": new_id()}
    write_conversation(url, "fb-1", roleplay_events("吴昊", ids["one"], t0=time.time() - 7200))
    write_conversation(url, "fb-2", roleplay_events("吴昊", ids["two"], overall=50, t0=time.time() - 3600))
    write_conversation(url, "fb-3", roleplay_events("吴昊天", ids["other"]))
    server = WebServer(tmp)
    user, password = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default")).groups()
    server.start()
    coach = Client(server.url)
    coach.login(user, password)
    yield server, coach, ids
    server.stop()


def badge(client: Client) -> bool:
    _, _, page = client.request("GET", "/")
    assert 'id="my-progress"' in page
    return 'id="feedback-badge"' in page


def marked(client: Client):
    _, _, page = client.request("GET", "/progress")
    return set(re.findall(r'href="/progress/([0-9a-f]{32})">\s*<span class="my-rp-title">[^<]*<span class="badge new-feedback">新反馈',
                          page))


def test_new_feedback_badge_appears_for_the_right_trainee_and_clears_when_seen(site):
    server, coach, ids = site
    wu, other = trainee(server, "吴昊"), trainee(server, "吴昊天")
    assert not badge(wu) and not badge(other)
    path = f"/review/sessions/{ids['one']}"
    _, _, page = coach.request("GET", path)
    event_id = re.search(r'name="event_id" value="(\d+)"', page).group(1)
    token = coach.csrf_from(path)
    assert coach.request("POST", path + "/comments",
                         form={"csrf_token": token, "event_id": event_id, "text": "开场不错"})[0] == 302
    assert badge(wu) and not badge(other), "names match exactly: 吴昊 is not 吴昊天"
    assert marked(wu) == {ids["one"]}, "the visit lists which role-play has the feedback"
    assert not badge(wu) and marked(wu) == set(), "opening 我的进度 clears it"
    time.sleep(0.05)
    assert coach.request("POST", f"/review/sessions/{ids['two']}/override",
                         form={"csrf_token": token, "score": "70", "reason": "复核"})[0] == 302
    assert badge(wu) and marked(wu) == {ids["two"]}
    _, _, page = coach.request("GET", path)
    comment = re.search(r'<div class="comment" id="comment-(\d+)"', page).group(1)
    time.sleep(0.05)
    assert coach.request("POST", f"{path}/comments/{comment}/edit",
                         form={"csrf_token": token, "text": "开场很好，继续保持"})[0] == 302
    assert badge(wu) and marked(wu) == {ids["one"]}, "an edited comment is new feedback too"
    assert not badge(other)
    assert not badge(wu), "seen"
    time.sleep(0.05)
    assert coach.request("POST", f"{path}/comments/{comment}/delete", form={"csrf_token": token})[0] == 302
    assert not badge(wu) and marked(wu) == set(), "a deleted comment is nothing new to read"


def test_progress_shows_a_trend_per_pattern_without_zeros_for_unused(site):
    server, _, _ = site
    _, _, page = trainee(server, "吴昊").request("GET", "/progress")
    svg = ET.fromstring(re.search(r'<div class="chart-box" id="pattern-trend">(.*?)</div>', page, re.S).group(1))
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    for name in ("认同法", "赞美法", "反问法", "承诺法"):
        assert name in texts, name
    points = [t.text for t in svg.iter(f"{SVG}title")]
    assert points == ["认同法: 100", "认同法: 100"], "one point per role-play that used 认同法, none for unused ones"
    assert len(svg.findall(f"{SVG}polyline")) == 1


def test_p_levels_are_explained_in_place_from_the_content(site):
    import html
    import json

    from ssp_coach.roleplay.catalog import load_catalog
    server, coach, ids = site
    level = next(lv for lv in load_catalog().prospect_levels if lv["id"] == "P1")
    wanted = f"P1 {level['label']}：{level['description']}"
    client = trainee(server, "吴昊")
    _, _, mine = client.request("GET", f"/progress/{ids['one']}")
    _, _, theirs = coach.request("GET", f"/review/sessions/{ids['one']}")
    for page in (mine, theirs):
        assert f'<span class="level-explain">{wanted}</span>' in page
    _, _, chat = client.request("GET", "/")
    explain = json.loads(html.unescape(re.search(r'<meta name="explain" content="([^"]*)">', chat).group(1)))
    assert explain["p_levels"]["P1"] == wanted and "购车时间" in explain["tmd"] and "预算" in explain["tmd"]
