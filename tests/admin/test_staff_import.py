"""Bulk import of staff: reading files, the preview, applying exactly it, refusals."""

import io
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from course.extensions import db
from course.models import AuditEvent, Department, Role, StaffImport, User, UserSession
from course.services import staff_import
from course.services.staff_import import ImportFileError

HEADER = "employee_id,email,name,department,job_title,hire_date,roles,active\n"


def _users() -> dict[str, User]:
    db.session.expire_all()
    return {u.email: u for u in db.session.scalars(select(User))}


def _run(text: str | bytes, name="staff.csv", actor_id=None, **options):
    data = text.encode() if isinstance(text, str) else text
    table = staff_import.read_file(name, data)
    plan = staff_import.preview(table, actor_id=actor_id, **options)
    record = staff_import.store(
        plan, name, data, actor_id, options.get("deactivate_missing", False)
    )
    db.session.commit()
    return plan, record


def _apply(record, actor_id=None):
    outcome = staff_import.apply(record, actor_id)
    db.session.commit()
    return outcome


def _refused(text, name="staff.csv") -> str:
    data = text.encode() if isinstance(text, str) else text
    with pytest.raises(ImportFileError) as refused:
        staff_import.read_file(name, data)
    return str(refused.value)


GOOD = HEADER + (
    "E1,rita@example.org,Rita Nurse,Cardiology Ward,Registered Nurse,2026-01-05,,\n"
    "E2,sam@example.org,Sam Porter,cardiology ward,Porter,,learner;trainer,yes\n"
    "E3,bad-email,Bad Row,Ward X,,,,\n"
    "E4,tia@example.org,Tia Late,Emergency,Registered Nurse,2026-02-30,,\n"
)


def test_preview_then_apply_creates_exactly_the_good_rows(app, make_user):
    make_user(email="old@example.org", department="Cardiology Ward")
    plan, record = _run(GOOD)
    assert [c["email"] for c in plan.creates] == ["rita@example.org", "sam@example.org"]
    assert plan.refusals == [
        {"row": 4, "column": "email", "reason": "bad-email is not an email address like name@hospital.org."},  # noqa: E501
        {"row": 5, "column": "hire_date", "reason": "2026-02-30 is not a date written as YYYY-MM-DD, e.g. 2026-03-02."},  # noqa: E501
    ]  # fmt: skip
    # The department matched ignoring case: none is new.
    assert plan.new_departments == []
    assert len(_users()) == 1  # nothing changed by the preview
    outcome = _apply(record)
    assert (outcome.created, outcome.refused) == (2, 2)
    people = _users()
    rita, sam = people["rita@example.org"], people["sam@example.org"]
    assert (rita.employee_id, rita.job_title, rita.hire_date) == (
        "E1",
        "Registered Nurse",
        date(2026, 1, 5),
    )
    assert rita.department.name == sam.department.name == "Cardiology Ward"
    assert sam.roles == {Role.LEARNER, Role.TRAINER}
    assert rita.roles == {Role.LEARNER}
    assert db.session.scalar(select(func.count(Department.id))) == 1
    lines = db.session.scalars(
        select(AuditEvent.summary).where(AuditEvent.action == "user.create")
    ).all()
    assert all(
        f"staff import #{record.id} (staff.csv)" in line
        for line in lines
        if not line.startswith("old@")
    )
    assert len(lines) == 3


def test_a_rerun_updates_never_duplicates(app):
    _apply(_run(GOOD)[1])
    fixed = GOOD.replace("bad-email", "bad@example.org").replace("2026-02-30", "2026-02-28")
    fixed = fixed.replace("Porter,,learner;trainer", "Senior Porter,,learner;trainer")
    plan, record = _run(fixed)
    assert [c["email"] for c in plan.creates] == ["bad@example.org", "tia@example.org"]
    assert [(u["user_id"] and u["after"]) for u in plan.updates] == [{"job_title": "Senior Porter"}]
    assert plan.unchanged == 1
    assert plan.new_departments == ["Emergency", "Ward X"]
    _apply(record)
    people = _users()
    assert len(people) == 4
    assert people["sam@example.org"].job_title == "Senior Porter"
    # A third run changes nothing.
    plan, _ = _run(fixed)
    assert (plan.creates, plan.updates, plan.unchanged) == ([], [], 4)


def test_matching_by_employee_id_changes_the_email(app, make_user):
    _apply(_run(HEADER + "E1,rita@example.org,Rita Nurse,,,,,\n")[1])
    plan, record = _run(HEADER + "E1,rita.n@example.org,,,,,,\n")
    [change] = plan.updates
    assert change["after"] == {"email": "rita.n@example.org"}
    _apply(record)
    assert "rita.n@example.org" in _users()


def test_conflicting_ids_are_refused_per_row(app, make_user):
    _apply(_run(HEADER + "E1,rita@example.org,Rita,,,,,\nE2,sam@example.org,Sam,,,,,\n")[1])
    plan, _ = _run(HEADER + "E1,sam@example.org,Rita,,,,,\nE9,rita@example.org,Rita,,,,,\n")
    assert [(r["row"], r["column"]) for r in plan.refusals] == [(2, "email"), (3, "employee_id")]
    assert "belongs to another account (Sam, employee id E2)" in plan.refusals[0]["reason"]


def test_apply_refuses_a_plan_whose_accounts_changed(app):
    _apply(_run(HEADER + "E1,rita@example.org,Rita,,,,,\n")[1])
    plan, record = _run(HEADER + "E1,rita@example.org,Rita,,Nurse,,,\n")
    rita = _users()["rita@example.org"]
    rita.job_title = "Midwife"
    db.session.commit()
    with pytest.raises(ImportFileError, match="changed since this preview"):
        staff_import.apply(record, None)
    db.session.rollback()
    assert _users()["rita@example.org"].job_title == "Midwife"


def test_a_plan_is_applied_once(app):
    _, record = _run(GOOD)
    _apply(record)
    with pytest.raises(ImportFileError, match="applied already"):
        staff_import.apply(db.session.get(StaffImport, record.id), None)


def test_deactivate_missing_with_a_safety_stop(app, make_user):
    admin = make_user(email="ada@example.org", roles={Role.ADMIN}, department=None)
    rows = "".join(f"E{n},p{n}@example.org,P {n},Ward,,,,\n" for n in range(20))
    _apply(_run(HEADER + rows)[1])
    keep = "".join(f"E{n},p{n}@example.org,P {n},Ward,,,,\n" for n in range(18))
    plan, record = _run(HEADER + keep, deactivate_missing=True, actor_id=admin.id)
    assert [d["email"] for d in plan.deactivations] == ["p18@example.org", "p19@example.org"]
    assert plan.stopped is None  # 2 of 20 is 10%: the limit, not past it
    db.session.add(UserSession(user_id=_users()["p19@example.org"].id, key_hash="k" * 64,
                               expires_at=date(2100, 1, 1)))  # fmt: skip
    db.session.commit()
    _apply(record, admin.id)
    people = _users()
    assert not people["p19@example.org"].active
    assert people["ada@example.org"].active  # never an admin, never the importer
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    few = "".join(f"E{n},p{n}@example.org,P {n},Ward,,,,\n" for n in range(10))
    plan, record = _run(HEADER + few, deactivate_missing=True)
    assert plan.stopped is not None
    assert "Safety stop: this would deactivate 8 of the 18" in plan.stopped
    with pytest.raises(ImportFileError, match="Safety stop"):
        staff_import.apply(record, None)


def test_semicolons_and_a_bom_are_read(app):
    text = "\ufeff" + HEADER.replace(",", ";") + "E1;rita@example.org;Rita Nurse;Ward;;;;\n"
    plan, _ = _run(text.encode("utf-8"))
    assert [c["name"] for c in plan.creates] == ["Rita Nurse"]


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_file_is_read_with_its_dates(app):
    data = _xlsx(
        [
            HEADER.strip().split(","),
            [1001, "Rita@Example.org", "Rita", "Ward", "Nurse", date(2026, 1, 5), None, True],
        ]
    )
    plan, _ = _run(data, name="staff.xlsx")
    [create] = plan.creates
    assert (create["employee_id"], create["email"], create["hire_date"]) == (
        "1001",
        "rita@example.org",
        "2026-01-05",
    )


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            HEADER.encode() + "E1,r@example.org,Rén,,,,,\n".encode("latin-1"),
            "a.csv",
            "not UTF-8 text",
        ),
        (
            b"employee_id,mail,full name\nE1,a@example.org,A\n",
            "a.csv",
            "no email and no name column",
        ),
        (
            HEADER.encode() + b"E1,a@example.org,A,,,,,\nE1,b@example.org,B,,,,,\n",
            "a.csv",
            "employee id E1 on rows 2, 3",
        ),
        (
            HEADER.encode() + b"E1,a@example.org,A,,,,,\nE2,A@example.org,B,,,,,\n",
            "a.csv",
            "email a@example.org on rows 2, 3",
        ),
        (HEADER.encode() + b'E1,a@example.org,"=HYPERLINK(""x"")",,,,,\n', "a.csv", "row 2, name"),
        (b"", "a.csv", "empty"),
        (b"PK\x03\x04 not really a zip", "a.xlsx", "could not be read as an Excel workbook"),
        (HEADER.encode(), "a.csv", "no data rows"),
    ],
)
def test_bad_files_are_refused_whole(app, data, name, message):
    assert message in _refused(data, name)


def test_formulas_in_an_xlsx_are_refused(app):
    data = _xlsx([["email", "name", "hire_date"], ["a@example.org", "A", "=TODAY()"]])
    assert "Cells hold formulas, not values (row 2, hire_date)" in _refused(data, "a.xlsx")


def test_fifty_thousand_rows_are_refused(app):
    rows = "".join(f"E{n},p{n}@example.org,P,,,,,\n" for n in range(50_000))
    message = _refused(HEADER + rows)
    assert "50,000 data rows or more" in message
    assert "at most 49,999" in message


def test_statements_do_not_grow_with_rows(app, count_queries):
    def statements(rows: int, offset: int) -> tuple[int, int]:
        text = HEADER + "".join(
            f"E{n},p{n}@example.org,P {n},Ward {n % 3},Nurse,2026-01-01,,\n"
            for n in range(offset, offset + rows)
        )
        table = staff_import.read_file("s.csv", text.encode())
        with count_queries() as previewed:
            plan = staff_import.preview(table)
        record = staff_import.store(plan, "s.csv", text.encode(), None, False)
        db.session.commit()
        with count_queries() as applied:
            staff_import.apply(record, None)
        db.session.commit()
        return len(previewed), len(applied)

    small = statements(10, 0)
    large = statements(400, 1000)
    assert small[0] == large[0] == 3  # accounts, roles, departments
    assert large[1] <= small[1] + 2  # new departments aside, a fixed number per batch
    # Updates of every row: also a fixed number.
    text = HEADER + "".join(
        f"E{n},p{n}@example.org,P {n},Ward {n % 3},Midwife,2026-01-01,trainer,\n"
        for n in range(1000, 1400)
    )
    plan = staff_import.preview(staff_import.read_file("s.csv", text.encode()))
    assert len(plan.updates) == 400
    record = staff_import.store(plan, "s.csv", text.encode(), None, False)
    db.session.commit()
    with count_queries() as applied:
        staff_import.apply(record, None)
    assert len(applied) <= 20


@pytest.mark.parametrize(
    "address",
    ["a@b.org", "Rita.N+tag@Hospital.Example.org", "a..b@x.org", ".a@x.org", "a@-x.org",
     "a@x.local", "a@x", "a@1.2.3.4", "x@y.co", "ré@x.org", "a b@x.org", "a@x.test"],
)  # fmt: skip
def test_the_quick_email_check_agrees_with_email_validator(address):
    from email_validator import EmailNotValidError, validate_email  # noqa: PLC0415

    try:
        expected = validate_email(address, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        expected = None
    try:
        found = staff_import._email(address)
    except staff_import._RowRefusalError:
        found = None
    assert found == expected
