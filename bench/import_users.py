"""Time and peak memory of the staff import: 2,000 and 20,000 rows, CSV and XLSX.

Each case runs in a fresh Python process against a scratch database (SQLite by default,
`--database-url` for PostgreSQL: it empties that database). Per case: read and check the file,
preview it against the accounts (none for the first run; the same people for the re-run),
apply the plan and commit. Prints each step's wall and CPU time and the process's peak RSS.
Targets on this 2-core machine class: 20,000 rows previewed in under 20 s and applied in
under 60 s.

    .venv/bin/python bench/import_users.py [--database-url URL] [--rows 2000 20000]
"""

# ruff: noqa: E501 (the workbook's XML parts are long literal lines)
import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["employee_id", "email", "name", "department", "job_title", "hire_date", "roles", "active"]
TITLES = ["Registered Nurse", "Healthcare Assistant", "Porter", "Physician", "Receptionist"]


def rows(count: int, renamed: bool = False) -> list[list[str]]:
    """Staff spread over 40 departments; `renamed`: every job title changed (a re-run that
    updates each row)."""
    return [
        [
            f"E{n:06d}",
            f"person{n}@hospital.example.org",
            f"Person Number {n}",
            f"Department {n % 40}",
            ("Senior " if renamed else "") + TITLES[n % len(TITLES)],
            f"20{10 + n % 15}-0{1 + n % 9}-1{n % 9}",
            "learner",
            "yes",
        ]
        for n in range(count)
    ]


def write_csv(path: Path, data: list[list[str]]) -> None:
    path.write_text("\n".join(",".join(r) for r in [HEADER, *data]) + "\n", encoding="utf-8")


def write_xlsx_shared(path: Path, data: list[list[str]]) -> None:
    """A workbook as Excel and LibreOffice write one: text in a shared-strings table (openpyxl
    can only write inline strings, which it reads about five times slower)."""
    strings: dict[str, int] = {}

    def cell(ref: str, text: str) -> str:
        index = strings.setdefault(text, len(strings))
        return f'<c r="{ref}" t="s"><v>{index}</v></c>'

    letters = "ABCDEFGH"
    rows_xml = "".join(
        f'<row r="{n}">'
        + "".join(cell(f"{letters[i]}{n}", text) for i, text in enumerate(row))
        + "</row>"
        for n, row in enumerate([HEADER, *data], start=1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    files = {
        "[Content_Types].xml": f'<Types xmlns="{pkg}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>",
        "_rels/.rels": f'<Relationships xmlns="{pkg}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
        '<sheet name="Staff" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{pkg}/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>",
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{main}"><dimension ref="A1:H{len(data) + 1}"/>'
        f"<sheetData>{rows_xml}</sheetData></worksheet>",
        "xl/sharedStrings.xml": f'<sst xmlns="{main}" count="{len(strings)}" '
        f'uniqueCount="{len(strings)}">{shared}</sst>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)


def write_xlsx(path: Path, data: list[list[str]]) -> None:
    """A workbook as openpyxl writes one (inline strings)."""
    from openpyxl import Workbook  # noqa: PLC0415 (the bench alone writes workbooks)

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in data:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())


CHILD = """
import json, resource, sys, time
from course import create_app
from course.extensions import db
from course.services import staff_import

url, paths = sys.argv[1], sys.argv[2:]
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
with app.app_context():
    db.drop_all()
    db.create_all()
    results = []
    for path in paths:
        data = open(path, "rb").read()
        t0, c0 = time.perf_counter(), time.process_time()
        table = staff_import.read_file(path, data)
        plan = staff_import.preview(table)
        record = staff_import.store(plan, path, data, None, False)
        db.session.commit()
        t1, c1 = time.perf_counter(), time.process_time()
        staff_import.apply(record, None)
        db.session.commit()
        t2, c2 = time.perf_counter(), time.process_time()
        results.append({"file": path.rsplit("/", 1)[-1], "preview": t1 - t0, "preview_cpu": c1 - c0,
                        "apply": t2 - t1, "apply_cpu": c2 - c1, "counts": staff_import.count(plan)})
        db.session.expunge_all()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"results": results, "peak_rss_mb": peak}))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rows", type=int, nargs="+", default=[2000, 20000])
    args = parser.parse_args()
    # Wall time on a shared machine is CPU time plus waiting: the load says how much to trust it.
    print("load average at start: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.rows:
            for kind, writer in (
                ("csv", write_csv),
                ("xlsx", write_xlsx_shared),
                ("xlsx-inline", write_xlsx),
            ):
                suffix = kind.split("-")[0]
                first = Path(tmp) / f"staff-{count}-{kind}.{suffix}"
                second = Path(tmp) / f"again-{count}-{kind}.{suffix}"
                writer(first, rows(count))
                writer(second, rows(count, renamed=True))
                url = args.database_url or f"sqlite:///{tmp}/bench-{count}-{kind}.sqlite3"
                done = subprocess.run(
                    [sys.executable, "-c", CHILD, url, str(first), str(second)],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if done.returncode:
                    print(done.stderr[-3000:])
                    raise SystemExit(1)
                out = json.loads(done.stdout.strip().splitlines()[-1])
                for r in out["results"]:
                    print(
                        f"{count:>6} rows {kind:<11} {r['file']:<26} "
                        f"read + preview {r['preview']:6.2f} s (CPU {r['preview_cpu']:5.2f} s)  "
                        f"apply {r['apply']:6.2f} s (CPU {r['apply_cpu']:5.2f} s)  "
                        f"{r['counts']['created']} created, {r['counts']['updated']} updated"
                    )
                print(f"{count:>6} rows {kind:<11} peak RSS {out['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
