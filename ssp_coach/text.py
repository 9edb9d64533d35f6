"""Text normalisation: Traditional -> Simplified with character offsets kept.

Matching runs on the normalised text; evidence spans must point into the original. OpenCC's t2s
conversion keeps length for almost all input; when a phrase mapping changes length we fall back to
per-character conversion, which always keeps a 1:1 offset mapping.
"""

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


def normalise(text: str) -> str:
    """Same-length normalisation for matching: full-width ASCII folded, Traditional -> Simplified."""
    folded = "".join(
        unicodedata.normalize("NFKC", ch) if len(unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in text
    )
    return to_simplified(folded)


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
