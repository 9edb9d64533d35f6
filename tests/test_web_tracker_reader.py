"""The review app's tracker reader against a real SQL tracker store written by Rasa's own
SQLTrackerStore (SQLite here; PostgreSQL in test_web_postgres.py)."""
import asyncio
import time
import uuid
from typing import Optional

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, Restarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from web.tracker_reader import TrackerReader

REPLY = "您说的很有道理，空间确实很重要。"
RADAR = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>'


def _assessment(score: float) -> dict:
    return {"techniques": ["agree"], "patterns": {"agree": {"parts_present": ["agreement_phrase"]}},
            "fbi": {"feature": True, "benefit": False, "impact": False, "order_ok": True, "feature_dump": False},
            "evidence": [{"label": "agree", "part": "agreement_phrase", "start": 0, "end": 7, "text": "您说的很有道理"}],
            "missing": [{"label": "agree", "part": "echo", "message": "先复述客户的话"}],
            "feedback": "做得好：用了认同法。", "score": score}


def roleplay_events(trainee: str, roleplay_id: str, reply: str = REPLY, overall: float = 72.0,
                    customer_type: str = "social", scenario: str = "needs", outcome: Optional[str] = "deal",
                    t0: Optional[float] = None):
    """The events the lead's actions produce for a short role-play (Contract 2 + 3)."""
    t = t0 or time.time()
    menu = [{"title": "社交型", "payload": '/choose{"customer_type":"social"}'}]
    events = [
        UserUttered(f'/start{{"trainee":"{trainee}"}}', intent={"name": "start"}, timestamp=t),
        BotUttered("【教练】欢迎。请选择客户类型：", data={"buttons": menu}, metadata={"role": "coach"}, timestamp=t + 1),
        SlotSet("trainee", trainee, timestamp=t + 1),
        UserUttered('/choose{"customer_type":"social"}', intent={"name": "choose"}, timestamp=t + 2),
        # Rasa stores an action's messages before the events it returns (as the real actions do)
        BotUttered("你好，我想看看车。", metadata={"role": "customer"}, timestamp=t + 3),
        SlotSet("roleplay_id", roleplay_id, timestamp=t + 3),
        SlotSet("customer_type", customer_type, timestamp=t + 3), SlotSet("scenario", scenario, timestamp=t + 3),
        SlotSet("mode", "practice", timestamp=t + 3), SlotSet("persona_id", "wang", timestamp=t + 3),
        SlotSet("trust", 40.0, timestamp=t + 3), SlotSet("summary", None, timestamp=t + 3),
        UserUttered(reply, intent={"name": "consultant_reply"}, timestamp=t + 5,
                    metadata={"trainee": trainee}),
        SlotSet("last_assessment", _assessment(66), timestamp=t + 6), SlotSet("trust", 55.0, timestamp=t + 6),
        BotUttered("嗯，主要是接送孩子。", metadata={"role": "customer"}, timestamp=t + 7),
        BotUttered("【教练】做得好：用了认同法。", metadata={"role": "coach"}, timestamp=t + 7),
        UserUttered("/end", intent={"name": "end"}, timestamp=t + 8),
    ]
    if outcome:
        summary = {"outcome": outcome, "scorecard": {"overall": overall, "patterns": {
            "agree": {"score": 80, "uses": 1}, "praise": {"score": 0, "uses": 0}},
            "improvements": [{"explanation": "多用赞美法", "example": "您真有眼光"}]}, "radar_svg": RADAR}
        events += [SlotSet("outcome", outcome, timestamp=t + 9), SlotSet("p_level", "P1", timestamp=t + 9),
                   SlotSet("summary", summary, timestamp=t + 9),
                   BotUttered("【教练】成绩单\n总分 72/100", data={"image": "data:image/svg+xml;base64,PHN2Zy8+"},
                              metadata={"role": "coach"}, timestamp=t + 9)]
    return events


def write_conversation(db_url_or_store, sender: str, events) -> None:
    store = db_url_or_store
    if isinstance(store, str):
        store = SQLTrackerStore(dialect="sqlite", db=store[len("sqlite:///"):])
    tracker = DialogueStateTracker.from_events(sender, events)
    asyncio.run(store.save(tracker))


def new_id() -> str:
    return uuid.uuid4().hex


def test_splits_conversations_into_roleplays_with_their_slots(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    first, second = new_id(), new_id()
    write_conversation(url, "conv-a", roleplay_events("张伟", first) + [Restarted()]
                       + roleplay_events("张伟", second, overall=50, outcome=None))
    write_conversation(url, "conv-b", roleplay_events("1001", new_id(), customer_type="dominant"))
    plays = {rp.roleplay_id: rp for rp in TrackerReader(url).list_roleplays()}
    assert len(plays) == 3
    done = plays[first]
    assert (done.trainee, done.customer_type, done.scenario, done.mode) == ("张伟", "social", "needs", "practice")
    assert done.finished and done.outcome == "deal" and done.p_level == "P1"
    assert done.overall == 72.0 and done.pattern_scores["agree"] == 80.0 and done.pattern_scores["commit"] is None
    assert done.trust == [40.0, 55.0] and done.turns == 1
    unfinished = plays[second]
    assert not unfinished.finished and unfinished.overall is None and unfinished.outcome == ""
    assert unfinished.summary == {}, "the earlier role-play's summary must not leak into the next one"


def test_transcript_attaches_assessments_and_trust_to_trainee_lines(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    rid = new_id()
    write_conversation(url, "conv-a", roleplay_events("张伟", rid))
    rp = TrackerReader(url).get_roleplay(rid)
    roles = [line.role for line in rp.lines]
    assert roles == ["customer", "trainee", "customer", "coach", "trainee", "scorecard"]
    reply = rp.lines[1]
    assert reply.text == REPLY and reply.assessment["score"] == 66 and reply.trust_after == 55.0
    assert rp.lines[3].text == "做得好：用了认同法。", "the coach marker is stripped for display"
    assert rp.lines[5].image.startswith("data:image/svg+xml")
    assert rp.radar_svg == RADAR
    assert TrackerReader(url).get_roleplay(new_id()) is None
    assert TrackerReader(url).get_roleplay("' OR 1=1 --") is None


def test_trust_is_carried_over_turns_that_did_not_change_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    rid = new_id()
    events = roleplay_events("王", rid, outcome=None) + [
        UserUttered("您好", intent={"name": "consultant_reply"}), SlotSet("last_assessment", _assessment(10)),
        UserUttered("请问您想看什么车？", intent={"name": "consultant_reply"}), SlotSet("last_assessment", _assessment(20)),
        SlotSet("trust", 35.0)]
    write_conversation(url, "trust", events)
    rp = TrackerReader(url).get_roleplay(rid)
    assert rp.turns == 3 and rp.trust == [40.0, 55.0, 55.0, 35.0]
    assert [line.trust_after for line in rp.lines if line.assessment] == [55.0, 55.0, 35.0]


def test_odd_slot_values_do_not_crash(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    rid = new_id()
    events = roleplay_events("李", rid, outcome=None) + [
        SlotSet("summary", {"scorecard": "not a dict", "radar_svg": 5}), SlotSet("trust", "high"),
        SlotSet("last_assessment", ["odd"]), SlotSet("trainee", 42)]
    write_conversation(url, "odd", events)
    rp = TrackerReader(url).get_roleplay(rid)
    assert rp.overall is None and rp.radar_svg == "" and rp.trainee == "" and rp.trust == [40.0, 55.0]
    assert all(v is None for v in rp.pattern_scores.values())


def test_missing_table_means_no_sessions(tmp_path):
    assert TrackerReader(f"sqlite:///{tmp_path / 'empty.db'}").list_roleplays() == []
