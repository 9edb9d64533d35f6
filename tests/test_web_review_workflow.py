"""Review workflow: reviewed / flagged status and tags per role-play (history kept), comment edit and delete
with history, text search in transcripts. Store tests on SQLite and PostgreSQL; web tests over the real app."""
import re
import time
import urllib.parse

import pytest

from test_web_app import Client, WebServer
from test_web_postgres import PG_DB, PG_HOST, PG_PORT, PG_USER, _pg_listening
from test_web_progress import trainee
from test_web_tracker_reader import new_id, roleplay_events, write_conversation
from web.review_store import ReviewStore
from web.review_workflow import parse_tags


def _store_cases(store: ReviewStore):
    rid = new_id()
    assert store.marks_history(rid) == [] and rid not in store.latest_marks()
    store.set_marks(rid, "王老师", reviewed=True, flagged=False, tags=["开场", "反问法"])
    store.set_marks(rid, "李老师", reviewed=True, flagged=True, tags=["反问法"])
    history = store.marks_history(rid)
    assert [(h["trainer"], h["flagged"], h["tags"]) for h in history] == [
        ("李老师", True, ["反问法"]), ("王老师", False, ["开场", "反问法"])]
    assert store.latest_marks()[rid]["tags"] == ["反问法"] and store.latest_marks()[rid]["reviewed"] is True

    store.add_comment(rid, 7, "王老师", "先复述")
    store.add_comment(rid, 7, "王老师", "第二条")
    first, second = store.comments_for(rid)[7]
    assert store.edit_comment(first["id"], "李老师", "先复述客户原话")
    assert store.edit_comment(first["id"], "王老师", "先复述客户的原话")
    assert store.delete_comment(second["id"], "李老师")
    assert not store.delete_comment(second["id"], "李老师") and not store.edit_comment(second["id"], "x", "y")
    assert not store.edit_comment(10 ** 9, "x", "y")
    live = store.live_comments_for(rid)[7]
    assert [c["text"] for c in live] == ["先复述客户的原话"], "the deleted comment is not shown"
    edits = live[0]["history"]
    assert [(e["trainer"], e["previous_text"]) for e in edits] == [("王老师", "先复述客户原话"), ("李老师", "先复述")]
    assert live[0]["edited_by"] == "王老师" and live[0]["edited_at"] >= edits[1]["created_at"]


def test_status_tags_and_comment_history_on_sqlite(tmp_path):
    _store_cases(ReviewStore(f"sqlite:///{tmp_path / 'review.db'}"))


@pytest.mark.skipif(not _pg_listening(), reason="no PostgreSQL server")
def test_status_tags_and_comment_history_on_postgresql():
    _store_cases(ReviewStore(f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DB}"))


def test_tags_are_split_deduplicated_and_bounded():
    assert parse_tags("开场，反问法 开场、 跟进;") == (["开场", "反问法", "跟进"], "")
    assert parse_tags("") == ([], "")
    assert parse_tags(" ".join(f"t{i}" for i in range(11)))[0] is None
    assert parse_tags("超" * 21) == (None, "每个标签最多 20 个字")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workflow")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    ids = {"a": new_id(), "b": new_id()}
    write_conversation(url, "wf-a", roleplay_events("周敏", ids["a"], reply="这款SUV的Turbo发动机很省油",
                                                    t0=time.time() - 3600))
    write_conversation(url, "wf-b", roleplay_events("周敏", ids["b"], t0=time.time() - 7200))
    server = WebServer(tmp)
    user, password = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default")).groups()
    server.start()
    coach = Client(server.url)
    coach.login(user, password)
    yield server, coach, ids
    server.stop()


def listed(coach: Client, query: str):
    _, _, page = coach.request("GET", "/review?" + urllib.parse.quote(query, safe="=&%"))
    return set(re.findall(r'href="/review/sessions/([0-9a-f]{32})"', page))


def test_status_and_tags_are_saved_shown_and_filterable(site):
    _, coach, ids = site
    path = f"/review/sessions/{ids['a']}"
    token = coach.csrf_from(path)
    assert coach.request("POST", path + "/marks", form={"reviewed": "1", "tags": "开场 反问法"})[0] == 403
    assert coach.request("POST", path + "/marks", form={"csrf_token": token, "reviewed": "1", "flagged": "1",
                                                        "tags": "开场，反问法"})[0] == 302
    status, _, body = coach.request("POST", path + "/marks", form={"csrf_token": token, "tags": "超" * 30})
    assert status == 400 and "每个标签最多 20 个字" in body
    _, _, page = coach.request("GET", path)
    assert '<span class="pill reviewed">已复核</span>' in page and '<span class="pill flagged">需关注</span>' in page
    assert '<span class="tag">开场</span>' in page and '<span class="tag">反问法</span>' in page, "the bad save changed nothing"
    assert listed(coach, "status=reviewed") == {ids["a"]} and listed(coach, "status=unreviewed") == {ids["b"]}
    assert listed(coach, "status=flagged") == {ids["a"]} and listed(coach, "tag=反问法") == {ids["a"]}
    assert listed(coach, "tag=没有") == set() and listed(coach, "status=bogus") == set(ids.values())
    assert coach.request("POST", f"/review/sessions/{new_id()}/marks", form={"csrf_token": token})[0] == 404
    # un-flag: the new record is in force, the old one stays in the history
    assert coach.request("POST", path + "/marks", form={"csrf_token": token, "reviewed": "1", "tags": ""})[0] == 302
    assert listed(coach, "status=flagged") == set()
    _, _, page = coach.request("GET", path)
    assert "状态历史（2）" in page


def test_comments_can_be_edited_and_deleted_with_history_and_the_trainee_sees_the_result(site):
    server, coach, ids = site
    path = f"/review/sessions/{ids['b']}"
    _, _, page = coach.request("GET", path)
    event_id = re.search(r'name="event_id" value="(\d+)"', page).group(1)
    token = coach.csrf_from(path)
    for text in ("语速太快", "要先认同"):
        assert coach.request("POST", path + "/comments",
                             form={"csrf_token": token, "event_id": event_id, "text": text})[0] == 302
    _, _, page = coach.request("GET", path)
    first, second = re.findall(r'<div class="comment" id="comment-(\d+)"', page)
    assert coach.request("POST", f"{path}/comments/{first}/edit", form={"text": "x"})[0] == 403
    status, _, body = coach.request("POST", f"{path}/comments/{first}/edit", form={"csrf_token": token, "text": " "})
    assert status == 400 and "原评语未改动" in body
    assert coach.request("POST", f"{path}/comments/{first}/edit",
                         form={"csrf_token": token, "text": "语速可以放慢一些"})[0] == 302
    assert coach.request("POST", f"{path}/comments/{second}/delete", form={"csrf_token": token})[0] == 302
    assert coach.request("POST", f"{path}/comments/{second}/delete", form={"csrf_token": token})[0] == 404
    # a comment id of another role-play cannot be changed through this one
    assert coach.request("POST", f"/review/sessions/{ids['a']}/comments/{first}/edit",
                         form={"csrf_token": token, "text": "hack"})[0] == 404
    _, _, page = coach.request("GET", path)
    assert "语速可以放慢一些" in page and "要先认同" not in page
    assert "修改记录（1）" in page and "原文：语速太快" in page and re.search(r"（\S+ 于 \d{4}-\d\d-\d\d \d\d:\d\d 修改）", page)
    _, _, mine = trainee(server, "周敏").request("GET", f"/progress/{ids['b']}")
    assert "语速可以放慢一些" in mine and "要先认同" not in mine and "语速太快" not in mine


def test_search_finds_text_in_transcripts_case_insensitively(site):
    _, coach, ids = site
    assert listed(coach, "q=Turbo") == {ids["a"]} and listed(coach, "q=turbo发动机") == {ids["a"]}
    assert listed(coach, "q=接送孩子") == set(ids.values()), "a customer line"
    assert listed(coach, "q=不存在的话") == set() and listed(coach, "q=%25") == set()
    assert listed(coach, "q=choose") == set(), "commands are not searched"
    _, _, page = coach.request("GET", "/review?q=Turbo")
    assert 'value="Turbo"' in page and re.search(r'id="row-count">1<', page)
