"""CSV exports: same rows as the screen, BOM, numbers as numbers, formulas neutralised."""

import csv
import io
import os
import re
import shutil
import subprocess
from datetime import date, datetime

import pytest
from sqlalchemy import select

from course.exercises import message_for_others
from course.extensions import db
from course.models import ExerciseSubmission, ModuleProgress, User
from course.services import clock, csvstream, demo_org, practice, reports
from course.services.columns import Column, Kind, headings
from course.services.scope import Scope

from .helpers import assign, catalog, complete


def _rows(response):
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Sofía", "Sofía"),
        (-5, -5),
        (87, 87),
        (None, ""),
    ],
)
def test_cells_are_neutralised_but_numbers_stay_numbers(value, expected):
    assert csvstream.cell(value) == expected


def test_export_has_the_same_rows_and_columns_as_the_screen(ward, client, auth, make_user):
    for number in range(60):  # more than one page of the report
        make_user(name=f"Learner {number:02d}")
    assign(ward["manager"])
    complete(ward["learner"].id)
    auth.sign_in(ward["manager"])
    query = "sort=learner&order=desc"
    page1 = client.get(f"/reports/?{query}").get_data(as_text=True)
    page2 = client.get(f"/reports/?{query}&page=2").get_data(as_text=True)
    response = client.get(f"/reports/export.csv?{query}")
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert 'filename="completion-report-' in disposition
    rows = _rows(response)
    header, body = rows[0], rows[1:]
    assert header[:6] == ["Learner", "Email", "Department", "Module", "Due date", "Status"]
    # Staff details are under the name on screen; the account is a badge there when deactivated.
    assert header[-4:] == ["Employee id", "Job title", "Hire date", "Account"]
    for name in header[:-4]:  # a time column's heading names the zone its times are in
        assert name.removesuffix(" (UTC)") in page1
    assert len(body) == 63  # 60 + Maya, Sofía, Jonas, every page
    on_screen = [n for n in (r[0] for r in body) if f">{n}</a>" in page1 + page2]
    assert on_screen == [r[0] for r in body]  # the same learners, in the same order
    sofia = next(r for r in body if r[0] == "Sofía Álvarez")
    assert sofia[5] == "Completed"
    raw = response.get_data(as_text=True)
    assert ",100," in raw  # the score is a bare number, not quoted text


def test_filtered_export_matches_filtered_screen(ward, client, auth):
    assign(ward["manager"])
    complete(ward["learner"].id)
    auth.sign_in(ward["manager"])
    rows = _rows(client.get("/reports/export.csv?status=not_started"))[1:]
    assert sorted(r[0] for r in rows) == ["Jonas Berg", "Maya Manager"]


def test_formula_in_a_name_is_neutralised_in_the_export(ward, client, auth):
    user = db.session.get(User, ward["colleague"].id)
    user.name = "=cmd|'/c calc'!A1"
    db.session.commit()
    assign(ward["manager"])
    auth.sign_in(ward["manager"])
    rows = _rows(client.get("/reports/export.csv"))
    assert [r[0] for r in rows if "calc" in r[0]] == ["'=cmd|'/c calc'!A1"]


def test_evidence_has_the_learners_answers_next_to_the_findings(ward, client, auth):
    learner = ward["learner"]
    assign(ward["manager"])
    complete(learner.id)
    module = next(
        m
        for m in (catalog.published_module(s) for s in ["hands-on-training", "share-information"])
        if m and m.published.exercises
    )
    exercise = module.published.exercises[0]
    practice.submit(learner.id, module, exercise, {"text": "=1+1 call 555-0100 #flu"})
    submission = db.session.scalar(
        select(ExerciseSubmission).where(ExerciseSubmission.exercise_key == exercise.key)
    )
    auth.sign_in(ward["manager"])
    rows = _rows(client.get(f"/reports/evidence.csv?learner={learner.id}"))
    header = rows[0]
    kinds = {r[header.index("Kind")] for r in rows[1:]}
    assert {"lesson read", "quiz attempt", f"exercise ({submission.kind})"} <= kinds
    exercise_row = next(r for r in rows if r[header.index("Kind")] == f"exercise ({exercise.kind})")
    assert "=1+1 call 555-0100" in exercise_row[header.index("Answer")]
    for finding in submission.findings:
        assert message_for_others(finding) in exercise_row[header.index("Findings")]
    quiz_row = next(r for r in rows if r[header.index("Kind")] == "quiz attempt")
    assert quiz_row[header.index("Score")] == "100"
    assert "right" in quiz_row[header.index("Findings")]


def _csv_with_zone(app, ward, client, auth):
    app.config["ORGANISATION_TIME_ZONE"] = "Asia/Kolkata"  # +05:30: no date left as it was
    assign(ward["manager"])
    complete(ward["learner"].id)
    auth.sign_in(ward["manager"])
    return _rows(client.get("/reports/export.csv?status=completed"))


def test_every_date_and_time_is_iso_8601_in_the_organisations_zone(app, ward, client, auth):
    header, row = _csv_with_zone(app, ward, client, auth)
    assert "Completed on (Asia/Kolkata)" in header
    progress = db.session.scalar(
        select(ModuleProgress).where(ModuleProgress.user_id == ward["learner"].id)
    )
    local = clock.in_zone(progress.completed_at, clock.zone("Asia/Kolkata"))
    assert row[header.index("Completed on (Asia/Kolkata)")] == f"{local:%Y-%m-%dT%H:%M:%S}"
    assert row[header.index("Due date")] == progress.due_on.isoformat()
    evidence = _rows(client.get(f"/reports/evidence.csv?learner={ward['learner'].id}"))
    at = evidence[0].index("At (Asia/Kolkata)")
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", r[at]) for r in evidence[1:])


@pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice is not installed (tools/test-system-deps.sh installs it; in CI it must be)",
)
def test_libreoffice_reads_every_date_column_as_a_date(app, ward, client, auth, tmp_path):
    """LibreOffice 7.4's default CSV import (as a double-click opens it) finds a date or a date
    and time in every date column (it leaves "2026-03-01 14:05:00" as text)."""
    import openpyxl

    _csv_with_zone(app, ward, client, auth)
    (tmp_path / "report.csv").write_bytes(
        client.get("/reports/export.csv?status=completed").get_data()
    )
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path),
         str(tmp_path / "report.csv")],
        check=True, capture_output=True, timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )  # fmt: skip
    rows = list(openpyxl.load_workbook(tmp_path / "report.xlsx").active.iter_rows())
    header = [cell.value for cell in rows[0]]
    cells = dict(zip(header, rows[1], strict=True))
    for name in ("Due date", "Completed on (Asia/Kolkata)", "Expires on"):
        if cells[name].value is not None:
            assert cells[name].is_date, (name, cells[name].value)
    assert cells["Score"].value == 100


def test_evidence_answers_read_as_written_and_findings_as_sentences(ward, client, auth):
    learner = ward["learner"]
    assign(ward["manager"])
    complete(learner.id)
    module = catalog.published_module("share-information")
    exercise = module.published.exercises[0]
    practice.submit(learner.id, module, exercise, {"text": "Line one\nLine two #flu"})
    auth.sign_in(ward["manager"])
    rows = _rows(client.get(f"/reports/evidence.csv?learner={learner.id}"))
    header = rows[0]
    row = next(r for r in rows if r[header.index("Item")] == exercise.key and "Line one" in r[10])
    answer = row[header.index("Answer")]
    assert "{" not in answer
    assert "\\n" not in answer  # real line breaks, not JSON escapes
    assert answer.endswith(":\nLine one\nLine two #flu")
    findings = row[header.index("Findings")].splitlines()
    assert findings
    assert all(line.startswith(("Fix: ", "Advice: ")) for line in findings)
    quiz = next(r for r in rows if r[header.index("Kind")] == "quiz attempt")
    assert quiz[header.index("Answer")].startswith("1. ")
    assert quiz[header.index("Findings")].splitlines()[0] == "Question 1: right."


def _row_by_row_csv(columns, rows, batch=500):
    """The CSV writer as it was before it wrote a column of a chunk at a time: the reference."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(csvstream.BOM)
    writer.writerow([csvstream.cell(h) for h in headings(columns)])
    for row in rows:
        writer.writerow([csvstream.cell(c.text(v)) for c, v in zip(columns, row, strict=True)])
    return buffer.getvalue()


def test_fast_export_writes_the_same_bytes_as_the_row_by_row_writer(app, ward, curriculum):
    """The export (rows a column at a time, cells a column at a time) gives byte for byte the
    CSV of the ReportRow-by-row path, across chunks, zones, formulas, leavers and expiry."""
    app.config["ORGANISATION_TIME_ZONE"] = "Asia/Kolkata"
    demo_org.generate(40, departments=3, seed=7)
    assign(ward["manager"], recert=12)
    complete(ward["learner"].id)
    people = db.session.scalars(select(User).order_by(User.id)).all()
    people[-1].name = '=HYPERLINK("x")'
    people[-2].job_title = '-Nurse, "senior"'
    people[-3].employee_id = "@007"
    people[-4].hire_date = date(2020, 2, 29)
    people[-5].active = False
    db.session.commit()
    admin = Scope(None)
    for filters in (reports.Filters(), reports.Filters(people="all")):
        for sort, descending in (("learner", False), ("due_on", True), ("status", False)):
            reference = _row_by_row_csv(
                reports.COLUMNS,
                reports.table(reports.iter_rows(admin, filters, sort, descending)),
            )
            for chunk in (1, 7, 1000):
                rows = reports.export_rows(admin, filters, sort, descending, chunk=chunk)
                fast = "".join(csvstream.lines(reports.COLUMNS, rows, batch=chunk + 2))
                assert fast == reference
    assert "'=HYPERLINK" in reference
    assert "Deactivated" in reference


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        (Kind.DATE, [date(2026, 1, 2), datetime(2026, 1, 2, 3, 4, 5), None, "=x"]),
        (Kind.NUMBER, [1, True, 2.5, None, "-3"]),
        (Kind.PERCENT, [100, False, None]),
        (Kind.TEXT, ["ok", "=1+1", 7, True, None, "", date(2026, 1, 2)]),
        (Kind.EMAIL, ["a@example.org", "+a@example.org", None]),
        (Kind.MOMENT, [datetime(2026, 1, 2, 23, 59, 59), None]),
    ],
)
def test_a_column_of_unexpected_values_is_written_as_each_cell_alone(app, kind, values):
    column = Column("c", "C", kind)
    with app.test_request_context():
        expected = [csvstream.cell(column.text(v)) for v in values]
        assert _same_in_csv(csvstream.column_writer(column)(values), expected)


def test_a_status_outside_the_labels_fails_as_before(app):
    column = Column("s", "S", Kind.STATUS, labels={True: "Active", False: "Deactivated"})
    assert csvstream.column_writer(column)([True, None, False]) == ["Active", "", "Deactivated"]
    with pytest.raises(KeyError):
        csvstream.column_writer(column)(["maybe"])


def _same_in_csv(cells, expected):
    def written(row):
        buffer = io.StringIO()
        csv.writer(buffer).writerow(["", *row])
        return buffer.getvalue()

    return written(cells) == written(expected)
