"""Table columns declared once: what the page shows and every export writes comes from them.

A `Column` holds everything any output needs: its key (the API's field name and the sort
value), its heading, its SQL expression, whether it sorts, and its `Kind`. The kind decides how
a value is written to CSV, to an Excel workbook and to JSON (one function each, below) and,
with `show` for a column the page draws its own way ("learner": the row's header, linked; "with
learner": no cell of its own, shown under the learner's name; "files only": not on the page),
how the page shows it
(`templates/reports/_cells.html`). A report declares its columns as a list; adding one to the
report is one `Column(...)` in that list.

Dates and times: a DATE is a calendar date, written as one. A MOMENT is stored as naive UTC;
files written for people (CSV, XLSX) give it in the organisation's time zone, named in the
heading ("Completed on (Europe/Paris)"), in the one format spreadsheets read as a date and time;
JSON gives UTC with a "Z", for programs.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import Enum, StrEnum
from typing import Any

from . import clock


class Kind(StrEnum):
    """What a column holds, which decides how it is shown and written."""

    TEXT = "text"
    EMAIL = "email"
    NUMBER = "number"
    PERCENT = "percent"  # a whole number from 0 to 100
    DATE = "date"
    MOMENT = "moment"  # a stored naive-UTC datetime
    STATUS = "status"  # an enum with a `label` lookup (the column's `labels`)


@dataclass(frozen=True)
class Column:
    """One column of a report.

    `sql(sources)` gives the column's SQL expression (labelled `key` by the query that selects
    it); `sources` holds the expressions a query builds once, such as the status rule. A column
    without SQL is computed from the row by `compute(row)`. `labels` names an enum's values
    for people (a STATUS column). `show` names the page's own way of drawing the cell ("" for
    the kind's).
    """

    key: str
    heading: str
    kind: Kind = Kind.TEXT
    sql: Callable[[Any], Any] | None = None
    sortable: bool = True
    compute: Callable[[Any], Any] | None = None
    labels: dict | None = None
    show: str = ""

    def export_heading(self) -> str:
        """The heading in a file: a MOMENT column names the time zone its values are in."""
        if self.kind is Kind.MOMENT:
            return f"{self.heading} ({clock.organisation_zone().key})"
        return self.heading

    def text(self, value) -> Any:
        """The value as people read it in a file: a label, a local datetime, the value."""
        if value is None:
            return None
        if self.kind is Kind.STATUS:
            return self.labels[value]
        if self.kind is Kind.MOMENT:
            return clock.in_zone(value, clock.organisation_zone()).replace(tzinfo=None)
        return value

    def json(self, value) -> Any:
        """The value in the API's JSON: ISO 8601 dates, UTC moments with a Z, enum values."""
        if value is None:
            return None
        if self.kind is Kind.MOMENT:
            return value.isoformat() + "Z"
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Enum):
            return value.value
        return value


def headings(columns: Iterable[Column]) -> list[str]:
    """The columns' headings as a file writes them."""
    return [column.export_heading() for column in columns]


def values(columns: list[Column], row) -> list:
    """A row (an object with an attribute per column key) as the columns' values."""
    return [getattr(row, column.key) for column in columns]


def texts(columns: list[Column], rows: Iterable[list]) -> Iterator[list]:
    """Rows of values as people read them in a file (`Column.text`), for CSV and XLSX."""
    for row in rows:
        yield [column.text(value) for column, value in zip(columns, row, strict=True)]
