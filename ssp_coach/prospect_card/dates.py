"""Reading a next-contact date typed in Chinese (明天, 下周三, 12月5日, 2026-12-05 ...) relative to today."""

import datetime as dt
import re
from typing import Optional, Tuple

from ..text import to_simplified

WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
RELATIVE = {"今天": 0, "明天": 1, "后天": 2, "大后天": 3}
CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

PAST = "这个日期已经过去了，下次联系要安排在今天或以后。"
IMPOSSIBLE = "没有这一天（{text}），请检查月份和日期。"
UNREADABLE = "没有看懂这个日期，可以写：明天、下周三、3天后、12月5日或2026-12-05。"


def _number(text: str) -> Optional[int]:
    if text.isdigit():
        return int(text)
    if text in CN_DIGITS:
        return CN_DIGITS[text]
    if len(text) == 2 and text[0] == "十" and text[1] in CN_DIGITS:
        return 10 + CN_DIGITS[text[1]]
    return None


def _make(year: int, month: int, day: int, text: str) -> Tuple[Optional[dt.date], Optional[str]]:
    try:
        return dt.date(year, month, day), None
    except ValueError:
        return None, IMPOSSIBLE.format(text=text)


def read_date(text: str, today: dt.date) -> Tuple[Optional[dt.date], Optional[str]]:
    """(date, None) or (None, a Chinese message saying what is wrong). Past dates are refused."""
    t = to_simplified(text or "").strip().replace(" ", "")
    found, error = _read(t, today)
    if error:
        return None, error
    if found is None:
        return None, UNREADABLE
    if found < today:
        return None, PAST
    return found, None


def _read(t: str, today: dt.date) -> Tuple[Optional[dt.date], Optional[str]]:
    iso = re.search(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?", t)
    if iso:
        return _make(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)), iso.group(0))
    md = re.search(r"(\d{1,2})月(\d{1,2})[日号]?", t) or re.search(r"^(\d{1,2})[/-](\d{1,2})$", t)
    if md:
        month, day = int(md.group(1)), int(md.group(2))
        found, error = _make(today.year, month, day, md.group(0))
        if error:  # 2月29日 may exist next year
            return _make(today.year + 1, month, day, md.group(0)) if (month, day) == (2, 29) else (None, error)
        if found and found < today:  # "12月5日" said in December after the 5th means next year
            return _make(today.year + 1, month, day, md.group(0))
        return found, None
    for word in sorted(RELATIVE, key=len, reverse=True):
        if word in t:
            return today + dt.timedelta(days=RELATIVE[word]), None
    after = re.search(r"([0-9一二两三四五六七八九十]+)(天|周|个星期|星期|个月)[之以]?后", t)
    if after:
        n = _number(after.group(1))
        if n is None:
            return None, UNREADABLE
        days = {"天": 1, "周": 7, "个星期": 7, "星期": 7, "个月": 30}[after.group(2)] * n
        return today + dt.timedelta(days=days), None
    week = re.search(r"(下下|下个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天])", t)
    if week:
        offset = {"下下": 14, "下": 7, "下个": 7}.get(week.group(1) or "", 0)
        monday = today - dt.timedelta(days=today.weekday())
        found = monday + dt.timedelta(days=offset + WEEKDAYS[week.group(2)])
        if not week.group(1) and found < today:  # a bare 周三 already past this week means next week's
            found += dt.timedelta(days=7)
        return found, None
    return None, None
