"""CSV files for spreadsheets: streamed, UTF-8 with a BOM, safe against formula injection."""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from itertools import islice
from operator import methodcaller

from . import clock
from .columns import Column, Kind, headings

BOM = "\ufeff"
#: A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    """A value as a CSV cell.

    Numbers stay numbers, text that a spreadsheet would run as a formula gets a leading
    apostrophe (OWASP's advice), dates and datetimes become ISO 8601 ("2026-03-01",
    "2026-03-01T14:05:00"): the forms LibreOffice's default import reads as a date and a date
    and time (it leaves "2026-03-01 14:05:00" as text).
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _text_cell(value):
    """`cell` of a value of a TEXT or EMAIL column: text passes unchanged unless a formula."""
    if value.__class__ is str:
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    return "" if value is None else cell(value)


_NONE = type(None)
_starts_a_formula = methodcaller("startswith", FORMULA_STARTS)


def column_writer(column: Column) -> Callable[[Sequence], Sequence]:
    """The function that makes a column's values (one per row) their CSV cells.

    Each cell is `cell(column.text(value))`, computed a column at a time: where the values are
    all of the type the kind declares, the whole column is checked by C loops (`map` over
    builtins) and passed on as it is, which csv.writer writes as `cell` would (ISO dates,
    numbers as digits, text without a formula as it is, None as ""). Any other value sends its
    column through `cell` one value at a time, so the bytes never depend on the path.
    """

    def each(values):
        return [cell(column.text(value)) for value in values]

    if column.kind is Kind.STATUS:
        cells = {value: cell(label) for value, label in column.labels.items()}
        cells[None] = ""

        def statuses(values):
            try:
                return list(map(cells.__getitem__, values))
            except (KeyError, TypeError):
                return each(values)

        return statuses
    if column.kind in (Kind.TEXT, Kind.EMAIL):

        def texts(values):
            if set(map(type, values)) <= {str, _NONE} and not any(
                map(_starts_a_formula, filter(None, values))
            ):
                return values
            return list(map(_text_cell, values))

        return texts
    if column.kind is Kind.MOMENT:
        zone = clock.organisation_zone()

        utc = zone.key in ("UTC", "Etc/UTC")

        def moment_cell(value):
            if value.__class__ is not datetime or value.tzinfo is not None or value.year < 1000:
                return cell(column.text(value))
            local = value if utc else clock.in_zone(value, zone)
            # isoformat is strftime("%Y-%m-%dT%H:%M:%S") for years from 1000, twice as fast.
            return local.replace(tzinfo=None).isoformat(timespec="seconds")

        def moments(values):
            return [None if value is None else moment_cell(value) for value in values]

        return moments
    passes = {Kind.DATE: date, Kind.NUMBER: int, Kind.PERCENT: int}.get(column.kind)

    def plain(values):
        return values if set(map(type, values)) <= {passes, _NONE} else each(values)

    return plain


def lines(columns: list[Column], rows: Iterable[Sequence], batch: int = 500) -> Iterator[str]:
    """Yield the CSV text in chunks of `batch` rows, starting with the BOM and the headings.

    `rows` are sequences (lists or tuples) of the columns' values, each written as
    `cell(Column.text(value))` gives it, a column of a chunk at a time (`column_writer`).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([cell(h) for h in headings(columns)])
    writers = [column_writer(column) for column in columns]
    rows = iter(rows)
    while chunk := list(islice(rows, batch)):
        if set(map(len, chunk)) != {len(columns)}:
            raise ValueError(f"rows must have {len(columns)} values, one per column")
        by_column = zip(*chunk, strict=True)
        writer.writerows(zip(*map(_apply, writers, by_column), strict=True))
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def _apply(write, values):
    return write(values)
