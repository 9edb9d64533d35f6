"""The six speech patterns: key move = detection, structure parts, evidence offsets, hard negatives, forms of
address, Traditional input, content checks."""
import shutil

import numpy as np

import pytest

from ssp_coach.codes import PATTERN_CODES
from ssp_coach.content import ContentError
from ssp_coach.reading import read_turn
from ssp_coach.scoring import score_reply
from ssp_coach.scoring.patterns.rules import KEY_PARTS, PARTS, find_parts


def detected(reply, context=None, stage=None, customer_type=None):
    return score_reply(reply, context, stage, customer_type)


@pytest.mark.parametrize("reply, context, code", [
    ("您担心油耗高，您说的很有道理，现在油价确实不便宜。其实这款车用的是混动系统，市区百公里只要四升多。", "这车油耗会不会很高？", "agree"),
    ("您真有眼光，您挑的这款星空蓝是今年的限定色，只有顶配才有。", "我喜欢这个蓝色。", "praise"),
    ("您平时开车主要是在市区，还是经常要跑长途呢？能跟我具体说说吗？", "我想换台车。", "guide"),
    ("这款车在C-NCAP碰撞测试中拿到了五星，车身百分之六十都是高强度钢。", "安全性怎么样？", "narrate"),
    ("这款车一年保养一次，比老款少跑一半的店，时间和钱都省下来了，您觉得呢？", "保养麻烦吗？", "rhetorical"),
    ("接下来我先带您去试驾，大概二十分钟，回来再给您算价格，您看这样好吗？", "车看得差不多了。", "commit"),
])
def test_each_pattern_is_detected_with_evidence(reply, context, code):
    result = detected(reply, context)
    assert code in result["techniques"]
    spans = [e for e in result["evidence"] if e["label"] == code]
    assert spans, "a detected pattern must show evidence"
    for e in spans:
        assert reply[e["start"]:e["end"]] == e["text"]
    assert any(p in result["patterns"][code]["parts_present"] for p in KEY_PARTS[code])


def test_every_pattern_has_parts_and_a_key_part():
    assert set(PARTS) == set(KEY_PARTS) == set(PATTERN_CODES)
    for code in PATTERN_CODES:
        assert set(KEY_PARTS[code]) <= set(PARTS[code])


def test_agree_reports_all_three_parts_when_the_structure_is_complete():
    reply = "您觉得后排有点窄，我理解，一家人出行舒适很重要。其实这款车后排腿部空间有九百多毫米，坐三个人也不挤。"
    result = detected(reply, "后排有点窄啊。")
    agree = result["patterns"]["agree"]
    assert agree["parts_present"] == ["echo", "agreement_phrase", "positive_explanation"]
    assert agree["parts_missing"] == [] and agree["quality"] == 1.0
    echo = next(e for e in result["evidence"] if e["part"] == "echo")
    assert echo["text"] in "后排有点窄啊。"


def test_missing_parts_lower_the_quality_but_do_not_hide_the_key_move():
    reply = "那没关系，我理解，其实很多客户一开始也这样想，我们可以慢慢比较。"
    result = detected(reply, "")
    assert "agree" in result["techniques"]
    agree = result["patterns"]["agree"]
    assert "echo" in agree["parts_missing"] and agree["quality"] < 1.0
    hint = next(m for m in result["missing"] if m["label"] == "agree" and m["part"] == "echo")
    assert "复述" in hint["message"]


@pytest.mark.parametrize("reply, context", [
    ("我真理解不了您为什么觉得挤", "后排坐着有点挤。"),
    ("颜色少没关系啊，反正您也不挑", "这车颜色好少。"),
    ("您真有意思，这个都不知道啊", "这个参数是什么意思？"),
    ("你到底买不买？", "我再考虑一下。"),
    ("这还贵？您是没见过更贵的吧，您说是不是？", "太贵了。"),
    ("您可真行啊，口气不小，钱带够了吗？", "我要最好的配置。"),
    ("难道您连这个都不懂吗？", "这个怎么用？"),
    ("您都36了，买个车还要问爸妈啊？", "我回去问问我爸妈再说。"),
])
def test_hard_negatives_fire_no_pattern(reply, context):
    assert detected(reply, context)["techniques"] == []


@pytest.mark.parametrize("reply, stage", [
    ("何阿姨，您好，欢迎光临！今天想先看看哪款车？", "reception"),
    ("何阿姨，这台车的后排很宽敞，您坐进去试试。", "presentation"),
    ("王总，您好，里面请，我先给您倒杯茶。", "reception"),
    ("李老师，您来啦，上次说的那台车已经到店了。", "follow_up"),
])
def test_a_form_of_address_is_never_a_technique(reply, stage):
    reading = read_turn(reply, "", stage, "social")
    assert reading.address and reading.address[0][0] == 0
    start, end = reading.address[0]
    result = detected(reply, "", stage, "social")
    assert "narrate" not in result["techniques"] and "praise" not in result["techniques"]
    pattern_evidence = [e for e in result["evidence"] if e["label"] in PATTERN_CODES]
    assert not [e for e in pattern_evidence if start <= e["start"] < end], pattern_evidence
    parts = find_parts(reading)
    assert not any(s < end for s, _ in parts["narrate"].parts.values())


def test_traditional_input_is_detected_and_spans_point_into_the_original():
    reply = "您說的很有道理，買車安全永遠排第一。這款車在中保研的碰撞測試裡拿了全優，您覺得呢？"
    result = detected(reply, "我最關心安全。")
    assert {"agree", "rhetorical"} <= set(result["techniques"])
    for e in result["evidence"]:
        assert reply[e["start"]:e["end"]] == e["text"]
    assert any("說的很有道理" in e["text"] or "有道理" in e["text"] for e in result["evidence"])


def test_context_opening_and_question_topic_features():
    from ssp_coach.scoring.patterns.rules import opens_with_acknowledgement, rule_features

    reply = "也行，不过有几个常用功能我建议现在就过一遍，十分钟就够。"
    to_view = read_turn(reply, "说明书我回家自己看就行。", "delivery", "social")
    to_question = read_turn(reply, "这些功能要现在学吗？", "delivery", "social")
    assert opens_with_acknowledgement(to_view) and not to_view.customer_asked and to_question.customer_asked
    assert rule_features(to_view, find_parts(to_view))["opening_ack.to_a_view"] == 1.0
    assert rule_features(to_question, find_parts(to_question))["opening_ack.to_a_view"] == 0.0
    objection = read_turn("是贵一点，这个我认。我们多了两年质保。", "你们比别家贵三千。", "negotiation", "analytical")
    assert rule_features(objection, find_parts(objection))["opening_ack.to_an_objection"] == 1.0
    logistics = read_turn("您车停哪了？门口不能停。", "我开车来的。", "reception", "social")
    needs = read_turn("您平时用车主要是上下班吗？", "我想看看SUV。", "needs", "social")
    assert rule_features(logistics, find_parts(logistics))["question.info_without_topic"] == 1.0
    assert rule_features(needs, find_parts(needs))["question.topic"] == 1.0
    assert rule_features(needs, find_parts(needs))["question.info_without_topic"] == 0.0
    # one clause, or a long opening, is not an acknowledgement before more is said
    assert not opens_with_acknowledgement(read_turn("好的。", "帮我倒杯水。"))
    assert not opens_with_acknowledgement(read_turn("您好，欢迎光临，今天想看哪款车？", "我随便看看。"))
    assert not opens_with_acknowledgement(read_turn("王先生，这台是今年的新款。", "这台是新款吗？"))
    assert not opens_with_acknowledgement(read_turn("这款车百公里油耗五点二升左右，市区开也差不多。", "油耗多少？"))


def test_cantonese_words_are_read_as_their_mandarin_words_with_offsets_kept():
    from ssp_coach.text import CANTONESE_WORDS, normalise, to_simplified

    assert all(len(cantonese) == len(mandarin) for cantonese, mandarin, _, _ in CANTONESE_WORDS)
    pairs = {"你有冇興趣過來試吓？": "你有没兴趣过来试吓?", "我哋幾多錢都唔使講": "我们多少钱都不用讲",
             "唔該，呢架車係咪新款？": "谢谢,这架车是不新款?", "仲有嗰個": "还有那个", "真係咩？": "真是吗?",
             "你想睇咩車？": "你想看啥车?", "你得唔得閒？": "你有没有空?", "幾時到？": "何时到?"}
    for cantonese, mandarin in pairs.items():
        assert normalise(cantonese) == mandarin
    # ordinary Mandarin (Taiwan Traditional or Simplified) keeps its words: only the script changes
    for mandarin in ("沒關係，仲裁呢？三點見", "您自己掂量掂量", "風阻係數很低", "兩款不相伯仲", "重點解決油耗",
                     "然而家人覺得太貴", "聽日本車主說", "停在路邊位置", "去海邊度假", "唔，我再考慮一下"):
        assert normalise(mandarin) == to_simplified(mandarin).replace("，", ",").replace("？", "?")


def test_a_cantonese_consent_question_and_ultimatum_are_read_like_mandarin_ones():
    invite, context = "今個月新款到咗，你得唔得閒過嚟試一試？", "係，邊位？"
    assert read_turn(invite, context, "prospecting", "social").question.of("consent")
    assert "commit" in detected(invite, context, "prospecting", "social")["techniques"]
    reply = "唔買就算啦，想要呢款嘅人排到下個月。"
    result = detected(reply, "太貴喇，我唔要。")
    assert result["hostile"] and not result["techniques"]
    for e in result["evidence"]:
        assert reply[e["start"]:e["end"]] == e["text"]


@pytest.mark.parametrize("reply, form", [
    ("这套悬挂就像一双好跑鞋，坑坑洼洼都帮您吸收掉了。", "metaphor"),
    ("这台发动机获得了中国心年度十佳发动机的称号，第三方测试的热效率超过百分之四十。", "authority"),
    ("上个月有位车主开着这款车从北京到上海，一路开空调，到了还剩三成电。", "case"),
    ("跟同价位那款比，我们的功率多了二十千瓦，还多了全景天窗。", "comparison"),
])
def test_narrate_names_its_form(reply, form):
    r = read_turn(reply)
    assert find_parts(r)["narrate"].detail == form


def test_guide_style_probe_for_a_follow_up_question():
    result = detected("您说现在的车有问题，具体是哪方面让您不满意呢？", "我现在的车有点问题。")
    assert result["patterns"]["guide"]["style"] == "probe"


def test_pressure_question_is_not_guidance_but_an_open_question_is():
    assert "guide" not in detected("您到底什么时候能定下来？")["techniques"]
    assert "guide" in detected("您能跟我说说，家里平时都是谁在开车吗？")["techniques"]


def test_a_broken_phrase_file_raises_a_located_content_error(tmp_path, monkeypatch):
    from ssp_coach.paths import content_dir
    from ssp_coach.scoring.patterns import phrases

    shutil.copytree(content_dir(), tmp_path / "content")
    path = tmp_path / "content" / "phrases" / "patterns.yml"
    text = path.read_text(encoding="utf-8").replace("negators:", "negators_renamed:", 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("SSP_CONTENT_DIR", str(tmp_path / "content"))
    phrases.load_phrasebook.cache_clear()
    try:
        with pytest.raises(ContentError, match=r"patterns\.yml.*negators"):
            phrases.load_phrasebook()
    finally:
        monkeypatch.undo()
        phrases.load_phrasebook.cache_clear()


def test_classifier_cache_is_keyed_by_the_training_data(tmp_path, monkeypatch):
    from ssp_coach.paths import content_dir
    from ssp_coach.scoring.patterns import classifier

    shutil.copytree(content_dir(), tmp_path / "content")
    monkeypatch.setenv("SSP_CONTENT_DIR", str(tmp_path / "content"))
    monkeypatch.setenv("SSP_MODELS_DIR", str(tmp_path / "models"))
    classifier._cached_classifier.cache_clear()
    try:
        first = classifier.training_hash()
        classifier.load_classifier()
        assert (tmp_path / "models" / f"patterns-{first}.pkl").exists()
        train_file = tmp_path / "content" / "corpus" / "train" / "patterns.yml"
        train_file.write_text(train_file.read_text(encoding="utf-8") + "\n# edited by a trainer\n", encoding="utf-8")
        second = classifier.training_hash()
        assert second != first
        # the question topics are features too (question.topic): editing them retrains
        topics = tmp_path / "content" / "question_topics.yml"
        topics.write_text(topics.read_text(encoding="utf-8") + "\n# edited by a trainer\n", encoding="utf-8")
        assert classifier.training_hash() != second
    finally:
        monkeypatch.undo()
        classifier._cached_classifier.cache_clear()


# 认同法 constructions (content/phrases/patterns.yml agreement_phrase): the key move is found by the rules.
@pytest.mark.parametrize("reply, context", [
    ("换我我也会犹豫，毕竟这么多钱，其实这款的置换补贴能抵掉一大块。", "我还是有点犹豫。"),  # in the customer's place
    ("好多车主刚来的时候也有这个顾虑，不过我们的电池是终身质保的。", "电动车电池坏了怎么办？"),  # others felt the same
    ("这种情况挺常见的，新车前几千公里油耗会稍高一点，跑开了就降下来了。", "油耗怎么比说的高？"),
    ("您问得真在点子上，这个服务费其实就是代办上牌的费用。", "这个服务费是什么？"),
    ("您说得也是，各家送的东西差不多，不过我们送的记录仪是原厂的。", "送的东西都差不多。"),
    ("理解，您工作忙，我长话短说，两驱版落地大概十六万。", "我很忙，直接说价格。"),
    ("是吧，这个座椅是按亚洲人身形调的，坐一下午都不累。", "这座椅坐着挺舒服。"),  # affirming the remark first
    ("这事搁谁身上都着急，我现在就去催物流。", "车怎么还没到？"),
    ("您这个要求特别合理，落地价本来就该一项项列清楚。", "我要看每一项费用。"),  # the view evaluated
    ("是我们没提前通知到位，让您白跑一趟，明天我把车给您送过去。", "我来了车还没好？"),  # the fault owned
    ("实在抱歉，上午电话太多没接上，您说的那台白色我已经帮您查了。", "打了三次都没人接。"),
    ("好，那您先忙，晚上我再给您发资料。", "我这会儿开会呢。"),  # the stance accepted (A5)
    ("行，您慢慢转，我就在前台。", "我自己看就行。"),  # letting the customer look (A5a)
    ("网上那个帖子我也看过，这个我不否认，老款确实有这问题。", "网上说你们车异响多。"),  # conceded
])
def test_agreement_constructions_are_the_key_move(reply, context):
    rules = find_parts(read_turn(reply, context, "negotiation", "social"))
    assert "agreement_phrase" in rules["agree"].parts


@pytest.mark.parametrize("reply", [
    "我不理解您为什么觉得贵。",  # negated
    "这台车的保养周期是一万公里。",  # a bare fact
    "您好，欢迎光临，里面请。",  # a greeting
    "不好意思，试驾前得先登记一下您的驾驶证。",  # an apology before a formality accepts no view
    "我给您算一下是吧？两驱版十六万。",  # 是吧 asked, not said first
    "您先看一下这张配置表，第二页是价格。",  # 您先看 hands over a document, lets nobody browse
])
def test_no_agreement_construction_in_lines_that_accept_nothing(reply):
    assert "agreement_phrase" not in find_parts(read_turn(reply, "这车太贵了。", "negotiation", "social"))["agree"].parts


@pytest.mark.parametrize("reply, is_guide", [
    ("可以试驾，您身上带着驾驶证吗？我去登记一下。", False),  # the procedure asks, the customer's needs do not
    ("麻烦您在这张表格上签个名好吗？", False),
    ("您平时接送孩子多，还是自己上下班开得多？", True),
])
def test_questions_about_the_paperwork_are_not_guiding(reply, is_guide):
    rules = find_parts(read_turn(reply, "", "test_drive", "social"))
    assert ("guiding_phrase" in rules["guide"].parts) == is_guide


# 赞美法: specific praise of what the customer did or the kind of person they are (not of the car).
@pytest.mark.parametrize("reply", [
    "您刚才倒车入库停得特别利索，一把就进去了。",
    "车开了八年还这么新，说明您平时保养真是一点没马虎。",
    "您是我这个月见过做功课最细的客户，连保养间隔都查了。",
    "您选的这个墨绿色很有品味，路上不多见。",
    "您耳朵真灵，这点胎噪一般人听不出来。",  # a faculty of the customer evaluated
    "您连保养记录都带来了，看得出您对车特别上心。",  # praise inferred from what they did
    "您是做事先把账算清楚的人，跟您谈省心。",  # the kind of person they are
    "李哥您真痛快，那我也不绕弯子了。",  # how the customer decides, no degree word needed
    "您儿子坐在驾驶位上那样子真可爱。",  # the customer's family
    "恭喜您！孩子考上重点高中，您平时没少费心吧。",  # congratulations on their news
    "您这个打算很明智，先把旧车卖了再买新的，资金不压着。",  # the customer's plan evaluated
    "您当初先做首保再上高速，这个决定太对了。",
    "您跑了五家店再来，一听就是做足了功课的。",  # inferred from what they did
    "论车队管理您肯定比我在行，我只说说车的部分。",  # deference to the customer's expertise
    "还响不？您这耳朵是真灵，那么小的声音都听出来了。",  # the 不 of the question before negates nothing
    "您先看配置表再看车，这个思路很对，少走弯路。",  # the customer's way judged in a clause of its own
    "您问的都是保养成本，是会过日子的人。",  # the kind of person, after what they asked
    "开了二十年没出过事故，不简单！您开车肯定特别稳。",  # a one-clause verdict
    "您考虑得真长远，连以后转手都想到了。",
    "您的感觉挺准的，这一段确实是路面的问题。",  # 感觉 as a faculty of the customer
])
def test_specific_praise_of_the_customer_is_the_key_move(reply):
    rules = find_parts(read_turn(reply, "我自己挑的。", "presentation", "social"))
    assert "praise_phrase" in rules["praise"].parts


@pytest.mark.parametrize("reply", [
    "这款车的座椅包裹得特别到位，坐着很舒服。",  # the car is praised, not the customer
    "您是第一次来我们店的客户吗？",  # a question about the customer
    "这台车漆面真漂亮，您过来看看。",  # the car is the subject of the clause, even with 您 elsewhere
    "外观真漂亮，您喜欢吗？",
    "王哥，恭喜提车！钥匙先交给您。",  # congratulations on the purchase praise nobody
    "这个功课您做过吗？没做也没关系，我给您讲。",  # asked, not praised
    "您比我还懂？那您自己挑吧。",  # a sneer asked back
    "您这个方案我们没法做。",  # the plan named, nothing praised
    "这个账我给您算得很清楚了，您看看。",  # the consultant's own account
    "这车不简单，同级里就它有空气悬架。",  # the car judged
    "他不是懂车的人，您别听他的。",  # someone else, denied
])
def test_praise_of_the_car_or_a_question_is_not_praise(reply):
    assert "praise_phrase" not in find_parts(read_turn(reply, "", "presentation", "social"))["praise"].parts


# 叙述法 forms: a test the car went through, another customer's story, a comparison, a homely measure.
@pytest.mark.parametrize("reply, form", [
    ("这块电池做过挤压和浸水实验，都没有起火。", "authority"),
    ("上个月有位顾客跟您一样担心油耗，开了半年回来说一箱油能跑九百公里。", "case"),
    ("同隔壁那款比，我们的后备箱深了十厘米。", "comparison"),
    ("车里时速一百才六十分贝，差不多就是两个人小声聊天。", "metaphor"),
])
def test_narration_forms(reply, form):
    res = find_parts(read_turn(reply, "", "presentation", "analytic"))["narrate"]
    assert "narration" in res.parts and res.detail == form


@pytest.mark.parametrize("reply", [
    "原厂保修是三年或者十万公里。",  # a bare fact from the maker is not narration
    "官方指导价是十二万八。",
])
def test_bare_facts_are_not_narration(reply):
    assert "narration" not in find_parts(read_turn(reply, "", "presentation", "analytic"))["narrate"].parts


def test_the_pattern_models_are_fitted_lightly_regularised_on_unscaled_rule_features(monkeypatch):
    # Chosen by leave-one-writer-out on the training side (classifier.py): rule features weighted 1, C = 30.
    from ssp_coach.learn.corpus import training_items
    from ssp_coach.scoring.patterns import classifier

    seen = {}

    def fake_fit(problems, c):
        problems = list(problems)
        seen["c"], seen["x"] = c, problems[0][0]
        n = problems[0][0].shape[1]
        return np.zeros((n, len(problems))), np.zeros(len(problems))

    monkeypatch.setattr(classifier, "fit_per_label", fake_fit)
    items = [it for it in training_items(include_corrections=False) if it.labels is not None][:40]
    model = classifier.train(items)
    assert seen["c"] == classifier.C == 30.0
    rules = seen["x"][:, len(model.vectorizer.vocabulary_):].toarray()
    assert rules.max() == 1.0  # a present rule part counts 1, not scaled up against the n-grams


@pytest.mark.parametrize("reply, context, hostile", [
    ("说实话，我自己是做不了主的，得去跟经理申请，您稍等我一下好吗？", "再便宜五千我就定。", False),  # about the consultant
    ("哈哈开玩笑的，主要是想问问您，车选得怎么样了？", "", False),  # a joke of one's own
    ("您自己做不了主吗？", "我回去商量一下。", True),  # the reading's blame
    ("五千？您开玩笑吧，这个价已经是亏本了。", "再便宜五千。", True),  # the reading's contradict
    ("油耗哪有那么高，您是不是看错表了？", "这车油耗太高了。", True),  # a fault of the customer presumed
    ("电池有终身质保，这样您是不是就放心多了？", "我担心电池。", False),  # 您是不是 asking for agreement
])
def test_hostility_is_about_the_customer_not_words_the_consultant_says_of_himself(reply, context, hostile):
    from ssp_coach.scoring.patterns.rules import is_hostile

    assert is_hostile(read_turn(reply, context, "negotiation", "dominant")) is hostile


@pytest.mark.parametrize("reply, context, is_guide", [
    ("您别介意，主要是怕给您推荐错了，耽误您时间。", "你问这么多干嘛？", False),  # question words in a statement
    ("签合同的话，平时带身份证原件就行，哪个网点都能办。", "签合同要准备什么？", False),
    ("能跟我说说您平时都怎么用车，我好帮您挑。", "我想换台车。", True),  # a request to talk, no question mark
    ("请问您贵姓？", "", False),  # etiquette asks nothing about the purchase (G5)
    ("请问怎么称呼您？能告诉我您这次主要想看哪款车吗？", "", True),  # ……the second question does
    ("您怎么称呼？劳驾您说说平时主要跑哪些路。", "", True),  # an invitation beside an etiquette question
])
def test_an_invitation_without_a_question_is_a_request_to_talk(reply, context, is_guide):
    r = read_turn(reply, context, "needs", "analytical")
    assert ("guiding_phrase" in find_parts(r)["guide"].parts) is is_guide


def test_agreement_said_first_is_a_feature_of_its_own():
    from ssp_coach.scoring.patterns.rules import rule_features

    def first(reply, context):
        r = read_turn(reply, context, "presentation", "analytical")
        return rule_features(r, find_parts(r))["agree.first_sentence"]

    assert first("您说得有道理，油价确实不便宜。这款混动市区百公里四升多。", "这车油耗高吗？我怕费油。") == 1.0
    assert first("这款混动市区百公里四升多。油价确实不便宜，省下来的钱很可观。", "这车油耗高吗？我怕费油。") == 0.0


def test_praise_of_how_the_customer_thought_it_through_counts():
    r = score_reply("王先生，恭喜您提新车！您为了家里老人特意选了后排宽敞的这台，真是想得周到。", "", "delivery", "analytical")
    assert "praise" in r["techniques"]
    plain = score_reply("这个安排得很周到，交车流程大概四十分钟。", "", "delivery", "analytical")
    assert "praise" not in plain["techniques"]


@pytest.mark.parametrize("reply", [
    "您干脆把旧车置换了，省心。",
    "您要是想痛快点，今天就能定。",
    "您是做什么工作的人？",
    "这台车您是第一个试驾的人。",
])
def test_adverbs_questions_and_plain_facts_about_the_customer_are_no_praise(reply):
    assert "praise" not in score_reply(reply, "", "negotiation", "social")["techniques"]


def test_how_the_customer_acts_and_the_kind_of_person_still_count_as_praise():
    for reply in ("哥您爽快，我也不绕弯子。", "您是特别顾家的人，后排空间对您最重要。"):
        assert "praise" in score_reply(reply, "", "negotiation", "social")["techniques"], reply


def test_tfidf_rows_are_the_vectorizers_own():
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    from ssp_coach.learn.corpus import training_items
    from ssp_coach.learn.linear import tfidf_rows

    texts = [it.reply for it in training_items(include_corrections=False)[:300]]
    unseen = ["您好，欢迎光临！", "这台车的后排空间很大，您家人坐着舒服。", "", "ABC 123"]
    for options in ({"analyzer": "char", "ngram_range": (1, 3), "sublinear_tf": True},
                    {"analyzer": "char", "ngram_range": (1, 2)}):
        vectorizer = TfidfVectorizer(**options).fit(texts)
        ours, theirs = tfidf_rows(vectorizer, texts[:50] + unseen), vectorizer.transform(texts[:50] + unseen)
        assert sparse.isspmatrix_csr(ours) and ours.shape == theirs.shape
        assert abs(ours - theirs).max() < 1e-12


# 反问法: a reassurance put to the customer is a check; the customer's needs read back and confirmed are not
# (annotation guide RH1, G2: that is guide).
@pytest.mark.parametrize("reply", [
    "定金在提车前都能全额退，合同里写着，这样您心里踏实点没？",
    "钥匙丢了也能用手机开门，出门再也不怕了，这下放心了吧？",
])
def test_a_reassurance_asked_back_is_a_check_question(reply):
    assert "check_question" in find_parts(read_turn(reply, "", "presentation", "social"))["rhetorical"].parts


@pytest.mark.parametrize("reply", [
    "我确认一下：您要七座，预算二十万以内，周末常跑高速，对吧？",
    "我捋一下哈，您主要市区通勤，想要省油，最好带倒车影像，是吧？",
])
def test_a_summary_of_the_customers_needs_confirmed_is_not_rhetorical(reply):
    rules = find_parts(read_turn(reply, "", "needs", "social"))
    assert "check_question" not in rules["rhetorical"].parts


def test_a_point_made_after_a_summary_can_still_be_checked():
    reply = "我确认一下：您要七座。那这台第三排能坐成人，全家出行一台车就够了，您说是不是？"
    assert "check_question" in find_parts(read_turn(reply, "", "needs", "social"))["rhetorical"].parts
