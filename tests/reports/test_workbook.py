"""Excel workbooks of the report and of the evidence, read back with openpyxl: number cells,
date cells in the organisation's zone, a styled frozen header with a filter, the filters used
above the table, widths that fit, formula-like text kept as text."""

import csv
import io
from datetime import datetime

import openpyxl
from sqlalchemy import select

from course.extensions import db
from course.models import ExerciseSubmission, ModuleProgress, User
from course.services import clock, practice, workbook

from .helpers import assign, catalog, complete

ZONE = "America/Los_Angeles"


def _sheet(response):
    assert response.status_code == 200
    assert response.mimetype == workbook.MIME_TYPE
    assert response.headers["Cache-Control"] == "no-store"
    return openpyxl.load_workbook(io.BytesIO(response.get_data())).active


def _header_row(sheet) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == "Learner")


def _table(sheet):
    """The header's cells and each row below it as {heading: cell}."""
    number = _header_row(sheet)
    header = [cell.value for cell in sheet[number]]
    body = [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=number + 1)]
    return number, header, body


def test_the_report_workbook_has_real_numbers_dates_and_a_frozen_filtered_header(
    app, ward, client, auth, make_user
):
    app.config["ORGANISATION_TIME_ZONE"] = ZONE
    for number in range(60):  # more than one page of the report
        make_user(name=f"Learner {number:02d}")
    colleague = db.session.get(User, ward["colleague"].id)
    colleague.name = '=HYPERLINK("http://evil.example","Click")'
    db.session.commit()
    assign(ward["manager"])
    complete(ward["learner"].id)
    auth.sign_in(ward["manager"])
    response = client.get("/reports/export.xlsx?sort=learner&order=desc&department=")
    assert 'filename="completion-report-' in response.headers["Content-Disposition"]
    assert ".xlsx" in response.headers["Content-Disposition"]
    sheet = _sheet(response)
    number, header, body = _table(sheet)
    csv_rows = client.get("/reports/export.csv?sort=learner&order=desc").get_data(as_text=True)
    assert len(body) == 63 == len(csv_rows.strip().splitlines()) - 1  # every row, every page
    assert header[:6] == ["Learner", "Email", "Department", "Module", "Due date", "Status"]
    assert f"Completed on ({ZONE})" in header
    # The filters used, above the table; the header styled, frozen, filtered.
    above = [sheet.cell(row, 1).value for row in range(1, number)]
    assert above[0] == "Completion report"
    assert "Department: All departments" in above
    assert "Sorted by learner, descending" in above
    assert sheet.freeze_panes == f"A{number + 1}"
    assert (
        sheet.auto_filter.ref
        == f"A{number}:{sheet.cell(number, len(header)).column_letter}{number + 63}"
    )
    assert all(cell.font.bold for cell in sheet[number])
    assert sheet.sheet_properties.pageSetUpPr.fitToPage  # printed as wide as the page
    assert sheet.page_setup.orientation == "landscape"
    for index, heading in enumerate(header, start=1):
        width = sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width
        assert width >= len(heading), heading
    # The CSV's rows in the CSV's order; Sofía's row has real numbers and dates.
    names = [r[0] for r in list(csv.reader(io.StringIO(csv_rows.lstrip("\ufeff"))))[1:]]
    assert [r["Learner"].value for r in body] == [n.removeprefix("'") for n in names]
    sofia = next(r for r in body if r["Learner"].value == "Sofía Álvarez")
    assert sofia["Score"].value == 100
    assert sofia["Score"].data_type == "n"
    assert sofia["Status"].value == "Completed"
    progress = db.session.scalar(
        select(ModuleProgress).where(ModuleProgress.user_id == ward["learner"].id)
    )
    local = clock.in_zone(progress.completed_at, clock.zone(ZONE)).replace(tzinfo=None)
    completed = sofia[f"Completed on ({ZONE})"]
    assert completed.is_date
    assert (
        completed.value == local.replace(microsecond=0)
        or abs((completed.value - local).total_seconds()) < 0.001
    )
    due = sofia["Due date"]
    assert due.is_date
    assert due.value == datetime.combine(progress.due_on, datetime.min.time())
    assert due.number_format == "yyyy-mm-dd"
    # A formula in a name is text in the workbook: exact, no apostrophe, not run.
    [evil] = [r for r in body if "HYPERLINK" in r["Learner"].value]
    assert evil["Learner"].data_type == "s"
    assert evil["Learner"].value == colleague.name


def test_the_evidence_workbook_keeps_answers_as_written(ward, client, auth):
    learner = ward["learner"]
    assign(ward["manager"])
    complete(learner.id)
    module = catalog.published_module("share-information")
    exercise = module.published.exercises[0]
    text = "First line of the post\nSecond line: =1+1 call 555-0100 #flu"
    practice.submit(learner.id, module, exercise, {"text": text})
    submission = db.session.scalar(
        select(ExerciseSubmission)
        .where(ExerciseSubmission.exercise_key == exercise.key)
        .order_by(ExerciseSubmission.id.desc())
    )
    auth.sign_in(ward["manager"])
    response = client.get(f"/reports/evidence.xlsx?learner={learner.id}")
    assert f"evidence-learner-{learner.id}-" in response.headers["Content-Disposition"]
    sheet = _sheet(response)
    number, header, body = _table(sheet)
    assert header[header.index("Kind") + 3].startswith("At (")
    row = next(r for r in body if r["Item"].value == exercise.key)
    answer = row["Answer"]
    assert "First line of the post\nSecond line: =1+1 call 555-0100 #flu" in answer.value
    assert answer.data_type == "s"
    assert answer.alignment.wrap_text
    assert "{" not in answer.value  # no JSON
    assert row["Revision"].data_type == "n"
    at = [h for h in header if h.startswith("At (")][0]
    assert row[at].is_date
    findings = row["Findings"].value.splitlines()
    assert len(findings) == len(submission.findings)
    assert all(line.startswith(("Fix: ", "Advice: ")) for line in findings)
    quiz = next(r for r in body if r["Kind"].value == "quiz attempt")
    assert quiz["Score"].value == 100
    assert isinstance(quiz["Score"].value, int)
    reads = [r for r in body if r["Kind"].value == "lesson read"]
    assert reads
    assert all(r[at].is_date for r in reads)
