"""Todoist-style quick-add tokens: p1..p4, urgency words, #tags/@tags and projects."""

from __future__ import annotations

import re

from core.nlu.lazy import lazy
from core.nlu.lexicon import Text

_PRIORITY = lazy(
    r"(?<![\w#@])p([1-4])\b|\b(?:priority|prio)\s*:?\s*([1-4])\b|!!([1-4])\b"
    r"|\b(?:(?:high|top|highest)[\s-]+priority|urgent(?:ly)?|asap)\b\s*:?"
    r"|\b(?P<medium>medium|normal)[\s-]+priority\b|\b(?P<low>low(?:est)?)[\s-]+priority\b")
_TAG = lazy(r"(?<![\w.@#/])[#@]([^\W\d_][\w-]*)")
# "X project" names the project with the word(s) right before it; "project X" the word after.
_PROJECT_BEFORE = lazy(
    r"(?:\b(?:to|in|into|under|for|on)\s+)?(?:\b(?:the|my|our)\s+)?"
    r"\b((?:[\w&-]+\s+)?[\w&-]+)\s+project\b(?!\s+(?:plan|meeting|update|status|review))")
_PROJECT_AFTER = lazy(
    r"(?:\b(?:to|in|into|under|for|on)\s+)?(?:\b(?:the|my|our)\s+)?\bproject\s*:?\s+"
    r"(?!(?:plan|meeting|update|status|review|for|to|about|with|the|a|due|by|on|at|is|was|"
    r"and|next|this|today|tomorrow|tonight)\b)([\w&-]+)")
# "to my grocery list": the list is the project.
_LIST = lazy(r"\b(?:to|on|onto|in)\s+(?:my|the|our)\s+(?:([\w-]+)\s+)?list\b")
# The linking words right before a trimmed name ("to the Home project").
_PROJECT_LEAD = lazy(r"(?:\b(?:to|in|into|under|for|on)\s+)?(?:\b(?:the|my|our)\s+)?$")
_NOT_PROJECT = {"the", "a", "an", "my", "our", "this", "that", "new", "big", "side", "each",
                "every", "whole", "entire", "school", "group", "pet"}


class Tokens:
    """What quick-add tokens a sentence holds, and where (plain class: cheap to import)."""

    __slots__ = ("priority", "project", "spans", "tags")

    def __init__(self) -> None:
        self.priority: int | None = None
        self.tags: list[str] = []
        self.project: str | None = None
        self.spans: list[tuple[int, int, str]] = []


def find(text: Text, mask: str) -> Tokens:
    """Quick-add tokens in `mask` (normalised text with quoted titles blanked)."""
    found = Tokens()
    _priority(mask, found)
    for m in _TAG.finditer(mask):
        found.tags.append(text.raw_slice(m.start(1), m.end(1)))
        found.spans.append((m.start(), m.end(), "tag"))
    _project(text, mask, found)
    return found


def _priority(mask: str, found: Tokens) -> None:
    for m in _PRIORITY.finditer(mask):
        level = m[1] or m[2] or m[3]
        value = int(level) if level else 2 if m["medium"] else 3 if m["low"] else 1
        if found.priority is None:
            found.priority = value
        found.spans.append((m.start(), m.end(), "priority"))


def _project(text: Text, mask: str, found: Tokens) -> None:
    chars = list(mask)
    for a, b, _ in found.spans:
        chars[a:b] = " " * (b - a)
    mask = "".join(chars)  # "the Operations project p2": p2 is a priority, not a name
    listed = _LIST.search(mask)
    if listed:
        if listed[1] and listed[1] not in ("to-do", "todo", "task", "tasks"):
            found.project = text.raw_slice(listed.start(1), listed.end(1))
        found.spans.append((listed.start(), listed.end(), "project"))
        return
    for pattern in (_PROJECT_AFTER, _PROJECT_BEFORE):
        m = pattern.search(mask)
        if not m:
            continue
        a, b = _name_bounds(text, m, pattern is _PROJECT_BEFORE)
        if mask[a:b] not in _NOT_PROJECT:
            found.project = text.raw_slice(a, b)
            lead = _PROJECT_LEAD.search(mask, 0, a) if pattern is _PROJECT_BEFORE else None
            found.spans.append((lead.start() if lead else m.start(), m.end(), "project"))
            return


def _name_bounds(text: Text, m: re.Match[str], before: bool) -> tuple[int, int]:
    """The project name; two words only when both are capitalised ("Home Reno project")."""
    a, b = m.start(1), m.end(1)
    words = m[1].split()
    if before and len(words) == 2:
        first = text.raw_slice(a, a + len(words[0]))
        second = text.raw_slice(b - len(words[1]), b)
        if not (first[:1].isupper() and second[:1].isupper()):
            a = b - len(words[1])
    return a, b
