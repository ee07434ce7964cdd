"""Benchmark the managers' report: page, drill-down, CSV and XLSX exports at 1,000 to 50,000.

Run by hand (never by the tests), e.g.:

    .venv/bin/python bench/report.py                      # SQLite in a temporary file
    .venv/bin/python bench/report.py --learners 1000 10000 50000 --no-xlsx
    .venv/bin/python bench/report.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The database at --database-url is EMPTIED (drop_all/create_all). Prints one line per size:
median wall time and median CPU time of this process (the app runs in it, through Flask's test
client), so a busy machine shows in the gap between the two; the load average is printed with
them. The CSV export's memory is its peak Python allocation (tracemalloc) and the process's
peak resident set while streaming it, sampled at every chunk. Then the growth from the smallest
to the largest size, of the page and of the export (per row), wall and CPU.
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


def rss_mb() -> float:
    """This process's resident set now, in MB (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def timed(client, url, repeat):
    """Median wall and CPU ms of GET url (body fully read), over `repeat` runs after a warm-up,
    and the body's size."""
    times, cpus = [], []
    for _ in range(repeat + 1):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        body = response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
        assert response.status_code == 200, (url, response.status_code, body[:300])
    return statistics.median(times[1:]), statistics.median(cpus[1:]), len(body)


def export_peak(client, url, trace=True):
    """Wall and CPU ms (without tracing, which slows Python), or peak Python memory, of streaming
    the CSV chunk by chunk as a server would; with the size, the rows and the peak RSS (MB)."""
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    start, cpu = time.perf_counter(), time.process_time()
    response = client.get(url, buffered=False)
    size = rows = 0
    peak_rss = rss_mb()
    for chunk in response.response:
        size += len(chunk)
        rows += chunk.count(b"\n")
        peak_rss = max(peak_rss, rss_mb())
    response.close()
    elapsed = (time.perf_counter() - start) * 1000
    cpu = (time.process_time() - cpu) * 1000
    peak = 0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, cpu, peak, size, rows - 1, peak_rss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--learners", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-xlsx", action="store_true", help="skip the (slow) XLSX export")
    parser.add_argument("--export-repeat", type=int, default=3, help="CSV exports timed")
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
    figures = {}
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
        page_ms, page_cpu, page_bytes = timed(client, "/reports/", args.repeat)
        filtered_ms, filtered_cpu, _ = timed(
            client, "/reports/?status=overdue&sort=due", args.repeat
        )
        drill_ms, drill_cpu, _ = timed(client, f"/reports/learners/{learner_id}", args.repeat)
        runs = [
            export_peak(client, "/reports/export.csv", trace=False)
            for _ in range(args.export_repeat)
        ]
        export_ms = statistics.median(r[0] for r in runs)
        export_cpu = statistics.median(r[1] for r in runs)
        _, size, rows, rss = runs[0][2:]
        _, _, peak, _, _, _ = export_peak(client, "/reports/export.csv")
        figures[total] = (page_ms, page_cpu, export_ms / rows, export_cpu / rows)
        line = (
            f"{engine_name} {total:>6} learners x 10 modules (built in {build:.1f} s; load "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores): "
            f"report page {page_ms:.0f} ms wall / {page_cpu:.0f} ms CPU ({page_bytes // 1024} KB), "
            f"filtered page {filtered_ms:.0f} / {filtered_cpu:.0f} ms, "
            f"drill-down {drill_ms:.0f} / {drill_cpu:.0f} ms, "
            f"CSV export {rows} rows {size // 1024} KB in {export_ms:.0f} ms wall / "
            f"{export_cpu:.0f} ms CPU, peak Python memory {peak / 1e6:.1f} MB, "
            f"peak RSS {rss:.0f} MB"
        )
        if not args.no_xlsx:
            xlsx_ms, _, _, xlsx_size, _, _ = export_peak(
                client, "/reports/export.xlsx", trace=False
            )
            _, _, xlsx_peak, _, _, _ = export_peak(client, "/reports/export.xlsx")
            line += (
                f"; XLSX export {xlsx_size // 1024} KB in {xlsx_ms:.0f} ms, "
                f"peak memory {xlsx_peak / 1e6:.1f} MB"
            )
        print(line, flush=True)
    if len(figures) > 1:
        small, large = min(figures), max(figures)
        (pw0, pc0, ew0, ec0), (pw1, pc1, ew1, ec1) = figures[small], figures[large]
        print(
            f"growth {small} -> {large} learners: report page x{pw1 / pw0:.2f} wall, "
            f"x{pc1 / pc0:.2f} CPU; CSV export per row x{ew1 / ew0:.2f} wall, x{ec1 / ec0:.2f} CPU",
            flush=True,
        )


if __name__ == "__main__":
    main()
