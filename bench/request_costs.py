"""CPU per request inside the app, without a server: where a page's time goes.

bench/load.py measures pages through gunicorn and a load generator, whose costs and noise
are part of its figures. This calls the WSGI app directly, many times in one process, and
prints microseconds of CPU per request for the reference page, the same page signed in, each
learner page and a quiz submission (each a different prepared attempt), and each as a multiple
of the reference page's CPU; with --stages, the lesson page split into its parts. The pages are
measured in turn, round after round, and each figure is the median of its rounds: on shared
cores the load moves between rounds, and the ratios measured side by side move less than the
figures. Run by hand:

    .venv/bin/python bench/request_costs.py [--requests 4000] [--rounds 8] [--stages]
"""

import argparse
import importlib
import os
import re
import statistics
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


#: Targets of issue #19 (bench/load.py measures the throughput ones through gunicorn).
TARGETS = {"lesson page": 0.5, "dashboard": 0.35}
QUIZ_TARGET_MS = 4.0


def signed_in_client(app, email: str = "learner@example.org", password: str = demo.DEMO_PASSWORD):
    """A test client signed in as `email`; returns (client, CSRF token of its pages)."""
    client = app.test_client()
    headers = {"User-Agent": AGENT}
    form = client.get("/sign-in", headers=headers).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
    data = {"email": email, "password": password, "csrf_token": token}
    page = client.post("/sign-in", data=data, headers=headers, follow_redirects=True)
    return client, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(True)).group(1)


def signed_in_cookie(app) -> str:
    client, _ = signed_in_client(app)
    return f"session={client.get_cookie('session').value}"


def getter(wsgi, path: str, cookie: str):
    """A function that GETs `path` once, after one warm-up that must answer 200."""
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
    return get


def cpu_per_request(wsgi, path: str, cookie: str, requests: int) -> float:
    """Microseconds of CPU per GET of `path`, after one warm-up that must answer 200."""
    get = getter(wsgi, path, cookie)
    began = time.process_time()
    for _ in range(requests):
        get()
    return (time.process_time() - began) / requests * 1e6


def prepared_submissions(app, slugs: list[str], learners: int) -> list:
    """(client, action, answers) of one open attempt per bench learner and module."""
    headers = {"User-Agent": AGENT}
    submissions = []
    for n in range(learners):
        client, token = signed_in_client(app, f"bench{n}@example.org", load.BENCH_PASSWORD)
        for slug in slugs:
            page = client.post(
                f"/modules/{slug}/quiz", data={"csrf_token": token}, headers=headers,
                follow_redirects=True,
            ).get_data(as_text=True)  # fmt: skip
            answers = {"csrf_token": token}
            for name, value in load.CHOICE.findall(page):
                answers.setdefault(name, value)
            submissions.append((client, load.QUIZ_ACTION.search(page).group(1), answers))
    return submissions


def submit(submissions: list) -> float:
    """Microseconds of CPU per quiz submission (each must redirect to its result)."""
    began = time.process_time()
    for client, action, answers in submissions:
        response = client.post(action, data=answers, headers={"User-Agent": AGENT})
        if response.status_code != 302:
            raise SystemExit(f"{action}: {response.status_code}")
    return (time.process_time() - began) / len(submissions) * 1e6


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
    parser.add_argument("--requests", type=int, default=4000, help="per page, over all rounds")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--stages", action="store_true", help="split the lesson page")
    args = parser.parse_args()
    database_url = f"sqlite:///{tempfile.mkdtemp(prefix='bench-costs-')}/bench.sqlite3"
    slugs = load.prepare(database_url)
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY="bench-secret")  # noqa: S106
    reference_app = importlib.import_module("reference_app")  # its app reads the environment
    app = reference_app.social_rounds
    app.config["SUBMISSIONS_PER_MINUTE"] = 10_000  # every attempt is started at once here
    cookie = signed_in_cookie(app)
    lesson = f"/modules/{load.MODULE}/lessons/lesson-1"
    pages = {
        "reference page (6 KB)": (reference_app.reference.wsgi_app, "/"),
        "same page, signed in": (app.wsgi_app, "/bench/signed-in-reference"),
        "dashboard": (app.wsgi_app, "/"),
        "module page": (app.wsgi_app, f"/modules/{load.MODULE}"),
        "lesson page": (app.wsgi_app, lesson),
    }
    getters = {name: getter(wsgi, path, cookie) for name, (wsgi, path) in pages.items()}
    submissions = prepared_submissions(app, slugs, load.BENCH_LEARNERS)
    per_round = max(1, args.requests // args.rounds)
    rounds: dict[str, list[float]] = {name: [] for name in [*pages, "quiz submission"]}
    for number in range(args.rounds):
        for name, get in getters.items():
            began = time.process_time()
            for _ in range(per_round):
                get()
            rounds[name].append((time.process_time() - began) / per_round * 1e6)
        share = submissions[number :: args.rounds]
        if share:
            rounds["quiz submission"].append(submit(share))
    figures = {name: statistics.median(values) for name, values in rounds.items() if values}
    reference = figures["reference page (6 KB)"]
    for name, micros in figures.items():
        spread = f"{min(rounds[name]):.0f}-{max(rounds[name]):.0f}"
        print(f"{name:<24} {micros:7.0f} us CPU  ({spread} over {len(rounds[name])} rounds)"
              f"  {micros / reference:5.1f}x the reference's CPU")  # fmt: skip
    quiz = figures["quiz submission"] / 1000
    print(
        f"target: quiz submission <= {QUIZ_TARGET_MS} ms of CPU: {quiz:.2f} ms here"
        f" ({'met' if quiz <= QUIZ_TARGET_MS else 'NOT met'}; load on the cores inflates it)"
    )
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
