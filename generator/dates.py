"""Policy dates as schools write them, and the day each one means."""
from __future__ import annotations

import calendar
import re
from datetime import date

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_TERM_END = {"spring": (3, 31), "summer": (7, 31), "autumn": (12, 31)}


def parse_policy_date(text: str) -> date | None:
    """The last day a policy date can mean: `Summer 2021` → 2021-07-31, `January 2024` → 2024-01-31."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    match = re.fullmatch(r"([A-Za-z]+)\s+(\d{4})", text)
    if not match:
        return None
    word, year = match.group(1).lower(), int(match.group(2))
    if word in _TERM_END:
        month, day = _TERM_END[word]
        return date(year, month, day)
    if word in _MONTHS:
        month = _MONTHS[word]
        return date(year, month, calendar.monthrange(year, month)[1])
    return None
