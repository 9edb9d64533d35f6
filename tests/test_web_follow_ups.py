"""A卡 on the web: the card beside the transcript (trainer and trainee), and follow-ups that are due,
overdue or locked flagged on the trainee's progress page and to the trainer. The real web app over a
SQLite tracker store written by Rasa's SQLTrackerStore."""
import datetime as dt
import re

import pytest
from rasa.shared.core.events import SlotSet

from ssp_coach.prospect_card import record
from test_web_app import Client, WebServer
from test_web_progress import trainee
from test_web_tracker_reader import new_id, roleplay_events, write_conversation
from web.follow_ups import follow_up_rows
from web.tracker_reader import TrackerReader

TODAY = dt.date.today()
LATE = TODAY - dt.timedelta(days=2)


def overdue_label(request):
    """The overdue label the page may show for the late card, with the page fetched by `request`: the suite
    can cross midnight between writing the cards and fetching the page (CI did), so the count is the one of
    the day the page was served on."""
    before = dt.date.today()
    result = request()
    after = dt.date.today()
    labels = {f"逾期{(day - LATE).days}天未跟踪" for day in (before, after)}
    return result, labels


def _card(roleplay_id, next_date, who="王芳"):
    summary = {"persona_id": "zhao_engineer", "persona_name": "赵工", "customer_type": "analytical",
               "scenario": "needs", "outcome": "prospect", "p_level": "P3", "trust": 45.0,
               "facts_discovered": [{"id": "budget", "label": "预算"}],
               "facts_record": [{"id": "budget", "status": "revealed"}]}
    values = {"card_contact": "赵工", "card_tmd": "落地16万以内", "card_rational_needs": "要大空间",
              "card_level": "P3", "card_level_reason": "还在比较", "card_next_date": next_date.isoformat(),
              "card_next_purpose": "发报价"}
    return record.build(values, summary, roleplay_id, ["我明天把报价发给您。"], TODAY, True, trainee=who)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("follow-ups")
    url = f"sqlite:///{tmp / 'tracker.db'}"
    ids = {k: new_id() for k in ("late", "locked", "soon", "done", "follow")}
    dates = {"late": LATE, "locked": TODAY - dt.timedelta(days=20),
             "soon": TODAY + dt.timedelta(days=3), "done": TODAY - dt.timedelta(days=1)}
    for key, date in dates.items():
        write_conversation(url, f"conv-{key}", roleplay_events("王芳", ids[key], outcome="prospect")
                           + [SlotSet("prospect_card", _card(ids[key], date))])
    # a follow-up call for the "done" card, in its own conversation
    write_conversation(url, "conv-follow", roleplay_events("王芳", ids["follow"], scenario="card_follow_up")
                       + [SlotSet("memory", {"follow_up": {"of": ids["done"]}})])
    server = WebServer(tmp)
    login = re.search(r"trainer login: (\S+) / (\S+)", server.accounts("ensure-default"))
    server.start()
    yield server, url, ids, login
    server.stop()


def test_follow_up_rows_flag_overdue_and_locked_cards(site):
    _, url, ids, _ = site
    rows = follow_up_rows(TrackerReader(url).list_roleplays(), url)
    status = {r["rp"].roleplay_id: r["status"] for r in rows}
    assert status == {ids["locked"]: "locked", ids["late"]: "overdue", ids["soon"]: "scheduled", ids["done"]: "done"}
    assert [r["rp"].roleplay_id for r in rows][:2] == [ids["locked"], ids["late"]]   # most urgent first
    assert {r["rp"].roleplay_id for r in rows if r["flagged"]} == {ids["locked"], ids["late"]}


def test_progress_page_flags_the_trainees_overdue_follow_ups(site):
    server, _, _, _ = site
    (_, _, page), overdue = overdue_label(lambda: trainee(server, "王芳").request("GET", "/progress"))
    assert "A卡跟踪" in page and any(label in page for label in overdue)
    assert "意向已锁定" in page and "已跟踪" in page
    assert "zhao_engineer" not in page
    _, _, other = trainee(server, "李娜").request("GET", "/progress")
    assert "逾期" not in other


def test_trainer_sees_flagged_follow_ups_and_the_card_beside_the_transcript(site):
    server, _, ids, login = site
    coach = Client(server.url)
    coach.login(login.group(1), login.group(2))
    (_, _, listing), overdue = overdue_label(lambda: coach.request("GET", "/review"))
    assert "A卡跟踪提醒" in listing and any(label in listing for label in overdue) and "意向已锁定" in listing
    _, _, page = coach.request("GET", f"/review/sessions/{ids['late']}")
    assert "A卡（购车意向记录表）" in page and "对话记录" in page
    assert "记录了但客户没说过" in page and "记录正确" in page and "落地控制在16万以内" in page
