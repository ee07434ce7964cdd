"""CSV exports: same rows as the screen, BOM, numbers as numbers, formulas neutralised."""

import csv
import io

import pytest
from sqlalchemy import select

from course.exercises import message_for_others
from course.extensions import db
from course.models import ExerciseSubmission, User
from course.services import csvstream, practice

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
    assert header[-3:] == ["Employee id", "Job title", "Hire date"]  # under the name on screen
    for name in header[:-3]:  # a time column's heading names the zone its times are in
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
