"""`core.sanitize.printable`: no control character survives, everything else is untouched."""

from __future__ import annotations

import json
import re

from hypothesis import given
from hypothesis import strategies as st

from core.sanitize import printable

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    assert not UNSAFE.search(printable(text))
    assert not re.search("[\t\n]", printable(text, one_line=True))


@given(st.text(alphabet=st.characters(exclude_categories=("Cc", "Cf", "Zl", "Zp"))))
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert printable(text) == text == printable(text, one_line=True)


def test_escape_sequences_become_visible_and_json_stays_json() -> None:
    title = "a\x1b]0;pwned\x07b\x1b[2J\x9b31m\u202eevil\tx\ny"
    shown = printable(title)
    assert shown == "a\\u001b]0;pwned\\u0007b\\u001b[2J\\u009b31m\\u202eevil\tx\ny"
    assert printable(title, one_line=True).endswith("evil\\u0009x\\u000ay")
    as_json = printable(json.dumps({"title": title}, ensure_ascii=False))
    assert json.loads(as_json) == {"title": title}
