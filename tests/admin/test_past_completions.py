"""Importing past completions: external evidence, shown as "imported" with its source, that
completes assigned modules and starts recertification clocks, never a certificate."""

import csv
import io
from datetime import timedelta

import pytest
from reports.helpers import assign, complete
from sqlalchemy import func, select

from course.extensions import db
from course.models import (
    AuditEvent,
    Certificate,
    ModuleProgress,
    PastCompletion,
    Role,
    StaffImport,
    User,
)
from course.services import (
    accounts,
    catalog,
    clock,
    past_completions,
    progress,
    reports,
)
from course.services.import_files import ImportFileError
from course.services.scope import Scope

HEADER = "employee_id,email,module,completed_on,source,note\n"
SLUG = "meet-the-experts"
ZONE = "Pacific/Auckland"
ALL = Scope(None)


@pytest.fixture
def people(app, curriculum, make_user):
    app.config["ORGANISATION_TIME_ZONE"] = ZONE
    manager = make_user(email="maya@example.org", name="Maya", roles={Role.MANAGER, Role.LEARNER})
    accounts.set_manager(manager.email, ["Ward A"])
    rita = make_user(email="rita@example.org", name="Rita Nurse")
    sam = make_user(email="sam@example.org", name="Sam Porter")
    rita.employee_id, sam.employee_id = "E1", "E2"
    assign(manager, SLUG, days=14, recert=12)
    db.session.commit()
    return {"rita": rita, "sam": sam, "manager": manager, "module": catalog.published_module(SLUG)}


def _upload(client, data: bytes):
    return client.post(
        "/admin/completions/import",
        data={"file": (io.BytesIO(data), "past.csv")},
        content_type="multipart/form-data",
    )


def _run(text: str, actor_id=None):
    data = text.encode()
    plan = past_completions.preview(past_completions.read_file("past.csv", data))
    record = past_completions.store(plan, "past.csv", data, actor_id)
    db.session.commit()
    return plan, record


def _row(email):
    rows = list(reports.iter_rows(ALL, reports.Filters()))  # to the end: the cursor closes
    return next(r for r in rows if r.email == email)


def test_an_imported_completion_completes_with_its_date_and_source_and_no_certificate(people):
    day = clock.today() - timedelta(days=40)
    plan, record = _run(HEADER + f"E1,,{SLUG},{day},Classroom course 2026,Signed register\n")
    assert past_completions.count(plan) == {
        "rows": 1,
        "recorded": 1,
        "completing": 1,
        "evidence only": 0,
        "refused": 0,
    }
    past_completions.apply(record, None)
    db.session.commit()
    row = _row("rita@example.org")
    assert row.status is reports.Status.COMPLETED
    assert row.imported_from == "Classroom course 2026"
    # The start of that day in the organisation's zone, stored UTC; expiry 12 months on.
    assert row.completed_at == clock.start_of_day(day)
    assert clock.local_date(row.completed_at) == day
    assert row.expires_on == clock.add_months(day, 12)
    assert row.score is None
    assert db.session.scalar(select(func.count(Certificate.id))) == 0
    card = progress.card(people["rita"].id, people["module"].id)
    assert card.imported_from == "Classroom course 2026"
    assert card.done
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "completion.import")
        )
        == 1
    )
    # Evidence, never rewritten: the row stays whatever happens to the progress row.
    assert db.session.scalar(select(PastCompletion.note)) == "Signed register"


def test_completing_in_the_app_after_an_import_earns_the_certificate(people):
    """The imported record stays; the learner's own later completion is the app's, with its
    certificate and score, and the recertification clock starts from it."""
    day = clock.today() - timedelta(days=40)
    _, record = _run(HEADER + f"E1,,{SLUG},{day},Classroom course 2026,\n")
    past_completions.apply(record, None)
    db.session.commit()
    complete(people["rita"].id, SLUG)
    db.session.commit()
    row = _row("rita@example.org")
    assert row.status is reports.Status.COMPLETED
    assert row.imported_from is None
    assert clock.local_date(row.completed_at) == clock.today()
    assert row.score is not None
    certificate = db.session.scalar(select(Certificate))
    assert certificate is not None
    assert certificate.user_id == people["rita"].id
    assert db.session.scalar(select(func.count(PastCompletion.id))) == 1


def test_an_old_import_expires_and_the_report_says_so(people):
    day = clock.today() - timedelta(days=400)
    _, record = _run(HEADER + f",rita@example.org,{SLUG},{day},Old LMS,\n")
    past_completions.apply(record, None)
    db.session.commit()
    row = _row("rita@example.org")
    assert row.status is reports.Status.EXPIRED
    assert row.imported_from == "Old LMS"


BAD_ROWS = [
    ("E9,,{slug},{day},LMS,", "employee_id", "No account has the employee id E9"),
    (",nobody@example.org,{slug},{day},LMS,", "email", "No account has the email"),
    ("E1,sam@example.org,{slug},{day},LMS,", "email", "belongs to Sam Porter"),
    (",,{slug},{day},LMS,", "employee_id", "employee id or email"),
    ("E1,,no-such-module,{day},LMS,", "module", "No module no-such-module"),
    ("E1,,{slug},02/03/2026,LMS,", "completed_on", "not a date written as YYYY-MM-DD"),
    ("E1,,{slug},{future},LMS,", "completed_on", "is in the future"),
    ("E1,,{slug},{day},,", "source", "Give the source"),
    ("E1,,{slug},{day}," + "x" * 121 + ",", "source", "at most 120 characters"),
]


@pytest.mark.parametrize(("line", "column", "reason"), BAD_ROWS)
def test_each_bad_row_is_refused_with_its_row_column_and_reason(people, line, column, reason):
    day = clock.today() - timedelta(days=3)
    future = clock.today() + timedelta(days=1)
    good = f"E2,,{SLUG},{day},LMS,\n"
    text = HEADER + good + line.format(slug=SLUG, day=day, future=future) + "\n"
    plan, record = _run(text)
    assert len(plan.refusals) == 1
    refusal = plan.refusals[0]
    assert (refusal["row"], refusal["column"]) == (3, column)
    assert reason in refusal["reason"]
    past_completions.apply(record, None)
    db.session.commit()
    assert db.session.scalars(select(PastCompletion.user_id)).all() == [people["sam"].id]


def test_duplicates_in_the_file_and_with_an_earlier_import_are_refused(people):
    day = clock.today() - timedelta(days=3)
    line = f"E1,,{SLUG},{day},LMS,\n"
    plan, record = _run(HEADER + line + line)
    assert plan.refusals == [
        {"row": 3, "column": "completed_on", "reason": "Repeats row 2 (same learner, module "
         "and date)."}
    ]  # fmt: skip
    past_completions.apply(record, None)
    db.session.commit()
    plan, _ = _run(HEADER + line)
    assert plan.records == []
    assert "imported before (import #" in plan.refusals[0]["reason"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (HEADER.encode() + "E1,,x,2026-01-01,Caf\xe9,\n".encode("latin-1"), "not UTF-8"),
        (b"email,module,source\nrita@example.org,x,LMS\n", "no completed_on column"),
        (b"name,module,completed_on,source\nR,x,2026-01-01,LMS\n", "no employee_id or email"),
        (HEADER.encode() + b"E1,,x,=TODAY(),LMS,\n", "Cells hold formulas"),
    ],
)
def test_a_bad_file_is_refused_whole_and_changes_nothing(people, data, message):
    with pytest.raises(ImportFileError, match=message):
        past_completions.read_file("past.csv", data)
    assert db.session.scalar(select(func.count(StaffImport.id))) == 0


def test_a_completion_of_the_learners_own_that_is_newer_is_never_overwritten(people):
    complete(people["rita"].id, SLUG)
    own = db.session.get(ModuleProgress, (people["rita"].id, people["module"].id)).completed_at
    plan, record = _run(HEADER + f"E1,,{SLUG},{clock.today() - timedelta(days=30)},LMS,\n")
    assert past_completions.count(plan)["evidence only"] == 1
    past_completions.apply(record, None)
    db.session.commit()
    row = _row("rita@example.org")
    assert row.completed_at == own
    assert row.imported_from is None
    assert db.session.scalar(select(func.count(PastCompletion.id))) == 1


def test_apply_does_exactly_the_preview_once_and_refuses_when_things_changed(people):
    day = clock.today() - timedelta(days=3)
    _, record = _run(HEADER + f"E1,,{SLUG},{day},LMS,\n")
    complete(people["rita"].id, SLUG)  # after the preview: it no longer holds
    db.session.commit()
    with pytest.raises(ImportFileError, match="changed since this preview"):
        past_completions.apply(record, None)
    db.session.rollback()
    assert db.session.scalar(select(func.count(PastCompletion.id))) == 0
    _, record = _run(HEADER + f"E2,,{SLUG},{day},LMS,\n")
    past_completions.apply(record, None)
    db.session.commit()
    with pytest.raises(ImportFileError, match="applied already"):
        past_completions.apply(record, None)


def test_preview_and_apply_cost_a_fixed_number_of_statements(people, make_user, count_queries):
    for n in range(30):
        make_user(email=f"n{n}@example.org", name=f"Nurse {n}")
    db.session.commit()
    day = clock.today() - timedelta(days=3)

    def cost(emails):
        text = HEADER + "".join(f",{e},{SLUG},{day},LMS,\n" for e in emails)
        with count_queries() as queries:
            _, record = _run(text)
            past_completions.apply(record, None)
            db.session.commit()
        return len(queries)

    assert cost(["n0@example.org", "n1@example.org"]) == cost(
        [f"n{n}@example.org" for n in range(2, 30)]
    )


def test_the_command_line_previews_then_imports(runner, people, tmp_path):
    feed = tmp_path / "past.csv"
    day = clock.today() - timedelta(days=3)
    feed.write_text(HEADER + f"E1,,{SLUG},{day},LMS,\nE9,,{SLUG},{day},LMS,\n", encoding="utf-8")
    dry = runner.invoke(args=["course", "import-completions", str(feed), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "row 3, employee_id: No account has the employee id E9." in dry.output
    assert "Dry run, nothing changed: 2 rows, 1 recorded" in dry.output
    assert db.session.scalar(select(func.count(PastCompletion.id))) == 0
    done = runner.invoke(args=["course", "import-completions", str(feed)])
    assert done.exit_code == 0, done.output
    assert "Imported as completions import #" in done.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(PastCompletion.id))) == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("email,module\nx,y\n", encoding="utf-8")
    refused = runner.invoke(args=["course", "import-completions", str(bad)])
    assert refused.exit_code == 1
    assert "no completed_on and no source column" in refused.output


def test_the_admin_pages_preview_then_apply_and_outputs_say_imported(
    people, client, signed_in_admin
):
    day = clock.today() - timedelta(days=3)
    text = HEADER + f"E1,,{SLUG},{day},Classroom 2026,\nE1,,{SLUG},not-a-date,LMS,\n"
    response = _upload(client, text.encode())
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Completes the module" in preview
    assert "not-a-date is not a date" in preview
    assert db.session.scalar(select(func.count(PastCompletion.id))) == 0
    applied = client.post(response.headers["Location"])
    assert applied.status_code == 302
    assert "1 completions recorded" in client.get(applied.headers["Location"]).get_data(True)
    report = client.get("/reports/").get_data(as_text=True)
    assert "Imported: Classroom 2026" in report
    rows = list(csv.DictReader(io.StringIO(client.get("/reports/export.csv").get_data(True))))
    rita = next(r for r in rows if r["Email"] == "rita@example.org")
    assert (rita["Status"], rita["Completion imported from"]) == ("Completed", "Classroom 2026")
    evidence = client.get(f"/reports/evidence.csv?learner={people['rita'].id}").get_data(True)
    assert "imported completion" in evidence
    assert "imported: Classroom 2026" in evidence
    page = client.get(f"/reports/learners/{people['rita'].id}").get_data(as_text=True)
    assert "imported: Classroom 2026" in page


def test_a_bad_upload_is_refused_next_to_the_file_field(people, client, signed_in_admin):
    response = _upload(client, b"module\nx\n")
    assert response.status_code == 422
    assert "The file has no employee_id or email and no completed_on" in response.get_data(True)
    assert db.session.scalar(select(func.count(StaffImport.id))) == 0
    assert db.session.scalar(select(func.count(User.id))) == 4
