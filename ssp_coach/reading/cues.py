"""The one cue syntax trainers write in content/phrases/*.yml, and its compiler.

A cue is a Python regular expression over the normalised (Simplified, half-width) text, with one
shorthand: "…" stands for a short gap inside one clause (如果…麻烦您). A plain phrase is a valid cue.
A list of cues compiles to one alternation, longest cue first, so an evidence span covers the whole cue.
"""

import re
from typing import Any, Iterable, List, Optional, Pattern, Tuple

from ..content import ContentError
from ..text import normalise

GAP = r"[^,，。!！?？;；:：\n]{0,20}?"
Span = Tuple[int, int]


def compile_cue(entry: Any, where: str) -> str:
    if not isinstance(entry, (str, int)) or not str(entry).strip():
        raise ContentError(f"{where}: expected a non-empty cue string, got {entry!r}")
    # Folding makes "~～" a "~~", which Python reads as a future set operator inside [...]: escape the second.
    source = normalise(str(entry)).replace("…", GAP).replace("~~", "~\\~")
    try:
        re.compile(source)
    except re.error as e:
        raise ContentError(f"{where}: invalid cue {entry!r}: {e}") from e
    return source


def compile_cues(entries: Any, where: str) -> Pattern:
    """One pattern matching any cue of the list (first match = leftmost, then longest cue)."""
    if isinstance(entries, str):
        entries = [entries]
    if not isinstance(entries, list) or not entries:
        raise ContentError(f"{where}: expected a non-empty list of cues")
    sources = [compile_cue(e, f"{where}[{i}]") for i, e in enumerate(entries)]
    ordered = sorted(dict.fromkeys(sources), key=len, reverse=True)
    return re.compile("|".join(f"(?:{s})" for s in ordered))


def find(pattern: Pattern, text: str, start: int = 0, end: Optional[int] = None) -> Optional[Span]:
    """The first non-empty match of `pattern` in text[start:end], as absolute offsets."""
    stop = len(text) if end is None else end
    for m in pattern.finditer(text, start, stop):
        if m.end() > m.start():
            return m.start(), m.end()
    return None


def find_all(pattern: Pattern, text: str, start: int = 0, end: Optional[int] = None) -> List[Span]:
    stop = len(text) if end is None else end
    return [(m.start(), m.end()) for m in pattern.finditer(text, start, stop) if m.end() > m.start()]


def cue_entries(data: Any) -> Iterable[Tuple[str, str]]:
    """Every (field path, cue) in a nested phrase mapping: used to check cue support in the corpus."""
    if isinstance(data, dict):
        for key, value in data.items():
            for path, cue in cue_entries(value):
                yield (f"{key}.{path}" if path else str(key)), cue
    elif isinstance(data, list):
        for value in data:
            if isinstance(value, (str, int)):
                yield "", str(value)
