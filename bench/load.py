"""Load benchmark: learner pages next to a 6 KB reference page, in the same gunicorn, same run.

Run by hand (the tests never assert timings):

    .venv/bin/python bench/load.py                  # SQLite in a temporary file
    .venv/bin/python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
    .venv/bin/python bench/load.py --seconds 10     # longer runs, steadier figures

gunicorn serves bench/reference_app.py:app (the app plus /reference/) with 2 sync workers on
loopback. GET pages are driven by wrk where installed (else by Python threads); quiz submissions
(each one a different prepared attempt) by Python threads. CPU per request comes from the
workers' utime+stime in /proc/<pid>/stat before and after each phase. The database at
--database-url is EMPTIED. Only 2 cores: the load generator shares them with the server.
"""

import argparse
import http.client
import http.cookiejar
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course import create_app  # noqa: E402
from course.extensions import db  # noqa: E402
from course.services import accounts, content_io, curriculum, demo  # noqa: E402

MODULE = "share-information"
AGENT = "social-rounds-bench"  # one User-Agent for every client: session protection is strong
BENCH_LEARNERS = 40
BENCH_PASSWORD = "bench-learner-pass"  # noqa: S105 (throwaway bench accounts)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
QUIZ_ACTION = re.compile(r'action="(/modules/[^"]+/quiz/\d+)"')
CHOICE = re.compile(r'name="(q\d+)"[^>]*value="([^"]+)"')
TICK = os.sysconf("SC_CLK_TCK")
#: Throughput against the reference page's, and CPU per quiz submission (issue #19).
THROUGHPUT_TARGETS = {"lesson page": 0.5, "dashboard": 0.35}
QUIZ_CPU_TARGET_MS = 4.0


def prepare(database_url: str) -> list[str]:
    """Schema, curriculum, demo accounts and bench learners; returns the module slugs."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        curriculum.load_curriculum()
        demo.create_demo_accounts()
        app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000"  # noqa: S105 (fast to create)
        for n in range(BENCH_LEARNERS):
            accounts.create_user(f"bench{n}@example.org", f"Bench {n}", BENCH_PASSWORD)
        db.session.commit()
        slugs = [p.stem.split("-", 1)[1] for p in sorted(content_io.CURRICULUM_DIR.glob("*.md"))]
        db.session.remove()
        db.engine.dispose()
    return slugs


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database_url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-secret"}
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "--pythonpath", f"{ROOT},{ROOT}/bench", "reference_app:app"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/reference/", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("gunicorn did not start")


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / TICK


class Browser:
    """A signed-in learner: cookie jar, CSRF token."""

    def __init__(self, base: str, email: str, password: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("User-Agent", AGENT)]
        form = self.get("/sign-in")
        page = self.post("/sign-in", {"email": email, "password": password,
                                      "csrf_token": CSRF.search(form).group(1)})  # fmt: skip
        if "My training" not in page:
            raise SystemExit(f"could not sign in as {email}")
        self.csrf = CSRF.search(page).group(1)

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> str:
        with self.opener.open(self.base + path, urllib.parse.urlencode(data).encode()) as r:
            return r.read().decode()

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def open_quiz(self, slug: str) -> tuple[str, bytes, str]:
        """Start an attempt; returns (action, encoded answers, cookie) ready to submit."""
        page = self.post(f"/modules/{slug}/quiz", {"csrf_token": self.csrf})
        answers: dict = {"csrf_token": self.csrf}
        for name, value in CHOICE.findall(page):
            answers.setdefault(name, value)
        action = QUIZ_ACTION.search(page).group(1)
        return action, urllib.parse.urlencode(answers).encode(), self.cookie_header()


def run_wrk(url: str, cookie: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-H", f"Cookie: {cookie}", "-H", f"User-Agent: {AGENT}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip

    def ms(label):
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} error responses\n{out}")
    return {"requests": requests, "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)
            .group(1)), "p50": ms("50%"), "p99": ms("99%")}  # fmt: skip


def run_python(port: int, requests: list[tuple[str, str, bytes | None, str]], threads: int):
    """Send (method, path, body, cookie) requests from threads over keep-alive connections."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    queue = list(reversed(requests))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        while True:
            with lock:
                if not queue:
                    break
                method, path, body, cookie = queue.pop()
            headers = {"Cookie": cookie, "User-Agent": AGENT}
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            began = time.perf_counter()
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - began) * 1000)
            if response.status >= 400:
                failures.append(f"{method} {path}: {response.status}")
        conn.close()
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    began = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise SystemExit(f"{len(failures)} failed requests, e.g. {failures[:3]}")
    latencies.sort()
    return {"requests": len(latencies), "rps": len(latencies) / elapsed,
            "p50": statistics.median(latencies),
            "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]}  # fmt: skip


def measured(pids, run) -> dict:
    before = cpu_seconds(pids)
    figures = run()
    figures["cpu_ms"] = 1000 * (cpu_seconds(pids) - before) / figures["requests"]
    return figures


def line(name: str, f: dict, reference: dict | None = None) -> str:
    text = (f"{name:<28} {f['rps']:8.0f} req/s  p50 {f['p50']:6.1f} ms  p99 {f['p99']:6.1f} ms"
            f"  CPU {f['cpu_ms']:5.2f} ms/req")  # fmt: skip
    if reference:
        text += (f"  | {f['rps'] / reference['rps']:.2f}x reference throughput, "
                 f"{f['cpu_ms'] / reference['cpu_ms']:.1f}x its CPU")  # fmt: skip
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="default: SQLite in a temporary file")
    parser.add_argument("--seconds", type=int, default=5, help="per GET measurement")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-load-")
    database_url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    slugs = prepare(database_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(database_url, port)
    try:
        pids = worker_pids(server.pid)
        learner = Browser(base, "learner@example.org", demo.DEMO_PASSWORD)
        lesson = re.search(rf'href="(/modules/{MODULE}/lessons/[^"]+)"',
                           learner.get(f"/modules/{MODULE}")).group(1)  # fmt: skip
        cookie = learner.cookie_header()
        pages = {
            "reference page (6 KB)": "/reference/",
            "same page, signed in": "/bench/signed-in-reference",
            "dashboard": "/",
            "lesson page": lesson,
        }
        use_wrk = shutil.which("wrk") is not None
        print(f"gunicorn 2 sync workers (pids {pids}), {database_url.split(':')[0]}, "
              f"load from {'wrk' if use_wrk else 'Python threads'}, {args.connections} "
              f"connections, {args.seconds} s each, {os.cpu_count()} cores shared")  # fmt: skip
        results = {}
        for name, path in pages.items():
            if use_wrk:
                run_wrk(base + path, cookie, 1, args.connections)  # warm-up

            def run(path=path):
                if use_wrk:
                    return run_wrk(base + path, cookie, args.seconds, args.connections)
                return run_python(port, [("GET", path, None, cookie)] * 3000, args.connections)

            results[name] = measured(pids, run)
        reference = results["reference page (6 KB)"]
        for name, figures in results.items():
            print(line(name, figures, None if figures is reference else reference))

        # Quiz submissions: one prepared attempt each (40 learners x 10 modules), all sent at
        # once; the Python client's reference figure is the fair comparison for them.
        learners = [Browser(base, f"bench{n}@example.org", BENCH_PASSWORD)
                    for n in range(BENCH_LEARNERS)]  # fmt: skip
        submissions = []
        for person in learners:
            for slug in slugs:
                action, body, jar = person.open_quiz(slug)
                submissions.append(("POST", action, body, jar))
        python_reference = measured(
            pids, lambda: run_python(port, [("GET", "/reference/", None, "")] * len(submissions),
                                     args.connections))  # fmt: skip
        quiz = measured(pids, lambda: run_python(port, submissions, args.connections))
        print(line("reference (Python client)", python_reference))
        print(line("quiz submission", quiz, python_reference))
        print("targets (issue #19; CPU figures grow with the load on the shared cores):")
        for name, wanted in THROUGHPUT_TARGETS.items():
            ratio = results[name]["rps"] / reference["rps"]
            print(f"  {name} throughput >= {wanted}x reference: {ratio:.2f}x "
                  f"({'met' if ratio >= wanted else 'NOT met'})")  # fmt: skip
        lesson_cpu = results["lesson page"]["cpu_ms"]
        print(
            f"  lesson CPU <= 3 ms: {lesson_cpu:.2f} ms ({'met' if lesson_cpu <= 3 else 'NOT met'})"
        )
        print(f"  quiz submission CPU <= {QUIZ_CPU_TARGET_MS} ms: {quiz['cpu_ms']:.2f} ms "
              f"({'met' if quiz['cpu_ms'] <= QUIZ_CPU_TARGET_MS else 'NOT met'}; the reference "
              f"cost {python_reference['cpu_ms']:.2f} ms in the same run, "
              f"{quiz['cpu_ms'] / python_reference['cpu_ms']:.1f}x)")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
