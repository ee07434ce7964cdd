"""Excel workbooks (.xlsx) of a report's rows, as people open them.

The same columns as the CSV (`services/columns.py`), written with openpyxl's write-only mode,
which streams rows to a temporary file so memory stays flat however many rows there are.
Scores and counts are number cells, dates and times are date cells (in the organisation's time
zone, named in the heading), the header row is bold, shaded, filtered and frozen, the widths fit
the first rows, the filters used are written above the table, and text a spreadsheet would run
as a formula is stored as text: a workbook needs no apostrophe, unlike a CSV file.
"""

import tempfile
from collections.abc import Iterable
from datetime import date, datetime
from itertools import islice

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .columns import Column, Kind, headings, texts

MIME_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: How many rows the column widths are measured on (the rest stream past unmeasured).
MEASURED_ROWS = 500
#: Widths in characters: no column narrower or wider.
NARROWEST, WIDEST = 8, 60
#: Excel's limit on the characters of one cell.
CELL_LIMIT = 32_767
FORMATS = {
    Kind.DATE: "yyyy-mm-dd",
    Kind.MOMENT: "yyyy-mm-dd hh:mm",
    Kind.PERCENT: '0"%"',
    Kind.NUMBER: "0",
}
#: What a date or time cell shows, in characters, for the widths.
SHOWN_WIDTH = {Kind.DATE: 10, Kind.MOMENT: 16}
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DCE9EE")
WRAPPED = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")


def clean(value):
    """A value a workbook can hold.

    Text without the control characters XML refuses, cut at Excel's cell limit; anything else as
    it is.
    """
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return text if len(text) <= CELL_LIMIT else text[: CELL_LIMIT - 1] + "…"


def _width(kind: Kind, value) -> int:
    if value is None:
        return 0
    if kind in SHOWN_WIDTH:
        return SHOWN_WIDTH[kind]
    return max((len(line) for line in str(value).splitlines()), default=0)


def write(
    columns: list[Column], rows: Iterable[list], title: str, described: list[str]
) -> tempfile.TemporaryFile:
    """The rows (lists of the columns' values) as a one-sheet workbook in a temporary file.

    The file is rewound for reading. Above the table: `title`, then each line of `described`.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_name(title))
    rows = texts(columns, rows)
    first = [[clean(value) for value in row] for row in islice(rows, MEASURED_ROWS)]
    names = headings(columns)
    for index, (column, name) in enumerate(zip(columns, names, strict=True), start=1):
        measured = max([len(name) + 2] + [_width(column.kind, row[index - 1]) for row in first])
        sheet.column_dimensions[get_column_letter(index)].width = min(
            WIDEST, max(NARROWEST, measured + 1)
        )
    header_row = len(described) + 3
    # Written with the sheet's top, so set before the first row: printed landscape, as wide
    # as the page, the header row repeated on every page.
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.append([_styled(sheet, clean(title), font=Font(bold=True, size=14))])
    for line in described:
        sheet.append([clean(line)])
    sheet.append([])
    sheet.append(
        [_styled(sheet, name, font=HEADER_FONT, fill=HEADER_FILL, align=WRAPPED) for name in names]
    )
    cells = [_cell_maker(sheet, column) for column in columns]
    count = 0
    for row in first:
        sheet.append([make(value) for make, value in zip(cells, row, strict=True)])
        count += 1
    for row in rows:
        sheet.append([make(clean(value)) for make, value in zip(cells, row, strict=True)])
        count += 1
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A{header_row}:{last}{header_row + max(count, 1)}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    target = tempfile.TemporaryFile()  # noqa: SIM115 (the response reads and closes it)
    workbook.save(target)
    target.seek(0)
    return target


def chunks(target, size: int = 64 * 1024):
    """The written workbook's bytes, a chunk at a time.

    The temporary file is closed at the end or when the response is dropped.
    """
    try:
        while chunk := target.read(size):
            yield chunk
    finally:
        target.close()


def _sheet_name(title: str) -> str:
    r"""A sheet name Excel takes: at most 31 characters, none of []:*?/\."""
    name = "".join(" " if char in "[]:*?/\\" else char for char in title).strip()
    return name[:31] or "Sheet"


def _styled(sheet, value, font=None, fill=None, align=None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if align:
        cell.alignment = align
    return cell


def _cell_maker(sheet, column: Column):
    """A function making one column's cells.

    Number formats for numbers and dates, text kept as text (a leading "=" is no formula), long
    text wrapped at its line breaks.
    """
    number_format = FORMATS.get(column.kind)

    def make(value):
        if value is None:
            return None
        if isinstance(value, str):
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"
            cell.alignment = WRAPPED if "\n" in value else TOP
            return cell
        cell = WriteOnlyCell(sheet, value)
        if number_format and isinstance(value, int | float | date | datetime):
            cell.number_format = number_format
        cell.alignment = TOP
        return cell

    return make
