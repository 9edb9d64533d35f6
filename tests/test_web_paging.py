"""Paging on the long lists: the trainer's session list (50 a page, filters and sort kept) and the
trainee's own progress list (20 a page). The real web app over a SQLite tracker store written by Rasa."""
import asyncio
import html
import re
import time

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from test_web_app import Client, WebServer
from test_web_progress import trainee
from test_web_tracker_reader import new_id, roleplay_events
from web.paging import page_of

COUNT = 55


def test_page_of_clamps_bad_and_out_of_range_numbers():
    items = list(range(55))
    assert page_of(items, "2", 50).items == list(range(50, 55))
    assert page_of(items, "9", 50).number == 2 and page_of(items, "-3", 50).number == 1
    assert page_of(items, "abc", 50).number == 1 and page_of(items, None, 50).first_index == 1
    empty = page_of([], "3", 50)
    assert (empty.number, empty.pages, empty.first_index, empty.items) == (1, 1, 0, [])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("paging")
    store = SQLTrackerStore(dialect="sqlite", db=str(tmp / "tracker.db"))
    now = time.time()

    async def write():
        for k in range(COUNT):
            events = roleplay_events("刘洋", new_id(), overall=10 + k, t0=now - (COUNT - k) * 3600)
            await store.save(DialogueStateTracker.from_events(f"page-{k}", events))
    asyncio.run(write())
    server = WebServer(tmp)
    user, password = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default")).groups()
    server.start()
    coach = Client(server.url)
    coach.login(user, password)
    yield server, coach
    server.stop()


def scores(page: str):
    return [float(x) for x in re.findall(r'<span class="auto" title="自动评分">([\d.]+)</span>', page)]


def test_session_list_pages_keep_filters_and_sort(site):
    _, coach = site
    status, _, first = coach.request("GET", "/review?sort=score&order=asc&min_score=12")
    assert status == 200 and re.search(r'id="row-count">53<', first) and "第 1 / 2 页" in first
    assert scores(first) == [float(x) for x in range(12, 62)], "50 a page, in the chosen order"
    following = html.unescape(re.search(r'href="\?([^"]+)" rel="next"', first).group(1))
    assert "min_score=12" in following and "sort=score" in following and "page=2" in following
    _, _, second = coach.request("GET", "/review?" + following)
    assert scores(second) == [62.0, 63.0, 64.0] and 'rel="next"' not in second and 'rel="prev"' in second
    _, _, beyond = coach.request("GET", "/review?sort=score&order=asc&min_score=12&page=40")
    assert scores(beyond) == [62.0, 63.0, 64.0], "a page past the end shows the last one"


def test_progress_list_pages(site):
    server, _ = site
    client = trainee(server, "刘洋")
    _, _, first = client.request("GET", "/progress")
    assert "我的练习记录（55）" in first and len(re.findall(r'<li class="my-rp">', first)) == 20
    assert "第 1 / 3 页" in first and '<div class="chart-box" id="trend">' in first
    _, _, last = client.request("GET", "/progress?page=3")
    assert len(re.findall(r'<li class="my-rp">', last)) == 15 and 'rel="prev"' in last
