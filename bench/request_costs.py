"""CPU per request inside the app, without a server: where a page's time goes.

bench/load.py measures pages through gunicorn and a load generator, whose costs and noise
are part of its figures. This calls the WSGI app directly, many times in one process, and
prints microseconds of CPU per request for the reference page, the same page signed in, and
each learner page; with --stages, the lesson page split into its parts. Run by hand:

    .venv/bin/python bench/request_costs.py [--requests 4000] [--stages]
"""

import argparse
import importlib
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from werkzeug.test import EnvironBuilder

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import load  # noqa: E402

from course.auth import sessions  # noqa: E402
from course.learn import routes  # noqa: E402
from course.services import catalog, demo  # noqa: E402

AGENT = "social-rounds-bench"


def signed_in_cookie(app) -> str:
    client = app.test_client()
    headers = {"User-Agent": AGENT}
    form = client.get("/sign-in", headers=headers).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    data = {"email": "learner@example.org", "password": demo.DEMO_PASSWORD, "csrf_token": token}
    client.post("/sign-in", data=data, headers=headers)
    return f"session={client.get_cookie('session').value}"


def cpu_per_request(wsgi, path: str, cookie: str, requests: int) -> float:
    """Microseconds of CPU per GET of `path`, after one warm-up that must answer 200."""
    environ = EnvironBuilder(
        path=path,
        headers={"Cookie": cookie, "User-Agent": AGENT},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    ).get_environ()
    statuses = []

    def get():
        body = wsgi(dict(environ), lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(body)
        getattr(body, "close", lambda: None)()

    get()
    if not statuses[-1].startswith("200"):
        raise SystemExit(f"{path}: {statuses[-1]}")
    began = time.process_time()
    for _ in range(requests):
        get()
    return (time.process_time() - began) / requests * 1e6


def timed(name: str, function, totals: Counter):
    def wrapper(*args, **kwargs):
        began = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            totals[name] += time.process_time() - began

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--stages", action="store_true", help="split the lesson page")
    args = parser.parse_args()
    database_url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-costs-')}/bench.sqlite3"
    load.prepare(database_url)
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY="bench-secret")  # noqa: S106
    reference_app = importlib.import_module("reference_app")  # its app reads the environment
    app = reference_app.social_rounds
    cookie = signed_in_cookie(app)
    lesson = f"/modules/{load.MODULE}/lessons/lesson-1"
    pages = {
        "reference page (6 KB)": (reference_app.reference.wsgi_app, "/"),
        "same page, signed in": (app.wsgi_app, "/bench/signed-in-reference"),
        "dashboard": (app.wsgi_app, "/"),
        "module page": (app.wsgi_app, f"/modules/{load.MODULE}"),
        "lesson page": (app.wsgi_app, lesson),
    }
    for name, (wsgi, path) in pages.items():
        print(f"{name:<24} {cpu_per_request(wsgi, path, cookie, args.requests):7.0f} us CPU")
    if args.stages:
        totals: Counter = Counter()
        app.login_manager.user_loader(timed("user query", sessions.load_user, totals))
        catalog.open_lesson = timed("lesson query", catalog.open_lesson, totals)
        routes.render_template = timed("render", routes.render_template, totals)
        whole = cpu_per_request(app.wsgi_app, lesson, cookie, args.requests)
        parts = ", ".join(f"{k} {v / (args.requests + 1) * 1e6:.0f}" for k, v in totals.items())
        print(f"lesson page, in parts:   {whole:7.0f} us CPU: {parts} (us; the rest is Flask)")


if __name__ == "__main__":
    main()
