"""`flask course import-users FILE`: the nightly HR feed from cron."""

from sqlalchemy import func, select

from course.extensions import db
from course.models import User

HEADER = "employee_id,email,name,department,job_title,hire_date,roles,active\n"


def _people() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(User.id)))


def test_dry_run_then_import_then_rerun(runner, tmp_path):
    feed = tmp_path / "hr.csv"
    feed.write_text(
        HEADER + "E1,rita@example.org,Rita,Ward A,Nurse,2026-01-05,,\n"
        "E2,sam@example.org,Sam,Ward A,Porter,2026-13-01,,\n",
        encoding="utf-8",
    )
    dry = runner.invoke(args=["course", "import-users", str(feed), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Dry run, nothing changed: 2 rows, 1 created" in dry.output
    assert "row 3, hire_date: 2026-13-01 is not a date" in dry.output
    assert _people() == 0
    done = runner.invoke(args=["course", "import-users", str(feed)])
    assert done.exit_code == 0, done.output
    assert "1 created" in done.output
    assert _people() == 1
    again = runner.invoke(args=["course", "import-users", str(feed)])
    assert "0 created, 0 updated, 1 unchanged" in again.output
    assert _people() == 1


def test_a_refused_file_exits_non_zero_and_changes_nothing(runner, tmp_path):
    feed = tmp_path / "hr.csv"
    feed.write_text(HEADER + "E1,a@example.org,A,,,,,\nE1,b@example.org,B,,,,,\n")
    result = runner.invoke(args=["course", "import-users", str(feed)])
    assert result.exit_code == 1
    assert "employee id E1 on rows 2, 3" in result.output
    assert _people() == 0


def test_the_safety_stop_holds_on_the_command_line(runner, tmp_path):
    feed = tmp_path / "hr.csv"
    feed.write_text(HEADER + "".join(f"E{n},p{n}@example.org,P{n},,,,,\n" for n in range(10)))
    assert runner.invoke(args=["course", "import-users", str(feed)]).exit_code == 0
    feed.write_text(HEADER + "E0,p0@example.org,P0,,,,,\n")
    result = runner.invoke(args=["course", "import-users", str(feed), "--deactivate-missing"])
    assert result.exit_code == 1
    assert "Safety stop: this would deactivate 9 of the 10" in result.output
    allowed = runner.invoke(
        args=[
            "course",
            "import-users",
            str(feed),
            "--deactivate-missing",
            "--deactivate-limit",
            "90",
        ]
    )
    assert allowed.exit_code == 0, allowed.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count(User.id)).where(User.active.is_(True))) == 1
