"""Grading a filled card against what the customer actually revealed in the role-play.

Each topic a field records is one of: correct (recorded, matches what the customer said), wrong (recorded,
contradicts or does not match what was said), invented (recorded but never learned), missed (learned but
not recorded), open (not learned and honestly left open). The intention level is checked against the
course's rules (content/prospect_levels.yml, the engine's own level for the role-play) and the next
contact against the level's follow-up interval."""

import datetime as dt
import re
from typing import Any, Dict, List, Optional

from ..text import to_simplified
from .answers import is_unknown
from .spec import CardSpec, load_spec

STATUS_LABELS = {
    "correct": "记录正确",
    "wrong": "与客户所说不符",
    "invented": "记录了但客户没说过",
    "missed": "客户说了但没记录",
    "open": "未了解，如实留空",
}
POINTS = {"correct": 2, "open": 1, "wrong": 0, "missed": 0, "invented": -1}
NUMBER = re.compile(r"\d+(?:\.\d+)?")


CLAUSE = re.compile(r"[，,；;。、/\s]+")


def _bigrams(text: str) -> set:
    """Two-character pieces of the Chinese text (numbers are compared whole, see matches)."""
    cjk = re.sub(r"[^\u4e00-\u9fff]", " ", to_simplified(text))
    return {cjk[i : i + 2] for i in range(len(cjk) - 1) if " " not in cjk[i : i + 2]}


def matches(recorded: str, said: str) -> bool:
    """The entry and what the customer said share a number or at least two word pieces."""
    numbers = set(NUMBER.findall(recorded)) & set(NUMBER.findall(said))
    return bool(numbers) or len(_bigrams(recorded) & _bigrams(said)) >= 2


def _claims(recorded: str, topic: str, spec: CardSpec) -> bool:
    """Some clause of the entry, other than one that says "未了解", says something about the topic."""
    clauses = [c for c in CLAUSE.split(to_simplified(recorded)) if c and not _says_unknown(c, spec)]
    return any(p.search(c) for c in clauses for p in spec.topic_cues.get(topic, []))


def _says_unknown(clause: str, spec: CardSpec) -> bool:
    return any(w in clause for w in spec.unknown_words if len(w) > 1)


def topic_status(recorded: Optional[str], topic: str, said: Optional[str], spec: CardSpec, heard: str = "") -> str:
    """How one topic of a field was recorded. `said` is what the customer told (None: never learned);
    `heard` everything the customer told, so an entry taken from another answer is not an invention."""
    value = recorded or ""
    blank = is_unknown(value, spec)
    if said is None:
        invented = not blank and _claims(value, topic, spec) and not (heard and matches(value, heard))
        return "invented" if invented else "open"
    if blank:
        return "missed"
    if matches(value, said):
        return "correct"
    return "wrong" if _claims(value, topic, spec) else "missed"


def _level_index(level_id: Optional[str], spec: CardSpec) -> Optional[int]:
    ids = [lv["id"] for lv in spec.levels]
    return ids.index(level_id) if level_id in ids else None


def grade_level(
    chosen: Optional[str], expected: Optional[str], trust: Optional[float], facts: int, spec: CardSpec
) -> Dict[str, Any]:
    """Is the chosen P-level what the course's rules give for this role-play?"""
    rule = spec.level(expected) or {}
    basis = f"本次信任度 {round(trust or 0)}，了解到 {facts} 项客户信息"
    ci, ei = _level_index(chosen, spec), _level_index(expected, spec)
    if chosen is None:
        return {"chosen": None, "expected": expected, "status": "missing", "feedback": "没有填写意向等级。"}
    if expected is None:
        return {
            "chosen": chosen,
            "expected": None,
            "status": "open",
            "feedback": "客户已离开，这张卡只作记录；意向等级仅供参考。",
        }
    label = f"{expected}（{rule.get('label', '')}：{rule.get('description', '')}）"
    if chosen == expected:
        return {
            "chosen": chosen,
            "expected": expected,
            "status": "correct",
            "feedback": f"意向等级 {chosen} 符合课程规则：{basis}，对应 {label}。",
        }
    if (spec.level(chosen) or {}).get("deal"):
        return {
            "chosen": chosen,
            "expected": expected,
            "status": "wrong",
            "feedback": f"客户还没有签约或交订金，不能记为 {chosen}。{basis}，按规则应为 {label}。",
        }
    # levels are listed hottest first (P0, P1 ... P4): a smaller index is a higher intention
    direction = "偏高" if ci is not None and ei is not None and ci < ei else "偏低"
    close = ci is not None and ei is not None and abs(ci - ei) == 1
    return {
        "chosen": chosen,
        "expected": expected,
        "status": "close" if close else "wrong",
        "feedback": f"意向等级 {chosen} {direction}：{basis}，按课程规则应为 {label}。",
    }


def grade_next_contact(
    date_iso: Optional[str], level: Optional[str], played_on: dt.date, spec: CardSpec
) -> Dict[str, Any]:
    rule = spec.level(level) or {}
    limit = int(rule.get("follow_up_days") or 0) or None  # type: ignore[call-overload]
    if not date_iso:
        return {"date": None, "days": None, "limit": limit, "status": "missing", "feedback": "没有约定下次联系日期。"}
    days = (dt.date.fromisoformat(date_iso) - played_on).days
    if limit and days > limit:
        return {
            "date": date_iso,
            "days": days,
            "limit": limit,
            "status": "late",
            "feedback": f"{level} 客户最迟 {limit} 天内要再次联系，{days} 天后才联系太晚了，意向可能被锁定。",
        }
    return {
        "date": date_iso,
        "days": days,
        "limit": limit,
        "status": "ok",
        "feedback": f"{days} 天后联系，在 {level or '该等级'} 的跟进周期（{limit} 天）之内。",
    }


def grade_card(
    card: Dict[str, Optional[str]],
    said: Dict[str, str],
    persona_name: str,
    expected_level: Optional[str],
    trust: Optional[float],
    played_on: dt.date,
    spec: Optional[CardSpec] = None,
) -> Dict[str, Any]:
    """The card's grade: per field and topic, the level, the next contact, a score and Chinese feedback.
    `said`: topic -> what the customer told in the role-play (only topics actually learned)."""
    spec = spec or load_spec()
    rows: List[Dict[str, Any]] = []
    heard = "\n".join(said.values())
    for f in spec.fields:
        if not f.topics:
            continue
        for topic in f.topics:
            status = topic_status(card.get(f.id), topic, said.get(topic), spec, heard)
            rows.append(
                {
                    "field": f.id,
                    "field_label": f.label,
                    "topic": topic,
                    "value": card.get(f.id),
                    "said": said.get(topic),
                    "status": status,
                    "status_label": STATUS_LABELS[status],
                }
            )
    contact = card.get("card_contact") or ""
    contact_ok = bool(persona_name) and persona_name[0] in contact
    level = grade_level(card.get("card_level"), expected_level, trust, len(said), spec)
    next_contact = grade_next_contact(card.get("card_next_date"), card.get("card_level"), played_on, spec)
    earned = sum(POINTS[r["status"]] for r in rows) + (2 if contact_ok else 0)
    earned += {"correct": 2, "close": 1, "open": 2}.get(level["status"], 0)
    earned += 2 if next_contact["status"] == "ok" else 0
    earned += 1 if not is_unknown(card.get("card_next_purpose"), spec) else 0
    best = 2 * len(rows) + 2 + 2 + 2 + 1
    score = max(0, round(100 * earned / best))
    return {
        "fields": rows,
        "contact_ok": contact_ok,
        "level": level,
        "next_contact": next_contact,
        "score": score,
        "feedback": feedback(rows, contact_ok, persona_name, level, next_contact),
    }


def feedback(
    rows: List[Dict[str, Any]], contact_ok: bool, persona_name: str, level: Dict[str, Any], next_contact: Dict[str, Any]
) -> List[str]:
    lines = []
    by = {s: [r for r in rows if r["status"] == s] for s in STATUS_LABELS}
    topics = lambda rs: "、".join(dict.fromkeys(r["field_label"] for r in rs))  # noqa: E731
    if by["correct"]:
        lines.append(f"记录准确：{topics(by['correct'])}。")
    if by["invented"]:
        lines.append(
            f"{topics(by['invented'])}：客户在对话中没有说过，A卡只记客户亲口说的，没了解到就写“未了解”，下次去问。"
        )
    if by["missed"]:
        lines.append(f"{topics(by['missed'])}：客户说过但卡上没有记下来，跟进时会用得上。")
    if by["wrong"]:
        lines.append(f"{topics(by['wrong'])}：记录和客户说的不一致，请核对。")
    if not contact_ok:
        lines.append(f"联系人要写客户的称呼（{persona_name}），方便下次联系。")
    lines.append(level["feedback"])
    lines.append(next_contact["feedback"])
    return lines


def said_in_roleplay(
    persona_facts: Dict[str, Any], record: List[Dict[str, Any]], revealed: List[str]
) -> Dict[str, str]:
    """topic -> what the customer said: the scorecard's fact record (revealed: the full answer; stated:
    the short answer to a closed question), plus facts revealed outside the scenario's record."""
    said = {t: persona_facts[t].answer for t in revealed or [] if t in persona_facts}
    for fact in record or []:
        f = persona_facts.get(str(fact.get("id")))
        if f is None:
            continue
        if fact.get("status") == "revealed":
            said[fact["id"]] = f.answer
        elif fact.get("status") == "stated":
            said[fact["id"]] = f.partial or f.answer
    return said
