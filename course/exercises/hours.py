"""Opening hours as people type them ("Mon–Fri 8:00–18:00; Sat 9am–12pm"), read for checking.

Facebook's Page hours are days with opening and closing times, or "Always open". This reads
free text the way a clinic's front desk writes it: day names and abbreviations, ranges of days,
"weekdays", "daily"; times in 24-hour or am/pm form, "noon" and "midnight"; ranges joined by a
dash, "to" or "until". It reports what it could not make sense of; it does not need the text to
follow one format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_DAY = (
    r"mon(?:day)?s?|tues?(?:day)?s?|wed(?:nesday)?s?|thu(?:rs?)?(?:day)?s?|fri(?:day)?s?"
    r"|sat(?:urday)?s?|sun(?:day)?s?"
)
_SHORT_DAY = r"(?:mo|tu|we|th|fr|sa|su)"
_DAYS = re.compile(
    rf"\b(?:{_DAY}|{_SHORT_DAY}\s*[-–]\s*{_SHORT_DAY}|daily|every\s*day|weekdays?|weekends?"
    r"|7\s+days|seven\s+days"
    r"|(?:public|bank)\s+holidays?|holidays?)\b\.?",
    re.IGNORECASE,
)
_TIME = (
    r"(?:(?P<{0}h>\d{{1,2}})(?:[:.h](?P<{0}m>\d{{2}}))?\s*(?P<{0}ap>[ap]\.?\s?m\b\.?)?"
    r"|(?P<{0}word>noon|midday|midnight))"
)
_RANGE = re.compile(
    _TIME.format("a") + r"\s*(?:-|–|—|to|until|till|through)\s*" + _TIME.format("b"),
    re.IGNORECASE,
)
_ALWAYS = re.compile(r"\b(?:24\s*/\s*7|24\s+hours|always\s+open|open\s+24)\b", re.IGNORECASE)
_CLOSED = re.compile(r"\bclosed\b", re.IGNORECASE)


@dataclass
class Hours:
    """What was read from opening hours.

    Whether days are named, whether it says "always open" or "closed", the time ranges in
    minutes from midnight (a night's range ends before it starts), and, as typed, the ranges
    with an impossible time ("25:00", "13pm") or no length ("9:00-9:00").
    """

    days: bool = False
    always_open: bool = False
    closed_days: bool = False
    ranges: list[tuple[int, int]] = field(default_factory=list)
    impossible: list[str] = field(default_factory=list)
    empty: list[str] = field(default_factory=list)


def _minutes(match: re.Match, side: str) -> tuple[int | None, str | None]:
    """Minutes from midnight for one end of a range, and its am/pm (None when not said)."""
    word = match[f"{side}word"]
    if word:
        if word.lower() == "midnight":
            return (24 * 60 if side == "b" else 0), "word"
        return 12 * 60, "word"
    hour, minute = int(match[f"{side}h"]), int(match[f"{side}m"] or 0)
    ampm = (match[f"{side}ap"] or "").lower().replace(".", "").replace(" ", "") or None
    if minute > 59:
        return None, ampm
    if ampm:
        if not 1 <= hour <= 12:
            return None, ampm
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif hour > 24 or (hour == 24 and minute):
        return None, ampm
    return hour * 60 + minute, ampm


def read_hours(text: str) -> Hours:
    """Read opening hours from free text; never raises."""
    hours = Hours()
    if not isinstance(text, str):
        return hours
    hours.days = bool(_DAYS.search(text))
    hours.always_open = bool(_ALWAYS.search(text))
    hours.closed_days = bool(_CLOSED.search(text))
    for match in _RANGE.finditer(text):
        start, start_ampm = _minutes(match, "a")
        end, end_ampm = _minutes(match, "b")
        if start is None or end is None:
            hours.impossible.append(match[0].strip())
            continue
        # "9-5", "9am-5" and "9-5pm" mean 9 am to 5 pm; "1-5pm" means 1 pm to 5 pm. A start
        # after 12 without am/pm is the 24-hour clock, where "18:00-08:00" is a night.
        twenty_four = start_ampm is None and start >= 13 * 60
        if start_ampm is None and end_ampm == "pm" and start + 12 * 60 <= end:
            start += 12 * 60
        elif end_ampm is None and not twenty_four and end <= start and end < 12 * 60:
            end += 12 * 60
        if start == end % (24 * 60) and not (start == 0 and end == 24 * 60):
            hours.empty.append(match[0].strip())
            continue
        hours.ranges.append((start, end))
    return hours
