"""Reading import files and keeping their previews: what every bulk import shares.

Each import (staff in `staff_import`, past completions in `past_completions`) takes three
steps, so that nothing changes until an admin has seen what will:

1. `read_file` parses and checks the whole file before any database work (size in rows,
   columns and cells, encoding, required columns, formulas): a file that cannot be imported
   as a whole raises ImportFileError, one clear message, and nothing else happens.
2. The import compares the rows with the database and makes a plan (what each row does, each
   refused row with its number, column and reason); `store` keeps it under an unguessable
   token, `stored` finds it again.
3. Applying first `claim`s the stored plan (once, within PREVIEW_LIFETIME), then carries out
   exactly that plan.
"""

import csv
import hashlib
import io
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from openpyxl import load_workbook
from sqlalchemy import delete, insert, select, update

from ..extensions import db
from ..models import AuditEvent, StaffImport
from ..models.types import utcnow
from . import audit
from .refusal import RefusalError

#: A file of this many data rows or more is refused (split it).
ROW_LIMIT = 50_000
MAX_COLUMNS = 50
MAX_CELL = 1000
#: Previews not applied within this time must be made again.
PREVIEW_LIFETIME = timedelta(hours=24)
#: Rows per statement when writing (a batch, never a statement per row).
BATCH = 1000


class ImportFileError(RefusalError):
    """The whole file is refused (nothing changes); the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message, "file")


@dataclass(frozen=True)
class Layout:
    """The columns a kind of file may have (first row), and which are required.

    `required`: groups of column names; each group needs at least one of its columns
    (("employee_id", "email"): either will do).
    """

    columns: tuple[str, ...]
    required: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Table:
    """A file's data rows as {column: text}, numbered as a spreadsheet numbers them."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    unknown_columns: list[str]


def read_file(filename: str, data: bytes, layout: Layout) -> Table:
    """Parse a CSV (UTF-8 with or without BOM; comma or semicolon, sniffed) or XLSX file.

    The first non-empty row names the columns (`layout`); every data row comes back as
    {column: text} with its row number. Raises ImportFileError for a file that cannot be
    imported as a whole: empty, not UTF-8, malformed, a required column missing, a column
    repeated, ROW_LIMIT data rows or more, more than MAX_COLUMNS columns, a formula or a cell
    longer than MAX_CELL characters anywhere.
    """
    if not data.strip():
        raise ImportFileError("The file is empty.")
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        cells = _xlsx_cells(data)
    else:
        cells = _csv_cells(data)
    return _table(cells, layout)


def _csv_cells(data: bytes) -> Iterator[list[tuple[str, bool]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ImportFileError(
            f"The file is not UTF-8 text (line {line} has a byte UTF-8 does not use). "
            "In Excel choose Save As, then 'CSV UTF-8 (Comma delimited)', and upload that file."
        ) from None
    if "\x00" in text:
        raise ImportFileError("The file holds NUL characters: it is not a CSV text file.")
    sample = text[:16384]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        header = sample.split("\n", 1)[0]
        delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield [(cell, cell.startswith("=")) for cell in row]
    except csv.Error as error:
        raise ImportFileError(
            f"The CSV file is malformed near line {reader.line_num}: {error}."
        ) from None


def _xlsx_cells(data: bytes) -> Iterator[list[tuple[str, bool]]]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 (openpyxl raises many kinds for a damaged file)
        raise ImportFileError(
            "The file could not be read as an Excel workbook (.xlsx). Save it again from "
            "Excel, or export it as CSV UTF-8."
        ) from None
    try:
        sheet = book.worksheets[0]
        for row in sheet.iter_rows():
            yield [_xlsx_value(cell) for cell in row[: MAX_COLUMNS + 1]]
    finally:
        book.close()


def _xlsx_value(cell) -> tuple[str, bool]:
    value = getattr(cell, "value", None)
    if getattr(cell, "data_type", None) == "f":
        return str(value), True
    if value is None:
        return "", False
    if isinstance(value, datetime):
        return value.date().isoformat(), False
    if isinstance(value, date):
        return value.isoformat(), False
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), False
    return str(value), False


def _normalise_header(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def _table(cells: Iterable[list[tuple[str, bool]]], layout: Layout) -> Table:
    rows_iter = iter(cells)
    header = None
    number = 0
    for raw in rows_iter:
        number += 1
        if any(text.strip() for text, _ in raw):
            header = raw
            break
    if header is None:
        raise ImportFileError("The file has no rows.")
    columns = [_normalise_header(text) for text, _ in header]
    while columns and not columns[-1]:
        columns.pop()
    if len(columns) > MAX_COLUMNS:
        raise ImportFileError(f"The file has more than {MAX_COLUMNS} columns.")
    missing = [" or ".join(g) for g in layout.required if not set(g) & set(columns)]
    if missing:
        required = {c for group in layout.required for c in group}
        raise ImportFileError(
            f"The file has no {' and no '.join(missing)} column. Its first row must name the "
            f"columns; required: {', '.join(' or '.join(g) for g in layout.required)}; "
            f"optional: {', '.join(c for c in layout.columns if c not in required)}. "
            f"Found: {', '.join(c or '(empty)' for c in columns) or 'none'}."
        )
    repeated = sorted({c for c in columns if c and columns.count(c) > 1})
    if repeated:
        raise ImportFileError(f"The column {', '.join(repeated)} appears more than once.")
    known = [(i, c) for i, c in enumerate(columns) if c in layout.columns]
    unknown = [c for c in columns if c and c not in layout.columns]

    rows: list[tuple[int, dict[str, str]]] = []
    formulas: list[str] = []
    too_long: list[str] = []
    for raw in rows_iter:
        number += 1
        if not any(text.strip() for text, _ in raw):
            continue
        if len(rows) + 1 >= ROW_LIMIT:
            raise ImportFileError(
                f"The file has {ROW_LIMIT:,} data rows or more; one import takes at most "
                f"{ROW_LIMIT - 1:,}. Split it into smaller files."
            )
        values = {}
        for index, column in known:
            text, formula = raw[index] if index < len(raw) else ("", False)
            if formula:
                formulas.append(f"row {number}, {column}")
            if len(text) > MAX_CELL:
                too_long.append(f"row {number}, {column}")
            values[column] = text.strip()
        rows.append((number, values))
    if formulas:
        raise ImportFileError(
            "Cells hold formulas, not values ("
            + some(formulas)
            + "). Copy the sheet and paste it as values only, then upload it again."
        )
    if too_long:
        raise ImportFileError(f"Cells longer than {MAX_CELL} characters (" + some(too_long) + ").")
    if not rows:
        raise ImportFileError("The file names its columns but has no data rows.")
    return Table([c for _, c in known], rows, unknown)


def some(items: list[str], most: int = 10) -> str:
    """The first `most` items joined by "; ", and how many more there are."""
    shown = "; ".join(items[:most])
    return shown + (f"; and {len(items) - most} more" if len(items) > most else "")


# Previews -----------------------------------------------------------------------------------


def store(
    kind: str, plan_json: str, filename: str, data: bytes, actor_id: int | None, **extra
) -> StaffImport:
    """Keep a previewed plan (JSON) of an import `kind` under a new random token.

    `extra`: the import's own columns (deactivate_missing). Previews never applied are
    deleted after PREVIEW_LIFETIME. The caller commits.
    """
    db.session.execute(
        delete(StaffImport).where(
            StaffImport.applied_at.is_(None), StaffImport.created_at < utcnow() - PREVIEW_LIFETIME
        )
    )
    record = StaffImport(
        kind=kind,
        token=secrets.token_urlsafe(32),
        filename=(filename or "upload")[-255:],
        sha256=hashlib.sha256(data).hexdigest(),
        created_by_id=actor_id,
        plan=plan_json,
        **extra,
    )
    db.session.add(record)
    db.session.flush()
    return record


def stored(kind: str, token: str) -> StaffImport | None:
    """The stored preview of an import `kind` with this token, if there is one."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(StaffImport).where(StaffImport.token == token, StaffImport.kind == kind)
    )


def claim(record: StaffImport, actor_id: int | None) -> None:
    """Mark a stored preview applied, once: what applying it does first.

    Raises ImportFileError (the caller rolls back) when it was applied already or is older
    than PREVIEW_LIFETIME.
    """
    claimed = db.session.execute(
        update(StaffImport)
        .where(StaffImport.id == record.id, StaffImport.applied_at.is_(None))
        .values(applied_at=utcnow(), applied_by_id=actor_id)
    ).rowcount
    if not claimed:
        raise ImportFileError("This import was applied already.")
    if record.created_at < utcnow() - PREVIEW_LIFETIME:
        raise ImportFileError("This preview is more than a day old: upload the file again.")


# Applying -----------------------------------------------------------------------------------


def chunks(items: list, size: int = BATCH) -> Iterator[list]:
    """`items` in lists of at most `size`: one statement each when writing or looking up."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def event(actor_id: int | None, action: str, user_id: int, summary: str) -> dict:
    """An audit line about one person, as a row for `audited` to insert."""
    return {
        "actor_id": actor_id,
        "action": action,
        "subject": f"user:{user_id}",
        "summary": summary,
        "at": utcnow(),
    }


def audited(actor_id: int | None, record: StaffImport, events: list[dict], summary: str) -> None:
    """Write an applied import's audit lines, then the import's own.

    One per change (`events`, a statement per BATCH), then one naming the import, its file's
    SHA-256 and `summary` (its figures).
    """
    for batch in chunks(events):
        db.session.execute(insert(AuditEvent), batch)
    audit.record(
        actor_id,
        "import.apply",
        f"import:{record.id}",
        f"{record.kind} import #{record.id} ({record.filename}), sha256 {record.sha256[:12]}: "
        + summary,
    )
