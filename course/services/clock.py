"""Time: stored in UTC, decided in the organisation's time zone, shown in each person's.

Every timestamp column holds naive UTC (`models.types.utcnow`). Dates people act on ("today",
a due date, overdue, an expiry, the date printed on a certificate) are decided in the
organisation's zone, the `ORGANISATION_TIME_ZONE` setting (an IANA name such as
"America/Los_Angeles"). Times are shown in the viewer's own zone (`User.time_zone`), or the
organisation's when they chose none, with the zone named. Nothing else converts time zones.
"""

import calendar
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app

from ..models.types import utcnow

DEFAULT_ZONE = "UTC"


class UnknownTimeZoneError(ValueError):
    """A name that is not an IANA time zone."""


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`; raises UnknownTimeZoneError for anything else."""
    if not name or name not in zone_names():
        raise UnknownTimeZoneError(f"{name!r} is not an IANA time zone name.")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZoneError(f"{name!r} is not an IANA time zone name.") from None


@lru_cache(maxsize=1)
def zone_names() -> frozenset[str]:
    """Every IANA zone name this machine knows (tzdata or the system's zoneinfo)."""
    return frozenset(available_timezones())


def organisation_zone() -> ZoneInfo:
    """The zone in which the organisation's dates are decided (setting ORGANISATION_TIME_ZONE)."""
    return zone(current_app.config.get("ORGANISATION_TIME_ZONE") or DEFAULT_ZONE)


def aware(moment: datetime) -> datetime:
    """A stored naive-UTC datetime as an aware UTC one (aware ones pass through)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def in_zone(moment: datetime, tz: ZoneInfo) -> datetime:
    """A stored UTC moment as the wall-clock time in `tz` (aware)."""
    return aware(moment).astimezone(tz)


def local_date(moment: datetime, tz: ZoneInfo | None = None) -> date:
    """The organisation's calendar date (or `tz`'s) at a stored UTC moment."""
    return in_zone(moment, tz or organisation_zone()).date()


def today(now: datetime | None = None) -> date:
    """The organisation's date now (or at `now`, naive UTC): what "today" means everywhere."""
    return local_date(now or utcnow())


def start_of_day(day: date, tz: ZoneInfo | None = None) -> datetime:
    """The naive-UTC moment the organisation's calendar `day` begins (for SQL comparisons)."""
    local = datetime.combine(day, datetime.min.time(), tzinfo=tz or organisation_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def add_months(moment: date | datetime, months: int):
    """The same day `months` later (or earlier), clamped to the month's last day.

    31 Jan + 1 month = 28 or 29 Feb.
    """
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expires_on(completed_at: datetime | None, recert_months: int | None) -> date | None:
    """The organisation's date on which a completion stops counting.

    `recert_months` after the date it was completed on. None when it never expires (no interval)
    or was not completed.
    """
    if completed_at is None or recert_months is None:
        return None
    return add_months(local_date(completed_at), recert_months)


def expired_before(day: date, recert_months: int) -> datetime:
    """The naive-UTC moment from which a completion is still valid on `day`.

    One before it has expired: the exact SQL twin of `expires_on(c, m) <= day`.

    `add_months` is monotone, so the completion dates that have expired by `day` are all the
    dates up to the last one, `last`, with add_months(last, m) <= day; the boundary is the
    start of the day after `last`.
    """
    last = add_months(day, -recert_months)
    while add_months(last + timedelta(days=1), recert_months) <= day:
        last += timedelta(days=1)
    while add_months(last, recert_months) > day:
        last -= timedelta(days=1)
    return start_of_day(last + timedelta(days=1))
