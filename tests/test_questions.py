"""Questioning and listening, read once (reading.question): open/closed kind, function, probes, TMD, and the
one splitter of a reply into sentences and clauses."""
import pytest

from ssp_coach.reading import read_turn
from ssp_coach.reading.units import clauses, sentences
from ssp_coach.scoring import score_turn
from ssp_coach.text import normalise


def read(reply, context="", stage="needs"):
    return read_turn(reply, context, stage, "social")


def q(reply, context="", stage="needs"):
    return read(reply, context, stage).question


@pytest.mark.parametrize("reply, kind", [
    ("您平时开车主要跑哪些路？", "open"),
    ("您为什么想换一台SUV呢？", "open"),
    ("您家里现在有车吗？", "closed"),
    ("您是自己开，还是家里人也会开？", "closed"),
    ("这个颜色是不是更适合您？", "closed"),
    ("您对这款车还有什么不满意的地方吗？", "closed"),
    ("您觉得这台车怎么样？", "open"),
    ("您平時開車主要跑哪些路？", "open"),  # Traditional script
])
def test_question_kind(reply, kind):
    r = read(reply)
    assert r.question.kind == kind and r.question.items[-1].kind == kind
    ev = score_turn(r)["evidence"]
    assert any(e["label"] == "question" and e["part"] == kind for e in ev)


def test_statement_is_no_question():
    r = read("这款车的后备箱有500升。")
    assert r.question.items == [] and r.question.kind is None
    assert r.question.probe is None and r.question.tmd == []
    assert not [e for e in score_turn(r)["evidence"] if e["label"] in ("question", "probe", "tmd")]


def test_kind_comes_from_the_last_question():
    r = q("您是全款吗？首付大概准备多少？")
    assert [it.kind for it in r.items] == ["closed", "open"] and r.kind == "open"


@pytest.mark.parametrize("reply, function", [
    ("您平时主要在哪些路段开车？", "info"),
    ("这样每年能省下两千多油钱，您说是不是？", "check"),
    ("我先带您去试驾一圈，您看可以吗？", "consent"),
])
def test_question_function(reply, function):
    assert q(reply, stage="presentation").items[-1].function == function


@pytest.mark.parametrize("reply, context, probe", [
    ("您对那辆车还有哪些不满意的地方？", "我现在开的车老出毛病。", "expand"),
    ("您说的“舒适”，具体是指座椅软一些，还是车里安静一些？", "我想要舒适一点的车。", "clarify"),
    ("我记得您提过，您的马自达自动换挡有些问题，对吧？", "", "repeat"),
    ("好的，我明白了。您太太也会开这辆车，所以要好操作、视野清楚、方向盘轻，对吗？", "我太太也要开。", "summarise"),
    ("您说的我都记下了，还有别的要求吗？", "我要省油。", "expand"),
])
def test_probe_type(reply, context, probe):
    r = read(reply, context)
    assert r.question.probe == probe
    assert any(e["label"] == "probe" and e["part"] == probe for e in score_turn(r)["evidence"])


@pytest.mark.parametrize("reply, tmd", [
    ("您打算什么时候提车？", ["time"]),
    ("您的预算大概是多少？", ["money"]),
    ("这台车最后是谁来拍板呢？", ["decision"]),
    ("您准备多少预算，打算哪个月提车？", ["time", "money"]),
])
def test_tmd_questions(reply, tmd):
    assert q(reply).tmd == tmd


def test_tmd_words_outside_a_question_do_not_count():
    assert q("这个价位的车里它配置最高。").tmd == []


@pytest.mark.parametrize("reply, topic", [("您的预算大概是多少？", "budget"), ("您平时用车主要是做什么？", "usage")])
def test_topics_of_a_question(reply, topic):
    assert topic in q(reply).topics


# ---------------------------------------------------------------- the one splitter

def test_a_decimal_point_does_not_split_a_clause():
    text = "我们的油耗是5.8升"
    assert clauses(text) == [(0, len(text))]
    r = read(text, stage="presentation")
    assert r.clauses == [(0, len(text))]


def test_clauses_split_at_commas_and_sentence_ends_with_offsets_into_the_text():
    original = "这台车百公里油耗5.8升，一年能省三千块。您平时跑高速多吗？"
    text = normalise(original)  # the splitter works on the normalised text (same length as the original)
    assert len(text) == len(original)
    spans = clauses(text)
    assert [text[s:e] for s, e in spans] == ["这台车百公里油耗5.8升", "一年能省三千块", "您平时跑高速多吗"]
    assert [original[s:e].strip() for s, e in sentences(text)] == ["这台车百公里油耗5.8升，一年能省三千块。",
                                                                 "您平时跑高速多吗？"]
    assert read(original, stage="presentation").clauses == spans


# Chat messages without punctuation (the one splitter, ssp_coach/reading/units.py).
@pytest.mark.parametrize("reply, expected", [
    ("哥 后排空间您上次也坐过了 挺宽的", ["哥", "后排空间您上次也坐过了", "挺宽的"]),
    ("您看周六上午行吗我这边把车备好", ["您看周六上午行吗", "我这边把车备好"]),
    ("收到姐～明天见👍然后带上驾照", ["收到姐～", "明天见👍", "然后带上驾照"]),
    ("排量是1.5 T，油耗5.8升。", ["排量是1.5 T，油耗5.8升。"]),
])
def test_chat_text_is_split_at_spaces_tildes_emoji_and_particles(reply, expected):
    text = normalise(reply)
    assert [reply[s:e] for s, e in sentences(text)] == expected


def test_clauses_also_end_at_chat_separators_but_not_inside_a_decimal():
    reply = "我们这台混动 百公里4.2个油 一年能省不少"
    assert [reply[s:e] for s, e in clauses(normalise(reply))] == ["我们这台混动", "百公里4.2个油", "一年能省不少"]


@pytest.mark.parametrize("reply, kind, function", [
    ("姐 您小区里能装充电桩不", "closed", "info"),  # 不 closes a chat question
    ("车机和手机都连上了没", "closed", "info"),
    ("您平时上下班大概开多远呀", "open", "info"),  # open word + soft particle
    ("您家里几口人啊", "open", "info"),
    ("我把两种贷款方案都算好发您 您对比着看 行不", "closed", "consent"),  # tag question joins its proposal
    ("报价单刚发您了 您一家大概几口人坐 我好推荐座位数", "open", "info"),  # voice-to-text: no mark at all
    ("这台灰的还剩最后一辆 我先帮您压两天好不好", "closed", "consent"),  # a tag at the end
    ("定金可以刷卡也可以转账 您是今天转还是周末来店里交", "closed", "consent"),
])
def test_unpunctuated_chat_questions(reply, kind, function):
    last = q(reply).items[-1]
    assert (last.kind, last.function) == (kind, function)


@pytest.mark.parametrize("reply", [
    "我们呢 这周有个置换补贴",  # 呢 marking a topic
    "这个价格我也不",  # a cut-off 也不 is not a question
    "我们店周日也不休息 随时来",
    "您哪天过来都行 我都在店里",  # an open word answered by 都: a statement
    "您还是先跟家里商量一下",  # 还是 as "had better"
])
def test_chat_statements_are_not_questions(reply):
    assert q(reply).items == []


# 承诺法 asked as a proposal, an offer or a conditional rather than the textbook 如果……是否可以麻烦您……
@pytest.mark.parametrize("reply", [
    "后排三个人坐着也宽松，要不您带着家里人周末再来坐一坐？",  # 要不 + next step
    "白色这台刚到店，我先帮您把它留两天？",  # an offer of the next step
    "如果经理同意再送一次保养，您今天是不是就可以先把意向金交了？",  # conditional across clauses
    "不如我哋而家落去试吓车，好唔好？",  # Cantonese proposal
    "我把落地价列出来给您对一对？",  # the offer names the customer after the object
    "价格就按刚才说的，您今天能定下来吗？",  # can the customer take the step now
    "哥 新到的那台灰色要不要来看看",  # chat: an unmarked 要不要 question
    "您看周几方便 我提前把车备好",
])
def test_proposals_and_offers_ask_consent(reply):
    assert q(reply, stage="negotiation").items[-1].function == "consent"


@pytest.mark.parametrize("reply", [
    "您平时是自己开还是家里人也开？",  # a needs question, not a proposal
    "如果预算再多两万，您会考虑四驱版吗？",  # a conditional that asks about a need, not a step
])
def test_needs_questions_are_not_consent(reply):
    assert q(reply).items[-1].function != "consent"


# 反问法: an explanation closed by a question asking the customer to affirm it.
@pytest.mark.parametrize("reply", [
    "这台车有盲区监测，变道时后视镜会亮灯提醒，开夜路最怕的不就是看不清后面吗？",
    "电池质保八年，这个年限在同级里算长的，这个数据对您有说服力吗？",
    "保养一次三百几蚊，咁样计落系咪抵好多？",  # Cantonese
    "首付三成就能开走，每个月比租房还少，这样是不是安心多了？",
    "这个档位偏软，我帮您调到运动模式，您再踩一脚，是不是跟得更紧了？",  # an offer whose effect is checked
])
def test_explanations_closed_by_an_affirmation_question_are_checks(reply):
    assert q(reply, stage="presentation").items[-1].function == "check"


@pytest.mark.parametrize("reply", [
    "这套座椅是按亚洲人腰型做的，刚才坐了一路腰还挺舒服的吧",  # 的吧 with no question mark
    "隔音做了双层玻璃，这个价位是不是很少见，同级的都要多花两万？",  # the check tag in an earlier clause
    "三年保養唔使錢，係咪好抵？",  # Cantonese in Traditional script: 係咪 is read as 是不
    "油錢一個月慳五百，仲有八年電池保用，係咪？",
    "这尾灯做得真精致吧？晚上一亮特别好认。",  # a judgement made in the clause itself, at the start
])
def test_points_checked_in_less_usual_forms_are_checks(reply):
    assert q(reply, stage="presentation").items[-1].function == "check"


# Consent read from the question's structure, without a stock consent phrase.
@pytest.mark.parametrize("reply", [
    "麻烦您跟我把随车工具清点一遍，点完一项您在单子上勾一下，好吗？",  # a bare tag after a proposal
    "手续我都备好了 您明早过来签个字 行吧",  # chat tag joined to its proposal
    "检测得一个小时左右，后天上午十点可以吗？",  # fixing a meeting: a time + an arrangement word
    "您是周六下午过来，还是周日上午？",  # a choice between meeting times
    "您方便把旧车的行驶证拍一张发给我吗？",  # something the customer is asked to do for us
    "尾款您打算转账还是刷卡？",  # a choice between ways of taking the step (C3)
    "要不我把两种方案都列出来 您挑着看？",  # a question right after a sentence opening a proposal
    "您看这样，咱们今天先把订单签了？",  # ……or a clause opening it
    "精品我一项项列出来，您看完再定，好吧？",  # 好吧 as the bare tag
])
def test_structure_of_a_request_asks_consent(reply):
    assert q(reply, stage="negotiation").items[-1].function == "consent"


@pytest.mark.parametrize("reply", [
    "您平时上午用车多还是下午用车多？",  # a time asked about as a habit
    "后备厢再大一点会不会更合适？",  # 一点 is no time of day
    "您能给我说说上次修车的经过吗？",  # an invitation to tell, not to hand over
    "方便说说是哪方面的毛病吗？",  # 方便说说 invites the customer to tell
])
def test_look_alikes_of_a_request_are_not_consent(reply):
    assert q(reply).items[-1].function != "consent"


# A check question with no point made before it, or about the customer, asks for a fact (guide RH1, RH4).
@pytest.mark.parametrize("reply", [
    "王哥，新车开着还顺手吧？",  # nothing said before it
    "刚才那段路不堵，您现在是上下班开得多吧？",  # the customer is the subject
    "首保快到了。您平时主要跑市区，对吧？",  # ……of the clause before a bare tag
    "展会那天人多没聊透，您当时看的是那台银色的七座吧？",  # the customer's past choice
    "您家四个孩子，周末出门是不是常常得把三排都坐满？",  # a habit of the customer's
    "李姐好久不见，您最近挺忙的吧？",  # the customer's recent days
    "车用着还好吧？",  # no judgement made: it asks how things are
    "您是不是家里有孩子，平时接送多吗？",  # the earlier tag asks about the customer too
])
def test_checks_of_the_customer_ask_for_information(reply):
    assert q(reply).items[-1].function == "info"


def test_a_check_of_the_consultants_own_point_stays_a_check():
    assert q("这台的座椅有通风，夏天坐久了也不闷，您说对吧？").items[-1].function == "check"


@pytest.mark.parametrize("reply", [
    "这俩差着一万多呢。",  # a statement closed by 呢
    "之前那个车的优惠还给您留着呢",
    "个人购车呢，带身份证原件就行。",  # 呢 marking a topic
])
def test_statements_closed_by_ne_ask_nothing(reply):
    assert q(reply).items == []


@pytest.mark.parametrize("reply", ["那姐夫主要是担心哪块呢", "我自己开得多，那您呢？", "您家里呢", "这台您觉得呢"])
def test_ne_questions_need_a_question_word_or_the_person_asked(reply):
    assert q(reply).items


def test_a_check_on_the_consultants_point_stays_a_check_even_when_addressed_to_the_customer():
    from ssp_coach.scoring.engine import score_reply

    for reply in ("这款一年下来能省好几千，您是不是也觉得挺划算的？", "这车安全性在同级里数一数二，您应该也最看重这个吧？"):
        assert "rhetorical" in score_reply(reply, "", "presentation", "social")["techniques"], reply


def test_a_proposal_question_does_not_make_the_next_question_a_consent_request():
    from ssp_coach.scoring.engine import score_reply

    r = score_reply("要不我们先去试驾？您平时主要跑高速还是市区？", "", "presentation", "social")
    assert {"commit", "guide"} <= set(r["techniques"])


@pytest.mark.parametrize("reply, consent", [
    ("新款到了，您这周末方便过来再看看吗？", True),
    ("下周哪天有空过来一趟？", True),
    ("今個月新款到咗，你得唔得閒過嚟試一試？", True),  # Cantonese: 得唔得閒 is 有没有空
    ("您平时有空来店里保养吗？", False),  # a habit, not an invitation
    ("您平时有没有空过来看看？", False),
])
def test_an_invitation_to_come_by_asks_consent(reply, consent):
    assert bool(q(reply, "是，哪位？", "prospecting").of("consent")) == consent
