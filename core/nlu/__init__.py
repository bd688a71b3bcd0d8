"""Offline natural-language understanding: `parse(text, now, tz)` -> intent and slots.

Pure standard library (plus dateutil for repeat rules, imported on first use); no I/O.
"""

from core.nlu.parser import Parsed, parse

__all__ = ["Parsed", "parse"]
