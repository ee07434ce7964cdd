"""Benchmark the managers' report: page, drill-down, CSV and XLSX exports at 1,000 and 10,000.

Run by hand (never by the tests), e.g.:

    .venv/bin/python bench/report.py                      # SQLite in a temporary file
    .venv/bin/python bench/report.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The database at --database-url is EMPTIED (drop_all/create_all). Prints one line per figure.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from course import create_app  # noqa: E402
from course.database import refresh_statistics  # noqa: E402
from course.extensions import db  # noqa: E402
from course.services import curriculum, demo_org  # noqa: E402
from course.services.demo import DEMO_PASSWORD  # noqa: E402


def timed(client, url, repeat):
    """Median wall time in ms of GET url (body fully read), over `repeat` runs after a warm-up."""
    times = []
    for _ in range(repeat + 1):
        start = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code, body[:300])
    return statistics.median(times[1:]), len(body)


def export_peak(client, url, trace=True):
    """Time (without tracing, which slows Python) or peak Python memory while streaming the CSV
    chunk by chunk, as a server would."""
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    start = time.perf_counter()
    response = client.get(url, buffered=False)
    size = rows = 0
    for chunk in response.response:
        size += len(chunk)
        rows += chunk.count(b"\n")
    response.close()
    elapsed = (time.perf_counter() - start) * 1000
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, peak, size, rows - 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--learners", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = args.database_url
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-')}/bench.sqlite3"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    engine_name = url.split(":", 1)[0]
    with app.app_context():
        db.drop_all()
        db.create_all()
        curriculum.load_curriculum()
        db.session.commit()
    client = app.test_client()
    made = 0
    for total in sorted(args.learners):
        # Build inside an app context; measure outside it, so each request is cold as in a server.
        with app.app_context():
            start = time.perf_counter()
            report = demo_org.generate(total - made, departments=10, seed=total)
            db.session.commit()
            made = total
            # What `course demo-org` does after building: the product's own statistics.
            refresh_statistics()
            db.session.commit()
            if engine_name.startswith("postgresql"):
                # Autovacuum's part (the visibility map index-only scans read), done now.
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                    c.exec_driver_sql("VACUUM")
            build = time.perf_counter() - start
            learner_id = db.session.scalar(db.text("SELECT max(user_id) FROM module_progress"))
        client.post("/sign-in", data={"email": report["manager"], "password": DEMO_PASSWORD})
        page_ms, page_bytes = timed(client, "/reports/", args.repeat)
        filtered_ms, _ = timed(client, "/reports/?status=overdue&sort=due", args.repeat)
        drill_ms, _ = timed(client, f"/reports/learners/{learner_id}", args.repeat)
        export_ms, _, size, rows = export_peak(client, "/reports/export.csv", trace=False)
        _, peak, _, _ = export_peak(client, "/reports/export.csv")
        xlsx_ms, _, xlsx_size, _ = export_peak(client, "/reports/export.xlsx", trace=False)
        _, xlsx_peak, _, _ = export_peak(client, "/reports/export.xlsx")
        print(
            f"{engine_name} {total:>6} learners x 10 modules (built in {build:.1f} s): "
            f"report page {page_ms:.0f} ms ({page_bytes // 1024} KB), "
            f"filtered page {filtered_ms:.0f} ms, drill-down {drill_ms:.0f} ms, "
            f"CSV export {rows} rows {size // 1024} KB in {export_ms:.0f} ms, "
            f"peak memory {peak / 1e6:.1f} MB; "
            f"XLSX export {xlsx_size // 1024} KB in {xlsx_ms:.0f} ms, "
            f"peak memory {xlsx_peak / 1e6:.1f} MB",
            flush=True,
        )


if __name__ == "__main__":
    main()
