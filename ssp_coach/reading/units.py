"""The one splitter of a reply into sentences, clauses and questions (offsets into the normalised text,
which has the same length as the original).

Chat messages often carry no punctuation: a space between two words, a tilde or an emoji ends a sentence
there ("方便不 我加您微信"), and a question particle (吗/呢) followed straight by more words ends one too
("您看行吗我马上安排"). The text itself is never changed; only the boundaries are."""

import re
from typing import List, Pattern, Tuple

Span = Tuple[int, int]
CJK = re.compile(r"[\u4e00-\u9fff]")
_EMOJI = "\U0001f300-\U0001faff\u2600-\u27bf"
# A space run is a separator unless it sits between two ASCII letters/digits ("1.5 T", "Car Play").
_SPACE_SEP = re.compile(r"(?<![A-Za-z0-9.])[ \t\u3000]+|[ \t\u3000]+(?![A-Za-z0-9.])")
# 吗/呢 end a sentence even without punctuation when words follow (not 吗啡, 呢子, 呢绒).
_PARTICLE_END = re.compile(r"(?<=[\u4e00-\u9fff])(?:吗|呢)(?=[\u4e00-\u9fff])(?!子|绒)")
_END_CHARS = "。!?;\n~～" + _EMOJI
TAG_CHARS = 3  # a question this short (行不? 好吗? 对吧?) is a tag on the sentence before it
_SPACE = " \t\u3000"


def _cuts(text: str) -> List[Tuple[int, int]]:
    """(end of one sentence, start of the next) at every boundary, punctuated or not."""
    cuts = [(m.end(), m.end()) for m in re.finditer(f"[{_END_CHARS}]+", text)]
    cuts += [(m.start(), m.end()) for m in _SPACE_SEP.finditer(text) if 0 < m.start() and m.end() < len(text)]
    cuts += [(m.end(), m.end()) for m in _PARTICLE_END.finditer(text)]
    return sorted(cuts)


def sentences(text: str) -> List[Span]:
    spans: List[Span] = []
    start = 0
    for end, nxt in _cuts(text) + [(len(text), len(text))]:
        if end < start:
            continue
        s, e = start, end
        while s < e and text[s] in _SPACE:
            s += 1
        while e > s and text[e - 1] in _SPACE:
            e -= 1
        if text[s:e].strip(_END_CHARS + _SPACE):
            spans.append((s, e))
        elif spans and e > s:  # stray punctuation belongs to the sentence before it
            spans[-1] = (spans[-1][0], e)
        start = max(start, nxt)
    return spans


def clauses(text: str) -> List[Span]:
    """A clause ends at a comma, colon, sentence end or separator; a full stop between digits (5.8升) is
    not an end."""
    out = []
    for s, e in sentences(text):
        body = text[s:e]
        for m in _CLAUSE.finditer(body):
            if m.group().strip():
                out.append((s + m.start(), s + m.end()))
    return out


_CLAUSE = re.compile(r"(?:[^,、。!?;:\n.~～" + _EMOJI + r"]|(?<=\d)\.(?=\d))+")


def questions(text: str, sentence_spans: List[Span], question_end: Pattern) -> List[Span]:
    """Sentences that ask something: ending in ? or a question form (skills.yml questions.question_end)."""
    out: List[Span] = []
    for i, (s, e) in enumerate(sentence_spans):
        body = text[s:e].rstrip()
        if not body or not question_end.search(body):
            continue
        # A tag question (行不? / 好吗? / 对吧?) asks about the sentence before it: they form one question.
        if i and cjk_count(body) <= TAG_CHARS and not (out and out[-1][1] >= sentence_spans[i - 1][1]):
            s = sentence_spans[i - 1][0]
        out.append((s, s + len(text[s:e].rstrip())))
    return out


def cjk_count(text: str) -> int:
    return len(CJK.findall(text))


def clause_at(spans: List[Span], offset: int, fallback: Span) -> Span:
    return next((c for c in spans if c[0] <= offset < c[1]), fallback)
