"""The course steps issue 13 found missing (ssp-course.md, section 3): each new checklist item is credited by a
trainee line that shows the step and not by a near miss. Turns are read and scored by the real role-play
(engine.start/play), as in a session."""
import pytest

from ssp_coach.reports.checklist import evaluate, load_checklists
from ssp_coach.roleplay import engine
from ssp_coach.roleplay.catalog import load_catalog


def turns_of(scenario, *lines, customer_type="social", seed=5):
    """The lines played in one role-play of `scenario`, as the scorecard receives them."""
    state = engine.start(customer_type, scenario, "exam", seed=seed).state
    turns = []
    for line in lines:
        result = engine.play(state, line)
        turns.append({"text": line, "intent": None, "assessment": result.assessment})
        if result.ended:
            break
        state = result.state
    return turns


def credited(scenario, item, *lines):
    rows = {r["id"]: r for r in evaluate(scenario, turns_of(scenario, *lines))}
    assert item in rows, f"{scenario} has no checklist item {item}"
    return rows[item]["done"]


# (scenario, item id, a line that credits it, a line that does not)
CASES = [
    ("reception", "brand_intro",
     "我们这家店开业已经十年了，去年还被厂家评为金牌经销商。",
     "这款车是我们店里卖得最好的。"),
    ("reception", "offer_drink",
     "您先坐下歇歇，要喝点什么？茶和咖啡都有。",
     "今天外面下雨，路上还顺利吧？"),
    ("phone", "ask_name",
     "好的，请问先生您贵姓？",
     "请问您想了解哪款车？"),
    ("phone", "call_log",
     "您的需求和电话我都记录下来了，稍后把资料发到您手机上。",
     "我记得您上个月来过我们店吧？"),
    ("needs", "connecting_question",
     "您刚才讲周末常带老人去郊区，所以您需要一台底盘稳、上下车方便的车，对吗？",
     "总结一下：您要七座、预算二十万以内，对吗？"),
    ("needs", "connecting_question",
     "我整理一下，您每天通勤不远，周末常去钓鱼，也就是说您更看重后备箱和通过性，是这样吗？",
     "您刚才提到要带老人出门，也就是说您想要一台舒服的车。"),
    ("test_drive", "invite_family",
     "这周末要不要叫上您爱人一起来试驾？她也可以坐后排感受一下。",
     "您今天是一个人过来的吗？"),
    ("test_drive", "feedback_record",
     "试驾完了，麻烦您和我一起填一份试驾评价问卷，好吗？",
     "试驾完了，您觉得这台车开起来怎么样？"),
    ("delivery", "before_delivery",
     "您的车前天已经做完PDI，里里外外也都清洗干净了。",
     "恭喜您！今天是您提车的好日子。"),
    ("delivery", "before_delivery",
     "上次电话里跟您约好今天十点交车，身份证和尾款凭证都带齐了吧？",
     "这是您的车钥匙，先交给您。"),
    ("follow_up", "referral",
     "您身边的同事要是想换车，欢迎推荐到我这里来。",
     "您开了几天，用着还顺手吗？"),
]


@pytest.mark.parametrize("scenario, item, good, near_miss", CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_the_step_is_credited_by_its_line_and_not_by_a_near_miss(scenario, item, good, near_miss):
    assert credited(scenario, item, good), good
    assert not credited(scenario, item, near_miss), near_miss


def test_the_connecting_question_reads_as_a_confirming_summary():
    turn = turns_of("needs", CASES[4][2])[0]
    assert turn["assessment"]["question"]["kind"] == "closed"
    assert turn["assessment"]["question"]["probe"] in ("summarise", "repeat")


def test_a_photo_at_the_ceremony_is_credited_however_it_is_worded():
    assert credited("delivery", "ceremony", "来，我们和您的新车合个影留念！")
    assert not credited("delivery", "ceremony", "以后保养直接找服务顾问小张就行。")


def test_the_new_items_belong_to_the_stages_that_teach_them():
    catalog = load_catalog()
    stages = {(scenario, item["id"]): item["stage"] for scenario in ("reception", "phone", "needs", "test_drive",
                                                                      "delivery", "follow_up")
              for item in evaluate(scenario, [])}
    assert stages[("reception", "brand_intro")] == "greeting"
    assert stages[("reception", "offer_drink")] == "comfort"
    assert stages[("phone", "ask_name")] == "answer"
    assert stages[("phone", "call_log")] == "invite"
    assert stages[("needs", "connecting_question")] == "expectation"
    assert stages[("test_drive", "invite_family")] == "before"
    assert stages[("test_drive", "feedback_record")] == "after"
    assert stages[("delivery", "before_delivery")] == "welcome"
    assert stages[("follow_up", "referral")] == "referral"
    # the stage's course steps (what /hint shows) name each step
    steps = {(sc.id, st.id): "、".join(st.steps) for sc in catalog.scenarios.values() for st in sc.stages}
    assert "品牌" in steps[("reception", "greeting")]
    assert "饮品" in steps[("reception", "comfort")]
    assert "称呼" in steps[("phone", "answer")]
    assert "来电登记" in steps[("phone", "invite")]
    assert "联接性问题" in steps[("needs", "expectation")]
    assert "家人" in steps[("test_drive", "before")]
    assert "问卷" in steps[("test_drive", "after")] and "试驾记录" in steps[("test_drive", "after")]
    assert "交车预约" in steps[("delivery", "welcome")] and "PDI" in steps[("delivery", "welcome")]
    assert "转介绍" in steps[("follow_up", "referral")]


def test_each_new_item_example_credits_its_own_item():
    lists = load_checklists()
    for scenario, item_id in {(c[0], c[1]) for c in CASES}:
        item = next(i for i in lists[scenario] if i.id == item_id)
        example = item.example.replace("{model}", "这台车")
        assert credited(scenario, item_id, example), (scenario, item_id, example)
