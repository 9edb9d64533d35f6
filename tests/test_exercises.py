"""The course's written group exercises (ssp_coach/exercises): content validation, grading one answer with
the one reading and the scorer, and picking the best answers for a board. Every answer here is our own."""
import copy
import shutil
from pathlib import Path

import pytest
import yaml

from ssp_coach.content import ContentError
from ssp_coach.exercises import ExerciseError, best_answers, describe, grade, grade_answer, load_exercises
from ssp_coach.exercises.catalog import load_exercise_file, parse_exercises
from ssp_coach.scoring import score_reply

CONTENT = Path(__file__).resolve().parent.parent / "content"


def raw_content():
    return yaml.safe_load((CONTENT / "exercises.yml").read_text(encoding="utf-8"))


def evidence_texts(g, label):
    return [e["text"] for r in g.requirements if r.label == label for e in r.evidence]


# ---- content -------------------------------------------------------------------------------------------

def test_shipped_exercises_cover_the_course_group_tasks():
    book = load_exercises()
    kinds = {r.kind for ex in book.exercises.values() for r in ex.requires}
    techniques = {r.technique for ex in book.exercises.values() for r in ex.requires if r.technique}
    assert {"objections_agree", "usp_fbi", "moments_of_truth"} <= set(book.exercises)
    assert kinds == {"technique", "fbi", "question_kind", "concepts"}
    assert {"agree", "praise", "guide", "commit"} <= techniques
    assert len(book.exercises["objections_agree"].prompts) == 3
    for ex in book.exercises.values():
        assert ex.title and ex.instructions and ex.prompts and ex.requires


def test_describe_shows_a_trainee_the_task_in_chinese_without_ids():
    book = load_exercises()
    fbi = describe(book.exercises["usp_fbi"])
    assert fbi["title"] == "用FBI介绍车型的独特卖点" and fbi["required"] == ["FBI（配备+利益+冲击）"]
    assert fbi["prompts"][1].startswith("启航E3") and "客户：“电动车的电池" in fbi["prompts"][1]
    assert describe(book.exercises["needs_guide"])["required"] == ["引导法", "开放式提问"]
    assert describe(book.exercises["moments_of_truth"])["required"] == ["至少写出4个真实一刻", "至少写出2个超越期望的做法"]
    for ex in book.exercises.values():
        assert ex.id not in str(describe(ex))


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["exercises"][0].pop("title"), r"exercises\[0\]\(objections_agree\): missing required field 'title'"),
        (lambda d: d["exercises"][0]["requires"][0].update(technique="charm"),
         r"objections_agree\)\.requires\[0\]\.technique: 'charm' is not one of"),
        (lambda d: d["exercises"][0]["requires"][0].update(min_quality=2),
         r"requires\[0\]\.min_quality: 2 is out of range"),
        (lambda d: d["exercises"][1]["requires"].append({"fbi": ["feature", "wow"]}),
         r"usp_fbi\)\.requires\[1\]\.fbi: 'wow' is not one of"),
        (lambda d: d["exercises"][0]["prompts"].append({}), r"prompts\[3\]: give 'customer'"),
        (lambda d: d["exercises"][0]["prompts"].append({"customr": "太贵"}), r"prompts\[3\]: unknown field\(s\) \['customr'\]"),
        (lambda d: d["exercises"][0].update(stage="lunch"), r"objections_agree\)\.stage: 'lunch' is not one of"),
        (lambda d: d["exercises"][0]["passing"].update(min_score=150), r"passing\.min_score: 150 is out of range"),
        (lambda d: d["exercises"][0]["requires"].append({"technique": "agree", "fbi": ["feature"]}),
         r"requires\[1\]: give exactly one of"),
        (lambda d: d["exercises"].append(copy.deepcopy(d["exercises"][0])), r"duplicate exercise id 'objections_agree'"),
        (lambda d: d["exercises"][-1]["requires"][0]["concepts"]["items"][0].update(cues=["(未闭合"]),
         r"concepts\.items\[0\]\.cues\[0\]: invalid cue"),
        (lambda d: d["exercises"][-1]["requires"][0]["concepts"].update(min=99), r"concepts\.min: 99 is out of range"),
        (lambda d: d["messages"].pop("strike"), r"messages: missing required field 'strike'"),
    ],
)
def test_content_errors_name_the_file_and_the_field(mutate, expected):
    data = raw_content()
    mutate(data)
    with pytest.raises(ContentError, match=expected) as error:
        parse_exercises(data, "exercises.yml")
    assert str(error.value).startswith("exercises.yml: ")


def test_a_broken_exercises_file_is_refused_on_load(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    (content / "exercises.yml").write_text("messages: {}\nexercises: []\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"content/exercises\.yml\.exercises: must not be empty"):
        load_exercises(content)


def test_a_single_exercise_file_uses_the_same_schema(tmp_path):
    path = tmp_path / "my_exercise.yml"
    path.write_text(
        "id: praise_drive\ntitle: 试驾后赞美客户\ninstructions: 客户刚试驾回来，用赞美法称赞他的驾驶。\n"
        "stage: test_drive\nprompts:\n  - customer: 这车我开着还挺顺手的。\nrequires:\n  - technique: praise\n"
        "passing: {min_score: 50}\n",
        encoding="utf-8",
    )
    exercise = load_exercise_file(path)
    assert exercise.id == "praise_drive" and exercise.stage == "test_drive" and exercise.min_score == 50
    g = grade(exercise, 0, "您刚才起步和过弯都特别平顺，真不简单，一看就是开了很多年车的老司机。")
    assert g.passed and "赞美法" in g.feedback
    path.write_text("id: x\ntitle: t\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"my_exercise\.yml\(x\): missing required field 'instructions'"):
        load_exercise_file(path)


# ---- grading -------------------------------------------------------------------------------------------

def test_agree_answer_passes_with_the_three_parts_as_evidence():
    answer = "您觉得价格有点高，我理解，谁都希望买得划算；其实这个价里已经含了三年的免费保养，平摊下来每个月花得并不多。"
    g = grade_answer("objections_agree", 0, answer)
    assert g.passed and g.score >= 90
    found = g.found[0]
    assert found.label == "认同法" and found.met
    parts = {e["part"] for e in found.evidence}
    assert {"agreement_phrase", "positive_explanation"} <= parts
    for e in found.evidence:  # offsets point into the answer as written
        assert answer[e["start"]:e["end"]] == e["text"]
    assert "我理解" in evidence_texts(g, "认同法")
    assert g.feedback.startswith("做得好：用了认同法") and g.feedback.count("\n") <= 1


def test_grade_uses_the_scorers_judgement_of_the_same_reply():
    answer = "您说隔壁便宜一万多，这个情况我理解，价格确实要比；不过我们这台多了全景影像和座椅通风，同样的钱配置更全。"
    g = grade_answer("objections_agree", 2, answer)
    assessment = score_reply(answer, "隔壁店同级别的车比你们便宜一万多。", "negotiation")
    assert g.techniques == assessment["techniques"] and "agree" in g.techniques
    assert evidence_texts(g, "认同法") == [e["text"] for e in assessment["evidence"] if e["label"] == "agree"]


def test_agree_without_its_explanation_scores_lower_and_says_what_is_missing():
    full = grade_answer("objections_agree", 1, "您想回去再琢磨一下，那没关系，买车确实是件大事；其实我们这周的优惠到周日截止，我先帮您把报价单打印出来。")
    partial = grade_answer("objections_agree", 1, "您要回去再考虑，那没关系。")
    assert partial.score < full.score or not partial.found
    assert any("正面的解释" in m or "认同" in m for m in partial.missing)


def test_wrong_technique_fails_and_names_both_techniques():
    g = grade_answer("objections_agree", 2, "您拿隔壁的车来比，说明您做足了功课，真有眼光。")
    assert not g.passed and g.score == 0 and "praise" in g.techniques
    assert "赞美法" in g.feedback and "认同法" in g.feedback and g.feedback.startswith("还可以更好")


def test_a_reply_that_hurts_the_customer_fails_with_a_warning():
    g = grade_answer("objections_agree", 0, "嫌贵就别买，我们这价已经到底了。")
    assert not g.passed and g.score < 50
    assert g.feedback.startswith("注意：") and "信任" in g.feedback


def test_fbi_answer_needs_all_three_parts():
    full = grade_answer(
        "usp_fbi", 0,
        "启航S5的轴距有2710毫米，后排腿部空间是同级最大的，坐三个大人也不挤；周末带着爸妈出去玩，老人坐一路都舒舒服服，不会喊腿麻。",
    )
    assert full.passed and full.score == 100
    assert {e["part"] for e in full.found[0].evidence} == {"feature", "benefit", "impact"}
    half = grade_answer("usp_fbi", 1, "电池有终身质保，您放心。")
    assert not half.passed and 0 < half.score < full.score
    assert any("冲击" in m for m in half.missing)


def test_guide_needs_an_open_question():
    good = grade_answer("needs_guide", 1, "开了八年确实该换了，您能跟我讲讲，现在这台车用下来哪些地方让您最不满意？")
    assert good.passed and {r.label for r in good.found} == {"引导法", "开放式提问"}
    closed = grade_answer("needs_guide", 1, "您是要SUV吗？")
    assert not closed.passed and any("开放式" in m for m in closed.missing)


def test_praise_and_commitment_exercises():
    praise = grade_answer("praise_customer", 0, "您把三款车的参数都打印出来逐项对比，真不简单，这么用心做功课的客户我最佩服了。")
    assert praise.passed and "真不简单" in evidence_texts(praise, "赞美法")
    plain = grade_answer("praise_customer", 2, "那我们这个车有电动侧滑门，老人上下车很方便。")
    assert not plain.passed and "赞美法" in plain.feedback
    commit = grade_answer(
        "overview_commit", 1, "明白，我长话短说：先用五分钟了解一下您的用车需求，再给您重点介绍一款最合适的车，您看行吗？"
    )
    assert commit.passed and commit.found[0].label == "承诺法"


def test_moments_of_truth_list_is_graded_by_concepts():
    answer = (
        "一、客户来电：铃响两声内接起，报上自己的名字，主动约好到店时间。二、到店：在门口迎接，记住客户的姓，马上递上茶水。"
        "三、试驾：提前把车停到门口，空调先打开。四、交车：准备鲜花和合影留念，让客户很感动。五、三天内电话回访。"
    )
    g = grade_answer("moments_of_truth", 0, answer)
    assert g.passed and g.score == 100
    moments = next(r for r in g.requirements if r.label == "真实一刻")
    assert len(moments.evidence) >= 4
    assert {"来电接听", "试乘试驾", "新车交付"} <= {e["part"] for e in moments.evidence}
    assert "写到了" in g.feedback
    short = grade_answer("moments_of_truth", 0, "要热情，面带微笑，试驾的时候多讲讲。")
    assert not short.passed and 0 < short.score < 50
    assert any("至少要写出4个真实一刻" in m for m in short.missing)


def test_a_long_written_list_is_read_whole_and_not_penalised_as_a_speech():
    filler = "这个时刻客户会留下很深的印象，我们要把每个细节都做到位，比客户想的多做一点。" * 16
    answer = "客户来电时两声内接起；到店时门口迎接并送上茶水；试驾前主动把车准备好；" + filler + "交车三天内做回访。"
    assert len(answer) > 600 and answer.index("回访") > 600
    g = grade_answer("moments_of_truth", 0, answer)
    assert g.passed and g.score == 100 and not g.missing
    assert "售后回访" in {e["part"] for r in g.requirements for e in r.evidence}


def test_an_over_long_reply_loses_the_scorers_points_and_says_why():
    answer = "您觉得价格有点高，我理解，谁都希望买得划算；其实这个价里已经含了三年的免费保养。" + "另外，" + (
        "这台车的车身结构、底盘调校、内饰用料和售后网点，我都可以一项一项跟您细说，" * 8
    )
    g = grade_answer("objections_agree", 0, answer)
    short = grade_answer("objections_agree", 0, answer[: answer.index("另外")])
    assert len(answer) > 300 and g.score < short.score
    assert any("太长" in m for m in g.missing)


@pytest.mark.parametrize("text", ["", "   ", None, 42])
def test_empty_answer_scores_zero_with_the_scorers_message(text):
    g = grade_answer("objections_agree", 0, text)
    assert not g.passed and g.score == 0 and "请输入" in g.feedback


@pytest.mark.parametrize("text", ["The price includes three years of free service.", "#$%^&*()!!!", "1234567"])
def test_english_or_garbage_asks_for_chinese(text):
    g = grade_answer("objections_agree", 0, text)
    assert not g.passed and g.score == 0 and "中文" in g.feedback


def test_traditional_characters_are_graded_like_simplified_with_offsets_kept():
    answer = "您覺得價格偏高，我理解；其實這個價格已經包含了五年的免費保養，算下來更划算。"
    g = grade_answer("objections_agree", 0, answer)
    assert g.passed
    for e in g.found[0].evidence:
        assert answer[e["start"]:e["end"]] == e["text"]
    assert "我理解" in evidence_texts(g, "认同法")


def test_unknown_exercise_or_prompt_is_a_chinese_error():
    with pytest.raises(ExerciseError, match="没有这道练习"):
        grade_answer("nope", 0, "您好")
    with pytest.raises(ExerciseError, match="题号 4 不存在"):
        grade_answer("objections_agree", 3, "您好")


def test_grade_is_json_serialisable():
    import json

    g = grade_answer("praise_customer", 1, "开了十几年一次事故都没有，您真不简单，这份稳当我最佩服。")
    data = json.loads(json.dumps(g.as_dict(), ensure_ascii=False))
    assert data["exercise_id"] == "praise_customer" and data["prompt_index"] == 1
    assert isinstance(data["requirements"][0]["evidence"], list)


# ---- best answers --------------------------------------------------------------------------------------

def test_best_answers_prefers_passed_then_score_and_skips_duplicates_and_zeros():
    texts = [
        "您觉得价格有点高，我理解，谁都希望买得划算；其实这个价里已经含了三年的免费保养，平摊下来每个月花得并不多。",
        "您觉得价格有点高，我理解，谁都希望买得划算；其实这个价里已经含了三年的免费保养，平摊下来每个月花得并不多。",
        "您觉得贵，那没关系。",
        "嫌贵就别买。",
        "",
        "您觉得价格偏高，您说的很有道理；不过这台车保值率高，三年后转手也不吃亏。",
    ]
    grades = [grade_answer("objections_agree", 0, t) for t in texts]
    best = best_answers(grades, 3)
    assert len({g.answer for g in best}) == len(best)
    assert all(g.score > 0 for g in best)
    assert best[0].passed and best[0].score == max(g.score for g in grades)
    keys = [(not g.passed, -g.score) for g in best]
    assert keys == sorted(keys)
    assert best_answers(grades, 1) == best[:1]
    assert best_answers([], 5) == []
