"""CSV files for spreadsheets: streamed, UTF-8 with a BOM, safe against formula injection."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime

from .columns import Column, headings, texts

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


def lines(columns: list[Column], rows: Iterable[list], batch: int = 500) -> Iterator[str]:
    """Yield the CSV text in chunks of `batch` rows, starting with the BOM and the headings.

    `rows` are lists of the columns' values, written as `Column.text` gives them.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([cell(h) for h in headings(columns)])
    for count, row in enumerate(texts(columns, rows), start=1):
        writer.writerow([cell(v) for v in row])
        if count % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
