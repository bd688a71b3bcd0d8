"""Cutting a title (or a name) out of the raw text once the recognised parts are removed."""

from __future__ import annotations

import re

from core.nlu.lazy import lazy
from core.nlu.lexicon import Text

_LEAD_PREP = lazy(
    r"(?:\b(?:on|at|by|due|for|from|starting|until|till|before|around|between|during|"
    r"due\s+on|due\s+by|no\s+later\s+than|sometime|when\s+it's|when\s+it\s+is)\s*,?\s*)+$")
_TRAIL = lazy(
    r"(?:[\s,;:.!?\-–—/@]|\b(?:on|at|by|due|for|from|in|to|starting|until|till|before|around|"
    r"every|and|the|this|next|of|@|please|pls|plz|thanks|thx|asap|between|ok|lol|haha)\b)+$",
    re.IGNORECASE)
_LEAD = lazy(r"^(?:[\s,;:.!?\-–—]|\b(?:and|then|please|pls|plz|ok|okay|so)\b)+",
                   re.IGNORECASE)
_FILLER = lazy(r"^(?:(?:to|about|abt|that|of|re|regarding|for|with)\b\s*:?|(?:a|an)\s(?=\w+\s))\s*",
               re.IGNORECASE)
# Emoji and pictographs (with their joiners and variation selectors) say nothing a title needs.
_PICTOGRAPHS = lazy("[\u2190-\u21ff\u2300-\u23ff\u2460-\u27bf\u2b00-\u2bff\u3030\u303d"
                    "\U0001f000-\U0001faff\u200d\ufe0e\ufe0f]+")
QUOTED = lazy(r"(?<![\w'])(['\"‘“])(.+?)(['\"’”])(?![\w])")


def extend_left(norm: str, start: int) -> int:
    """Include a preposition that introduces a time phrase ("on friday", "by EOD")."""
    m = _LEAD_PREP.search(norm[:start])
    return m.start() if m else start


def carve(text: Text, start: int, end: int, removed: list[tuple[int, int]]) -> str:
    """Raw text of norm[start:end] without the removed norm ranges, gaps as single spaces."""
    dead = bytearray(len(text.norm))
    for a, b in removed:
        for i in range(max(a, 0), min(b, len(dead))):
            dead[i] = 1
    pieces: list[tuple[int, int]] = []
    for i in range(max(start, 0), min(end, len(text.norm))):
        if dead[i]:
            continue
        ra, rb = text.starts[i], text.ends[i]
        if pieces and pieces[-1] == (ra, rb):
            continue
        pieces.append((ra, rb))
    return _join(text.raw, pieces)


def _join(raw: str, pieces: list[tuple[int, int]]) -> str:
    out: list[str] = []
    last_end = -1
    for a, b in pieces:
        if last_end >= 0 and a > last_end:
            out.append(" ")
        out.append(raw[max(a, last_end):b] if a < last_end else raw[a:b])
        last_end = max(last_end, b)
    return re.sub(r"\s+", " ", "".join(out))


def tidy(title: str, filler: bool = False) -> str:
    """Trim dangling prepositions and punctuation left behind by removed phrases."""
    previous = None
    while previous != title:
        previous = title
        title = _TRAIL.sub("", _LEAD.sub("", title)).strip()
        if filler:
            title = _FILLER.sub("", title).strip()
    title = re.sub(r"\s+([,;:.!?])", r"\1", title)
    if _PICTOGRAPHS.search(title):
        title = tidy(" ".join(_PICTOGRAPHS.sub(" ", title).split()), filler)
    return unquote(title)


def unquote(title: str) -> str:
    m = QUOTED.fullmatch(title)
    return m[2].strip() if m else title


def quoted_spans(norm: str) -> list[tuple[int, int]]:
    """Norm ranges of quoted content (inside the quotes), e.g. add task 'call bank'."""
    return [(m.start(2), m.end(2)) for m in QUOTED.finditer(norm)]
