"""Scale: a fixed number of statements however many learners; the aggregate's index covers it."""

import pytest
from sqlalchemy import text

from course.extensions import db
from course.models.types import utcnow
from course.services import demo_org, reports
from course.services.demo import DEMO_PASSWORD
from course.services.scope import Scope, scope_for


def _grow_to(total, made):
    if total > made:
        demo_org.generate(total - made, departments=3, seed=total)
    return total


def _statements(client, count_queries, url):
    db.session.expire_all()  # each request starts cold, as it would in its own process
    with count_queries() as queries:
        response = client.get(url)
        assert response.status_code == 200
        response.get_data()  # run the streamed body too
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/reports/",
        "/reports/?status=completed&sort=score&order=desc",
        "/reports/export.csv",
        "/reports/evidence.csv",
    ],
)
def test_statement_count_does_not_grow_with_learners(curriculum, client, auth, count_queries, url):
    made = _grow_to(10, 0)
    auth.sign_in("demo.manager@example.org", DEMO_PASSWORD)
    small = _statements(client, count_queries, url)
    _grow_to(200, made)
    large = _statements(client, count_queries, url)
    assert small == large
    assert small <= 15  # a handful, and the same for 10 and 200


def test_the_report_has_every_learner(curriculum):
    report = demo_org.generate(200, departments=3)
    manager = db.session.scalar(
        db.select(reports.User).where(reports.User.email == report["manager"])
    )
    summary = reports.summary(scope_for(manager), reports.Filters())
    assert summary.assigned == 200 * 10 + 10  # the demo manager is a learner of ward 1 too


def test_aggregate_reads_progress_through_a_covering_index(curriculum):
    report = demo_org.generate(50, departments=2)
    scope = Scope(tuple(report["department_ids"]))
    stmt = reports.summary_statement(scope, reports.Filters(), utcnow())
    compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
    if db.engine.dialect.name == "sqlite":
        # With statistics, as `ANALYZE` / `PRAGMA optimize` keep them on a live database.
        db.session.execute(text("ANALYZE"))
        plan = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        details = [row[-1] for row in plan]
        progress_steps = [d for d in details if "module_progress" in d]
        assert progress_steps, details
        assert all("USING COVERING INDEX ix_module_progress_report" in d for d in progress_steps)
    else:
        db.session.execute(text("ANALYZE module_progress"))
        plan = "\n".join(r[0] for r in db.session.execute(text(f"EXPLAIN {compiled}")))
        # With few rows PostgreSQL may rightly prefer a sequential scan; force the question.
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(r[0] for r in db.session.execute(text(f"EXPLAIN {compiled}")))
        assert "ix_module_progress_report" in plan or "pk_module_progress" in plan, plan
        db.session.rollback()
