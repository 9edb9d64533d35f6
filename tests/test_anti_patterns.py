"""Anti-patterns (fields of the one reading): each code detected with evidence and a hint, the look-alikes
that must not be flagged, and the gates of the new codes (belittle_customer, off_topic, ultimatums)."""
import pytest

from ssp_coach.reading import read_turn
from ssp_coach.scoring import score_turn


def read(reply, context="", customer_type="social", stage="presentation"):
    return read_turn(reply, context, stage, customer_type)


def anti(reply, context="", customer_type="social", stage="presentation"):
    return read(reply, context, customer_type, stage).anti_patterns


@pytest.mark.parametrize("reply, context, customer_type, code", [
    ("您说的不对，这车一点都不费油。", "听说这车费油。", "social", "contradict"),
    ("不可能，我们的车从来没出过问题。", "我朋友说变速箱有毛病。", "social", "contradict"),
    ("那是您自己没按时保养，跟车没关系。", "才两年就漏油了。", "social", "blame"),
    ("那个牌子的车就是垃圾，开两年就散架。", "我也在看别的牌子。", "social", "belittle_competitor"),
    ("今天不定明天就没了，您自己看着办。", "我再考虑一下。", "social", "pressure"),
    ("你到底买不买？", "我再想想。", "dominant", "pressure"),
    ("您今天就定了吧，这个价格明天就没有了。", "我再看看。", "dominant", "pressure"),
    ("随便。", "还有别的颜色吗？", "social", "dismissive"),
    ("嗯。", "我想了解一下售后。", "social", "dismissive"),
    ("没关系啊，反正您也不挑。", "我不太懂车。", "social", "dismissive"),
    ("发动机噪音是有点大，习惯就好。", "开起来怎么样？", "social", "noisy_engine"),
    ("十五万八。", "这车多少钱？", "social", "bare_price"),
    ("我们车质量特别好，您放心买。", "可靠性怎么样？", "analytical", "vague_claim"),
    ("隨便。", "還有別的顏色嗎？", "social", "dismissive"),  # Traditional script
    # new in the refactor: ultimatums are pressure; belittling the customer is its own code
    ("这个价格已经是最低了，不能再便宜了，你爱买不买", "能不能再便宜点？", "dominant", "pressure"),
    ("您都36了，买个车还要问爸妈啊？", "我回去问问我爸妈再说。", "social", "belittle_customer"),
])
def test_anti_pattern_detected(reply, context, customer_type, code):
    r = read(reply, context, customer_type)
    assert code in r.anti_patterns and code in r.anti
    a = score_turn(r)
    assert code in a["anti_patterns"]
    ev = [e for e in a["evidence"] if e["label"] == "anti" and e["part"] == code]
    assert ev and reply[ev[0]["start"]:ev[0]["end"]] == ev[0]["text"]
    assert any(m["part"] == code and m["label"] == "anti" and m["message"] for m in a["missing"])


def test_anti_patterns_list_is_ordered_and_matches_the_span_map():
    r = read("您说的不对，那个牌子的车就是垃圾。", "我朋友说那个牌子更好。")
    assert set(r.anti_patterns) == set(r.anti) and len(r.anti_patterns) >= 2
    assert r.anti_patterns == sorted(r.anti_patterns, key=r.anti_patterns.index)  # a list, no duplicates
    assert len(set(r.anti_patterns)) == len(r.anti_patterns)


LONG = ("我给您全面介绍一下。这款车外观是家族式设计，前脸很大气。侧面腰线流畅，轮毂18寸。内饰用了很多软性材料，"
        "中控是12.3寸大屏。动力是1.5T加7速双离合，百公里加速9秒。安全配置有6个气囊和主动刹车。最后保值率也很高。")


def test_lecture_only_to_a_dominant_customer():
    assert "lecture" in anti(LONG, "说重点。", "dominant")
    assert "lecture" not in anti(LONG, "说重点。", "analytical")


def test_vague_claim_only_without_data_and_only_for_analytical():
    assert "vague_claim" not in anti("我们车质量特别好。", customer_type="social")
    with_data = anti("我们车质量特别好，J.D. Power 新车质量排名第一，百车故障数只有98。", customer_type="analytical")
    assert "vague_claim" not in with_data


@pytest.mark.parametrize("reply, context", [
    ("您听听这个发动机的声浪，是不是很有劲？", ""),
    ("这台车指导价十五万八，已经包含了全景天窗和五年质保，同级车要多花两万才能配齐。", "这车多少钱？"),
    ("您说得有道理，那款车确实便宜一些，不过我们这台安全配置更全。", "那款车便宜一万。"),
    ("好的，我帮您查一下库存，马上回来。", "有白色现车吗？"),
    ("一万公里保养一次，每次三百多。", "保养贵吗？"),
    ("那没关系，您先随便看看，有什么想了解的随时叫我。", "我先自己看看。"),
    ("您朋友这么说一定有他的理由，他们主要说的是哪方面不行呢？", "我朋友说你们这车不行。"),
    ("这么好的用车习惯，难怪您的车开了两年还跟新的一样。", "我每五千公里都查胎压。"),
])
def test_clean_replies_are_not_flagged(reply, context):
    r = read(reply, context, "social")
    assert r.anti_patterns == [] and r.anti == {}
    assert not [m for m in score_turn(r)["missing"] if m["label"] == "anti"]


# ---------------------------------------------------------------- off_topic gate

def test_small_talk_after_a_price_objection_is_off_topic_and_not_a_commitment():
    r = read("昨晚的球赛您看了吗？", "太贵了，隔壁店同款便宜两万。", "social", "negotiation")
    assert "small_talk" in r.acts and r.objection.customer_objects
    assert "off_topic" in r.anti_patterns
    a = score_turn(r)
    assert "off_topic" in a["anti_patterns"] and "commit" not in a["techniques"]


def test_small_talk_in_price_talks_is_off_topic_even_without_an_objection():
    assert "off_topic" in anti("昨晚的球赛您看了吗？", "", "social", "negotiation")


def test_small_talk_in_reception_is_welcome():
    r = read("昨晚的球赛您看了吗？", "今天人不多啊。", "social", "reception")
    assert "small_talk" in r.acts and "off_topic" not in r.anti_patterns


def test_price_talk_with_small_talk_is_not_off_topic():
    r = read("这台车现在落地价十六万二，含三年保险，您看这个价位合适吗？", "太贵了。", "social", "negotiation")
    assert "off_topic" not in r.anti_patterns


# ---------------------------------------------------------------- ultimatums and belittling

def test_an_ultimatum_is_pressure_and_has_no_fbi_and_no_future_event_close():
    r = read("这个价格已经是最低了，不能再便宜了，你爱买不买", "能不能再便宜点？", "dominant", "negotiation")
    assert "pressure" in r.anti_patterns and r.closing != "future_event"
    assert not r.product_talk
    a = score_turn(r)
    assert not any(a["fbi"][p] for p in ("feature", "benefit", "impact"))
    assert "做得好" not in a["feedback"]


def test_belittling_the_customer_breaks_trust_in_the_feedback():
    a = score_turn(read("您都36了，买个车还要问爸妈啊？", "我回去问问我爸妈再说。", "social", "negotiation"))
    assert "belittle_customer" in a["anti_patterns"]
    assert "做得好" not in a["feedback"] and a["techniques"] == []
