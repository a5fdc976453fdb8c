"""Policy dates as schools write them, and the day each one means."""
from __future__ import annotations

import calendar
import os
import re
from datetime import date, datetime, timezone

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


def years_later(text: str, years: int) -> str | None:
    """The same policy date `years` on, written the same way: `Summer 2019`, 2 → `Summer 2021`."""
    if parse_policy_date(text) is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
        day = date.fromisoformat(text.strip())
        return day.replace(year=day.year + years, day=min(day.day, calendar.monthrange(day.year + years, day.month)[1])).isoformat()
    word, year = text.split()
    return f"{word} {int(year) + years}"


def long_date(day: date) -> str:
    """`29 November 2022`: the one style every page and document uses for a day."""
    return f"{day.day} {day:%B %Y}"


def display_date(text: str) -> str:
    """A policy date as staff read it: an ISO day becomes `29 November 2022`; `Summer 2019` and
    `September 2024` stay as written (they name a term or month, not a day)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = parse_policy_date(text)
        return long_date(day) if day else text
    return text


def adopted_phrase(text: str) -> str:
    """`in Summer 2019`, `in September 2024` or `on 29 November 2022`, after "adopted"."""
    shown = display_date(text)
    return f"on {shown}" if shown != text.strip() else f"in {shown}"


def build_date() -> date:
    """Today, or the day SOURCE_DATE_EPOCH names, so that reproducible builds stay reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date() if epoch else date.today()
