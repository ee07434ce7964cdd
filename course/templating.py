"""Template filters for dates and times: the one way a page prints a date or a time.

Dates the organisation decides (due, expiry, completion) print as its calendar date; moments
print in the viewer's own zone (or the organisation's) with the zone named, so nobody reads
UTC as local time.
"""

from datetime import date, datetime

from flask import Flask
from flask_login import current_user

from .services import clock
from .wording import counted

DATE_FORMAT = "%d %b %Y"  # 15 Dec 2026: unambiguous in every locale's reading
TIME_FORMAT = "%d %b %Y, %H:%M %Z"


def viewer_zone():
    """The signed-in person's display zone, else the organisation's."""
    name = getattr(current_user, "time_zone", None) if current_user else None
    if name:
        try:
            return clock.zone(name)
        except clock.UnknownTimeZoneError:
            pass
    return clock.organisation_zone()


def date_text(value: date | datetime | None) -> str:
    """A calendar date; a stored UTC datetime is first read as the organisation's date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.local_date(value)
    return value.strftime(DATE_FORMAT)


def time_text(value: datetime | None) -> str:
    """A stored UTC moment in the viewer's zone, with the zone named."""
    if value is None:
        return ""
    return clock.in_zone(value, viewer_zone()).strftime(TIME_FORMAT)


def shown(value):
    """What `{{ value }}` prints: a missing value prints as nothing, never as "None"."""
    return "" if value is None else value


def register_filters(app: Flask) -> None:
    app.jinja_env.finalize = shown
    app.add_template_filter(date_text, "date_text")
    app.add_template_filter(time_text, "time_text")
    app.add_template_filter(counted, "counted")
