"""Trust breakers (guide §9) read as structures of the reply, on sentences written for these tests (not corpus
items): each code's structures fire with evidence inside the reply, and the hard negatives that share their
words (a firm but polite refusal, a true deadline with a free choice, a fact-based correction, a brief helpful
answer, hospitality while the customer thinks) do not."""
import pytest

from ssp_coach.codes import TRUST_BREAKERS
from ssp_coach.reading import read_turn
from ssp_coach.reading.phrases import load_cues
from ssp_coach.scoring import score_turn

POSITIVES = [
    # contradict: the customer's memory or view called wrong, or their concern waved away
    ("contradict", "您是不是听错了？我们从来没说过送保养。", "你们上次说送两次保养的。", "follow_up"),
    ("contradict", "您这个看法早就过时了，现在的混动根本不用操心电池。", "混动电池用几年就得换吧。", "presentation"),
    ("contradict", "异响这种事您别太较真，开开就好了。", "后排有点响。", "follow_up"),
    # blame: the customer's driving, or hindsight put on the customer
    ("blame", "您踩得那么猛，油耗当然下不来。", "怎么油耗这么高？", "follow_up"),
    ("blame", "您要是听我的先做个保养，现在也不会出这个问题。", "车怎么又亮灯了？", "follow_up"),
    ("blame", "您早点预约不就好了，今天肯定排不上。", "今天能做保养吗？", "follow_up"),
    # belittle_customer: sneer (这都…还…), knowledge, age
    ("belittle_customer", "这都哪年的老黄历了还拿来问。", "电车是不是冬天就趴窝？", "needs"),
    ("belittle_customer", "跟您讲了您也不太明白，反正这个配置够用。", "这个混动系统怎么工作的？", "presentation"),
    ("belittle_customer", "您都多大年纪了，选车还得听儿子的？", "我儿子说要买SUV。", "needs"),
    # pressure: a demand for a decision, a loss conditional on refusing, take it or leave it
    ("pressure", "王哥，您到底签不签？后面好几个人等着呢。", "我再看看合同。", "closing"),
    ("pressure", "还犹豫什么呀，这么好的价。", "我想再比较一下。", "closing"),
    ("pressure", "再不交定金，这台车就没了。", "我回去想想。", "closing"),
    ("pressure", "这个方案您不做的话，以后车出了毛病可别来找我们。", "延保我就不买了。", "negotiation"),
    ("pressure", "价格就这样了，不要就算了。", "再少一千吧。", "negotiation"),
    # dismissive: sending the customer away, refusing to help, "it's useless", sarcastic agreement
    ("dismissive", "嫌贵那您就去别家看看呗。", "你们这价格有点高。", "negotiation"),
    ("dismissive", "保险的事您自己去找保险公司问吧。", "保险怎么理赔？", "delivery"),
    ("dismissive", "您催也没用，系统就这么慢。", "怎么还没好？", "delivery"),
    ("dismissive", "是是是，您说得都对。", "我觉得你们服务一般。", "follow_up"),
    ("dismissive", "刚提的车都这样，新车都这样，过两天就好了。", "座椅怎么一股味儿？", "delivery"),
    ("dismissive", "哪辆车没点小毛病，您就别盯着了。", "仪表台有点异响。", "follow_up"),
    # structures added for the careless-floor, phone and colloquial writers (sentences written for these tests)
    ("contradict", "哪吵了？这车隔音在同级里算好的。", "这车有点吵。", "presentation"),
    ("contradict", "您可能是还不习惯电车的刹车，其实一点都不顿。", "刹车有点顿。", "test_drive"),
    ("contradict", "您没见过不代表它不好，这牌子在南方卖得很火。", "这牌子我都没见过。", "prospecting"),
    ("contradict", "您这消息已经旧了，现在早就不是这个政策了。", "听说电车不能上绿牌了。", "needs"),
    ("blame", "刚才就该往左并线了，您得看着点路牌。", "怎么又绕回来了？", "test_drive"),
    ("blame", "您是不是操作不对？这个按钮要长按三秒。", "怎么充不上电？", "delivery"),
    ("belittle_customer", "这点事您自己还做不了主？", "我得回去问问我爱人。", "closing"),
    ("belittle_customer", "您这岁数就别买电车了，充电那套您也弄不明白。", "我想看看电车。", "needs"),
    ("belittle_customer", "就您这个预算，也就够买辆二手的。", "预算八万。", "needs"),
    ("belittle_competitor", "那家店报的低价都是忽悠人的，去了就加钱。", "隔壁店便宜五千。", "negotiation"),
    ("pressure", "别犹豫了，别犹豫了，今天就把它开走。", "我再想想。", "closing"),
    ("pressure", "合同都一样的，不用看了，直接在这签字。", "我先看看合同。", "closing"),
    ("pressure", "您再考虑两天，这台估计就让人订走了。", "我再想想。", "closing"),
    ("pressure", "您看完回来，这价格可就不是这个了。", "我去别家看看。", "negotiation"),
    ("dismissive", "这事不归我管，您问前台吧。", "停车费能报吗？", "reception"),
    ("dismissive", "使用方法说明书上都有，回家翻一翻就行。", "这个自动泊车怎么用？", "delivery"),
    ("dismissive", "降什么降，已经是底价了。", "能再降点吗？", "negotiation"),
    ("dismissive", "嫌远您就去近的店修呗。", "你们店离我家太远了。", "follow_up"),
    ("dismissive", "车都有点响，正常，不用管它。", "底盘有点响。", "follow_up"),
    # off_topic: chat while the customer's business question is open in price talks
    ("off_topic", "姐您这条裙子真漂亮，在哪儿买的？", "首付能不能再低一点？", "negotiation"),
    ("off_topic", "这两天太热了，您那边下雨了吗？", "合同里这条我没看懂。", "closing"),
]

HARD_NEGATIVES = [
    # a firm but polite refusal, with a next step
    ("我们确实不能再便宜了，这已经是店里的底价。您要是愿意，我再帮您申请一次免费保养，您看可以吗？", "再便宜两千吧。",
     "negotiation"),
    # a true deadline stated politely, with a free choice
    ("厂家的补贴月底结束，这是公告，您看一下。月底前后定都可以，我都帮您算清楚。", "这个优惠能一直有吗？", "closing"),
    ("不着急，您回去和家里商量好再定，我把报价单发您微信。", "我再想想。", "closing"),
    ("交了定金我就给您锁车，这台车就不会被别人订走了。", "定金多少？", "closing"),
    # a correction with facts that leaves the concern standing; a cause that is nobody's fault
    ("早期那一版车机确实会卡，今年的新款换了芯片，您可以上车试一下。", "我听说这车车机卡。", "presentation"),
    ("急加速的时候油耗会高一点，平稳开的话能降到七个左右。", "怎么油耗这么高？", "follow_up"),
    # short but helpful answers
    ("您别担心，这个问题我们来处理，明天上午给您回电话。", "怎么还没好？", "delivery"),
    ("这台车在二楼，我带您过去。", "那台白色的在哪？", "reception"),
    ("保险的理赔流程我给您写下来：先打报案电话，再来店里定损，我们帮您跑手续。", "保险怎么理赔？", "delivery"),
    ("这点钱您放心，我们明细都写在合同里。", "手续费多少？", "closing"),
    # agreement that owns a mistake; praise of the customer's view
    ("您说得对，对对，这个确实是我们没讲清楚。", "你们没说要另外收费。", "negotiation"),
    ("您的想法很实在，这款车也考虑到了这一点。", "我觉得空间最重要。", "needs"),
    # a cause explained without waving the complaint off
    ("新车磨合期油耗高一点很正常，过了三千公里就降下来了，我帮您记一下。", "油耗怎么这么高？", "follow_up"),
    # hospitality while the customer thinks; chat where it is welcome (G3)
    ("好的，我去给您倒杯水，您慢慢想。", "你让我想想。", "closing"),
    ("外面挺热的吧？先进来坐，喝点什么？", "", "reception"),
    ("您这身打扮真精神，今天是专门来试驾的吧？我把车钥匙拿来。", "", "reception"),
    # finance and needs talk that shares words with hindsight blame, money put-downs, brush-offs and sneers
    ("您要是早上方便，可以过来试驾，那时候路上车少。", "", "phone"),
    ("您收入要是比较稳定，可以考虑三年分期，压力小一些。", "一次付清有点紧。", "negotiation"),
    ("您看哪款车不错？我按您说的预算给您挑两台。", "", "needs"),
    ("这都包含在落地价里了，还送您一年保养。", "落地还要加什么钱？", "negotiation"),
    # words shared with the added structures: a fair comparison offer, a manual page shown and walked through,
    # time to read the contract, a car already sold (a fact, not a threat), a question about the customer's habit,
    # a trade-in, a warranty offered, a mistake owned
    ("别家报价更低的话，您把报价单发我，我帮您逐项对比一下。", "别家便宜三千。", "negotiation"),
    ("这个功能说明书第35页有图解，我现在带您在车上操作一遍。", "这个功能怎么开？", "delivery"),
    ("合同您慢慢看，有不清楚的条款随时问我，看完再签。", "我想仔细看看合同。", "closing"),
    ("那台白色的上午已经被人订走了，同款灰色的还有现车，您要不要看看？", "那台白的还有吗？", "presentation"),
    ("您平时开得快吗？高速多的话我推荐这个版本。", "", "needs"),
    ("二手车置换的话，您的旧车我们也可以评估，能抵一部分车款。", "我有台旧车。", "negotiation"),
    ("车都有三年质保，有问题您随时找我们。", "坏了怎么办？", "presentation"),
    ("刚才是我没讲清楚，这个按钮要长按三秒，我给您示范一下。", "怎么充不上电？", "delivery"),
]


@pytest.mark.parametrize("code, reply, context, stage", POSITIVES)
def test_trust_breaker_structure_is_read_with_evidence_in_the_reply(code, reply, context, stage):
    r = read_turn(reply, context, stage, "social")
    assert code in r.anti_patterns, (reply, r.anti_patterns)
    start, end = r.anti[code]
    assert 0 <= start < end <= len(reply)
    if code in load_cues().strike:
        assert "做得好" not in score_turn(r)["feedback"]


@pytest.mark.parametrize("reply, context, stage", HARD_NEGATIVES)
def test_hard_negative_is_not_a_trust_breaker(reply, context, stage):
    r = read_turn(reply, context, stage, "social")
    assert r.anti_patterns == [], (reply, r.anti_patterns)


def test_hospitality_alone_is_not_chat_but_chat_beside_it_is():
    served = read_turn("好的，我给您倒杯茶。", "能不能再便宜点？", "negotiation", "social")
    assert "small_talk" in served.acts and "off_topic" not in served.anti_patterns
    chat = read_turn("我给您倒杯茶。昨晚的球赛您看了吗？", "能不能再便宜点？", "negotiation", "social")
    assert "off_topic" in chat.anti_patterns
    start, end = chat.anti["off_topic"]
    assert "球赛" in chat.original[start:end]


def test_chat_after_an_objection_is_welcome_at_reception_and_delivery_but_not_in_presentation():
    line = "今天天气真不错，您周末一般去哪儿玩？"
    objection = "这车太贵了。"
    assert "off_topic" not in read_turn(line, objection, "reception", "social").anti_patterns
    assert "off_topic" not in read_turn(line, objection, "delivery", "social").anti_patterns
    assert "off_topic" in read_turn(line, objection, "presentation", "social").anti_patterns


def test_a_form_of_address_is_no_part_of_a_trust_breaker_or_of_its_absence():
    for address in ("", "王哥，", "美女，", "李总，"):
        assert "pressure" in read_turn(address + "您到底买不买？", "我再想想。", "closing", "social").anti_patterns
        assert read_turn(address + "不着急，您慢慢看。", "我再想想。", "closing", "social").anti_patterns == []


def test_a_sneer_in_answer_to_a_question_also_brushes_the_question_off():
    asked = read_turn("说了您也不懂，反正就是更省油。", "这个混动是怎么省油的？", "presentation", "social")
    assert {"belittle_customer", "dismissive"} <= set(asked.anti_patterns)
    told = read_turn("说了您也不懂，反正就是更省油。", "我觉得混动没什么用。", "presentation", "social")
    assert "belittle_customer" in told.anti_patterns and "dismissive" not in told.anti_patterns


def test_never_having_driven_one_is_a_sneer_only_as_a_question():
    # The cue once ended in a YAML-doubled backslash, which made its question mark optional.
    asked = read_turn("您没开过这种车吧？", "这车怎么这么难开。", "test_drive", "social")
    told = read_turn("您没开过这种车，我先带您熟悉一下按键。", "这车怎么这么难开。", "test_drive", "social")
    assert "belittle_customer" in asked.anti
    assert "belittle_customer" not in told.anti


def test_instalment_talk_is_no_hindsight_blame():
    # 您要是…的话 shares its words with hindsight blame (您要是早…); its short figure is a bare price, not a breaker
    r = read_turn("您要是按揭的话，首付三成就行，月供大概两千八。", "贷款怎么算？", "negotiation", "social")
    assert not set(r.anti) & set(TRUST_BREAKERS)


def test_every_anti_pattern_the_reading_reports_has_a_chinese_name_for_trainers():
    from ssp_coach.reading.phrases import ANTI_CODES
    from ssp_coach.reports.scorecard import load_config

    names = load_config()["labels"]["anti_patterns"]
    assert all(names.get(code) and not names[code].isascii() for code in ANTI_CODES)


def test_chat_dodges_a_question_the_customer_just_asked_outside_the_chat_stages():
    asked = read_turn("昨晚的球赛您看了吗？", "这车油耗多少？", "presentation", "social")
    nothing_open = read_turn("昨晚的球赛您看了吗？", "", "presentation", "social")
    at_reception = read_turn("昨晚的球赛您看了吗？", "你们几点下班？", "reception", "social")
    assert "off_topic" in asked.anti
    assert "off_topic" not in nothing_open.anti and "off_topic" not in at_reception.anti
