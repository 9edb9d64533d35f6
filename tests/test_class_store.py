"""The classroom tables (web/class_store.py) on SQLite and on PostgreSQL (a private database created on the
local server at 127.0.0.1:5432, trust auth, dropped afterwards)."""
import time
import uuid

import pytest
import sqlalchemy as sa

from test_web_postgres import PG_DB, PG_HOST, PG_PORT, PG_USER, _pg_listening
from web.class_store import CODE_ALPHABET, CODE_LENGTH, ClassStore, NameTaken, normalise_code
from web.review_store import ReviewStore


@pytest.fixture(params=["sqlite", "postgresql"])
def classes(request, tmp_path):
    if request.param == "sqlite":
        review = ReviewStore(f"sqlite:///{tmp_path / 'review.db'}")
        yield ClassStore(review.engine)
        return
    if not _pg_listening():
        pytest.skip(f"no PostgreSQL server at {PG_HOST}:{PG_PORT}")
    name = "ssp_class_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{PG_DB}", isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f"CREATE DATABASE {name}"))
    review = ReviewStore(f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}")
    try:
        yield ClassStore(review.engine)
    finally:
        review.engine.dispose()
        with admin.connect() as c:
            c.execute(sa.text(f"DROP DATABASE {name}"))
        admin.dispose()


def test_join_codes_are_short_unique_and_free_of_look_alikes(classes):
    made = [classes.create_class(f"班{i}", "2026-11-30", 0, "trainer") for i in range(40)]
    codes = [k["join_code"] for k in made]
    assert len(set(codes)) == len(codes)
    for code in codes:
        assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
        assert not set(code) & set("0O1IL2Z5S8B")
    first = made[0]
    assert classes.class_by_code(first["join_code"].lower())["id"] == first["id"]
    assert classes.class_by_code(" " + first["join_code"][:3] + "-" + first["join_code"][3:])["id"] == first["id"]
    assert classes.class_by_code("AAAAAA") is None or "AAAAAA" in codes
    assert normalise_code("kx7 m-4q") == "KX7M4Q"


def test_members_are_bound_to_their_device_and_spread_over_groups(classes):
    klass = classes.create_class("销售一班", "2026-11-30", 2, "trainer")
    tokens = {name: uuid.uuid4().hex for name in ("张伟", "李娜", "王芳", "赵强")}
    joined = {name: classes.join(klass["id"], name, "", token) for name, token in tokens.items()}
    assert sorted(m.group_no for m in joined.values()) == [1, 1, 2, 2]
    assert classes.member_for_token(tokens["李娜"]).name == "李娜"
    assert classes.member_for_token("not-a-token") is None and classes.member_for_token(None) is None
    with pytest.raises(NameTaken):
        classes.join(klass["id"], "张伟", "", uuid.uuid4().hex)
    other = classes.join(klass["id"], "张伟", "1002", uuid.uuid4().hex)  # same name, told apart by number
    assert other.display == "张伟 1002"
    # the trainer renames, merges (two devices of one person) and removes
    classes.rename_member(joined["王芳"].id, "王芳芳", "")
    assert classes.member_for_token(tokens["王芳"]).name == "王芳芳"
    with pytest.raises(NameTaken):
        classes.rename_member(joined["王芳"].id, "李娜", "")
    a = classes.create_assignment(klass["id"], None, "needs_analysis", "rotate", "practice", 10)
    classes.record_attempt(a.id, other.id, "web-second-device", "social")
    classes.merge_members(other.id, joined["张伟"].id)
    assert classes.get_member(other.id) is None
    assert classes.attempts_of(a.id)[joined["张伟"].id]["conversation_id"] == "web-second-device"
    classes.remove_member(joined["赵强"].id)
    assert classes.member_for_token(tokens["赵强"]) is None
    assert [m.name for m in classes.members_of(klass["id"])] == ["张伟", "李娜", "王芳芳"]


def test_assignments_end_by_the_trainer_or_by_their_time_limit(classes):
    klass = classes.create_class("销售二班", "2026-11-30", 3, "trainer")
    whole = classes.create_assignment(klass["id"], None, "needs_analysis", "analytical", "exam", 0)
    group = classes.create_assignment(klass["id"], 2, "needs_analysis", "random", "practice", 5)
    member = classes.join(klass["id"], "张伟", "", uuid.uuid4().hex)  # the first member goes to group 1
    assert whole.for_member(member) and not group.for_member(member)
    assert not whole.ended() and not group.ended()
    assert group.ended(now=group.created_at + 5 * 60 + 1) and not whole.ended(now=time.time() + 86400)
    classes.end_assignment(whole.id)
    assert classes.get_assignment(whole.id).ended()
    assert not classes.get_assignment(whole.id).revealed
    classes.reveal(whole.id)
    assert classes.get_assignment(whole.id).revealed
    assert [a.id for a in classes.assignments_of(klass["id"])] == [whole.id, group.id]
    classes.record_attempt(whole.id, member.id, "web-a", "analytical")
    classes.record_attempt(whole.id, member.id, "web-b", "analytical")  # started again: the newest counts
    assert classes.attempts_of(whole.id)[member.id]["conversation_id"] == "web-b"
    assert classes.attempt_for_conversation("web-a")["assignment_id"] == whole.id


def test_join_failures_are_counted_per_address_within_the_window(classes):
    for _ in range(3):
        classes.record_join_failure("10.0.0.1", keep_seconds=3600)
    classes.record_join_failure("10.0.0.2", keep_seconds=3600)
    assert classes.join_failures_since("10.0.0.1", time.time() - 60) == 3
    assert classes.join_failures_since("10.0.0.2", time.time() - 60) == 1
    assert classes.join_failures_since("10.0.0.1", time.time() + 1) == 0


def test_pair_rooms_lines_ticks_and_rotation(classes):
    from web.pair_store import PairStore, agreement, role_of

    pairs = PairStore(classes.engine)
    klass = classes.create_class("分组班", "2026-11-30", 0, "trainer")
    ids = [classes.join(klass["id"], n, "", uuid.uuid4().hex).id for n in ("甲", "乙", "丙")]
    room_id = pairs.create_room(klass["id"], "needs", "ma_owner", ids)
    room = pairs.room_of_member(ids[2])
    assert room["id"] == room_id and [role_of(room, m) for m in ids] == ["consultant", "customer", "observer"]
    said = pairs.add_line(room_id, 0, "consultant", ids[0], "您说得对", {"techniques": ["agree"], "score": 70})
    pairs.add_line(room_id, 0, "customer", ids[1], "嗯", None)
    assert agreement(pairs.lines_of(room_id)) is None, "nothing ticked yet"
    pairs.tick(said, ids[2], ["agree", "praise"], "还行")
    pairs.tick(said, ids[2], ["agree"], "认同到位")  # a new tick replaces the earlier one
    rows = pairs.lines_of(room_id)
    assert rows[0]["ticked"] == ["agree"] and rows[0]["comment"] == "认同到位" and rows[1]["ticked"] is None
    assert agreement(rows) == 100.0
    pairs.rotate(room_id)
    room = pairs.get_room(room_id)
    assert [role_of(room, m) for m in ids] == ["customer", "observer", "consultant"]
    assert [r["id"] for r in pairs.rooms_of(klass["id"])] == [room_id]


# -- written exercises as class tasks ------------------------------------------------------------------
def test_written_tasks_keep_every_answer_and_the_latest_counts(classes):
    from web.class_store import WrittenStore

    written = WrittenStore(classes.engine)
    klass = classes.create_class("书面班", "2026-11-30", 2, "trainer")
    a = classes.join(klass["id"], "张伟", "", "tok-a")
    b = classes.join(klass["id"], "李娜", "", "tok-b")
    whole = written.create(klass["id"], None, "objections_agree")
    group = written.create(klass["id"], b.group_no, "usp_fbi")
    assert [t.id for t in written.of_class(klass["id"])] == [whole.id, group.id]
    assert whole.for_member(a) and whole.for_member(b)
    assert group.for_member(b) and not group.for_member(a)
    assert not whole.ended() and not whole.names_hidden

    written.add_answer(whole.id, a.id, "objections_agree", 0, "第一稿", {"score": 40, "passed": False})
    written.add_answer(whole.id, b.id, "objections_agree", 0, "李娜的回答", {"score": 80, "passed": True})
    written.add_answer(whole.id, a.id, "objections_agree", 0, "第二稿", {"score": 75, "passed": True})
    written.add_answer(whole.id, a.id, "objections_agree", 1, "第二题", {"score": 10, "passed": False})
    history = written.answers(whole.id, a.id, latest=False)
    assert [r["text"] for r in history] == ["第一稿", "第二稿", "第二题"]
    assert history[0]["grade"] == {"score": 40, "passed": False} and history[0]["exercise"] == "objections_agree"
    latest = written.answers(whole.id)
    assert [(r["member_id"], r["prompt_index"], r["text"]) for r in latest] == [
        (b.id, 0, "李娜的回答"),
        (a.id, 0, "第二稿"),
        (a.id, 1, "第二题"),
    ]
    assert written.answers(group.id) == []

    written.hide_names(whole.id, True)
    written.end(whole.id)
    first_end = written.get(whole.id).ended_at
    written.end(whole.id)  # ending twice keeps the first time
    again = written.get(whole.id)
    assert again.names_hidden and again.ended() and again.ended_at == first_end

    classes.merge_members(b.id, a.id)  # the merged member's answers follow
    assert {r["member_id"] for r in written.answers(whole.id, latest=False)} == {a.id}


def test_observer_probe_listening_and_step_ticks_last_wins(classes):
    from web.pair_store import ChecklistStore, PairStore, probe_agreement, step_agreement

    pairs, checks = PairStore(classes.engine), ChecklistStore(classes.engine)
    room = pairs.create_room("k1", "needs", "p1", ["m1", "m2", "m3"])
    other = pairs.create_room("k1", "needs", "p1", ["m4", "m5"])
    asked = pairs.add_line(room, 0, "consultant", "m1", "您对舒适的具体要求有哪些？", {"question": {"probe": "clarify"}})
    told = pairs.add_line(room, 0, "consultant", "m1", "这车很好。", {"question": {"probe": None}})
    elsewhere = pairs.add_line(other, 0, "consultant", "m4", "好的。", {"question": {}})
    checks.check_line(asked, "m3", "expand", 2)
    checks.check_line(asked, "m3", "clarify", 5)  # a new check replaces the earlier one
    checks.check_line(told, "m3", "", 1)
    checks.check_line(elsewhere, "m5", "repeat", None)
    found = checks.line_checks_of(room)
    assert found == {asked: {"probe": "clarify", "listening": 5}, told: {"probe": "", "listening": 1}}
    assert probe_agreement(pairs.lines_of(room), found) == 100.0
    checks.check_line(told, "m3", "summarise", 3)
    assert probe_agreement(pairs.lines_of(room), checks.line_checks_of(room)) == 50.0
    assert probe_agreement(pairs.lines_of(room), {}) is None

    checks.tick_step(room, 0, "background", "m3", True)
    checks.tick_step(room, 0, "tmd", "m3", True)
    checks.tick_step(room, 0, "tmd", "m3", False)
    checks.tick_step(room, 1, "tmd", "m1", True)
    assert checks.steps_of(room, 0) == {"background": True, "tmd": False}
    assert checks.steps_of(room, 1) == {"tmd": True}
    assert step_agreement({"background": True, "tmd": True, "x": False}, checks.steps_of(room, 0)) == 50.0
    assert step_agreement({"background": True}, {}) is None
