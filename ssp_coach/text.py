"""Text normalisation: Traditional -> Simplified with character offsets kept.

Matching runs on the normalised text; evidence spans must point into the original. OpenCC's t2s
conversion keeps length for almost all input; when a phrase mapping changes length we fall back to
per-character conversion, which always keeps a 1:1 offset mapping.
"""

import hashlib
import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC

_converter = OpenCC("t2s")


@lru_cache(maxsize=4096)
def _char_t2s(ch: str) -> str:
    out = _converter.convert(ch)
    return out if len(out) == 1 else ch


@lru_cache(maxsize=8192)
def to_simplified(text: str) -> str:
    """Simplified-script text of exactly the same length as `text` (offsets stay valid)."""
    converted = _converter.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_char_t2s(ch) for ch in text)


# Hong Kong consultants write Cantonese words in Traditional script (唔使, 有冇, 幾多, 我哋). Each is read as the
# Mandarin word of the same length, so the cues and models written for Mandarin read them too. A word that
# also occurs in Mandarin is mapped only where the Mandarin reading cannot be meant (not 係 in 關係 or 係數,
# 仲 in 仲裁 or 不相伯仲, 點解 in 重點解決, 而家 in 然而家人, 邊位 in 路邊位置, the "hmm" 唔，…).
# (Cantonese word, Mandarin word of the same length, what must or must not surround it, as regex lookarounds)
CANTONESE_WORDS = (
    ("唔該", "谢谢", "", ""),
    ("唔使", "不用", "", ""),
    ("唔駛", "不用", "", ""),
    ("唔緊要", "不要紧", "", ""),
    ("唔得閒", "没有空", "", ""),
    ("得唔得閒", "有没有空", "", ""),
    ("得閒", "有空", "", ""),
    ("得唔得", "行不行", "", ""),
    ("係咪", "是不", "", ""),
    ("點解", "为何", "", r"(?![決决釋释說说讀读答析])"),
    ("點樣", "怎样", "", ""),
    ("點算", "怎办", "", ""),
    ("乜嘢", "什么", "", ""),
    ("咩嘢", "什么", "", ""),
    ("咁樣", "这样", "", ""),
    ("而家", "现在", r"(?<!然)", ""),
    ("琴日", "昨天", "", ""),
    ("聽日", "明天", "", r"(?![本語语])"),
    ("朝早", "上午", "", ""),
    ("下晝", "下午", "", ""),
    ("晏晝", "中午", "", ""),
    ("幾多", "多少", "", ""),
    ("幾時", "何时", "", ""),
    ("邊度", "哪里", "", r"(?!假)"),
    ("邊個", "哪个", "", ""),
    ("邊位", "哪位", "", r"(?!置)"),
    ("邊間", "哪家", "", ""),
    ("邊架", "哪辆", "", ""),
    ("呢度", "这里", "", ""),
    ("嗰度", "那里", "", ""),
    ("啱啱", "刚刚", "", ""),
    ("搞掂", "搞定", "", ""),
    ("唔", "不", "", r"(?=[\u4e00-\u9fff])"),  # only before a word (唔好); a 唔 on its own (唔，我再想想) is a "hmm"
    ("冇", "没", "", ""),
    ("嘅", "的", "", ""),
    ("咗", "了", "", ""),
    ("喺", "在", "", ""),
    ("啲", "些", "", ""),
    ("咩", "吗", "", r"(?=\s*(?:[?？!！。]|$))"),  # only at the end of a question (真係咩?); elsewhere 咩 asks "what"
    ("咩", "啥", "", ""),
    ("乜", "啥", "", ""),
    ("佢", "他", "", ""),
    ("哋", "们", "", ""),
    ("嗰", "那", "", ""),
    ("睇", "看", "", ""),
    ("俾", "给", "", ""),
    ("畀", "给", "", ""),
    ("嚟", "来", "", ""),
    ("揸", "开", "", ""),
    ("諗", "想", "", ""),
    ("攰", "累", "", ""),
    ("慳", "省", "", ""),
    ("搵", "找", "", ""),
    ("攞", "拿", "", ""),
    ("啱", "对", "", ""),
    ("係", "是", r"(?<![關联聯體体干幹維维])", r"(?![數数])"),
    ("仲", "还", r"(?<!伯)", r"(?![裁夏介])"),
    (
        "呢",
        "这",
        "",
        r"(?=[架個个度款部啲位次排間间])",
    ),  # only before a measure word (呢架車); elsewhere the particle 呢 stays
)
# part of the learned models' cache keys: they are trained on normalised text
NORMALISATION_KEY = hashlib.sha256(repr(CANTONESE_WORDS).encode()).hexdigest()[:12]


# one capturing group per entry, with no group inside: the group that matched names the entry
_CANTONESE_RE = re.compile("|".join(f"({before}{word}{after})" for word, _, before, after in CANTONESE_WORDS))


def _mandarin_word(match: "re.Match[str]") -> str:
    return CANTONESE_WORDS[(match.lastindex or 1) - 1][1]


def _cantonese_as_mandarin(text: str) -> str:
    return _CANTONESE_RE.sub(_mandarin_word, text)


def normalise(text: str) -> str:
    """Same-length normalisation for matching: full-width ASCII folded, Cantonese words read as Mandarin,
    Traditional -> Simplified."""
    folded = "".join(
        unicodedata.normalize("NFKC", ch) if len(unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in text
    )
    return to_simplified(_cantonese_as_mandarin(folded))


_CJK = re.compile(r"[\u4e00-\u9fff]")


def cjk_ratio(text: str) -> float:
    """Share of non-space characters that are CJK ideographs (0 for empty text)."""
    chars = [c for c in text if not c.isspace()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if _CJK.match(c)) / len(chars)


def spreadsheet_cell(value) -> str:
    """A CSV cell as text; text a spreadsheet would run as a formula is prefixed with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def has_lone_surrogate(text: str) -> bool:
    """Text that cannot be stored as UTF-8 (a lone surrogate such as "\\ud800", which JSON can carry)."""
    try:
        text.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True
