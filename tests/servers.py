"""The app under gunicorn, as production runs it, and a browser of plain urllib to drive it."""

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, log_path: Path, workers: int = 2, **environment):
    """Serve wsgi:app on a free loopback port; yields its base URL. On the way out the server
    stops, and its log must hold no traceback."""
    port = free_port()
    log = open(log_path, "w+")  # noqa: SIM115 (read back on failure)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "gunicorn-test-secret",
        **environment,
    }
    process = subprocess.Popen(
        [str(GUNICORN), "-w", str(workers), "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    # Each worker imports the app on its own: on 2 busy cores that takes a while.
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/sign-in", timeout=10).read()  # noqa: S310
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                process.wait(timeout=15)
                log.seek(0)
                started = log.read()[-3000:]
                log.close()
                pytest.fail(f"gunicorn did not start:\n{started}")
            time.sleep(0.2)
    try:
        yield base
    finally:
        process.terminate()  # a graceful stop: workers finish what they were doing
        try:
            process.wait(timeout=45)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
        log.seek(0)
        server_log = log.read()
        log.close()
    assert "Traceback" not in server_log, server_log[-5000:]


class Browser:
    """One person's browser: a cookie jar, the statuses it saw (shared between browsers)."""

    def __init__(self, base: str, statuses: Counter | None = None, lock=None):
        self.base = base
        self.statuses = statuses if statuses is not None else Counter()
        self.lock = lock or threading.Lock()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        #: The headers of the last response.
        self.headers = None

    def open(self, path: str, data: dict | bytes | None = None, headers: dict | None = None):
        """(status, body bytes) of one request; a dict is sent as a urlencoded form."""
        body = urllib.parse.urlencode(data).encode() if isinstance(data, dict) else data
        request = urllib.request.Request(  # noqa: S310 (our own loopback server)
            self.base + path, data=body, headers=headers or {}
        )
        try:
            with self.opener.open(request, timeout=60) as response:
                status, content, self.headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, content, self.headers = error.code, error.read(), error.headers
        with self.lock:
            self.statuses[status] += 1
        return status, content

    def request(self, path: str, data: dict | None = None) -> str:
        return self.open(path, data)[1].decode(errors="replace")

    def token(self, html: str) -> str:
        return CSRF.search(html).group(1)

    def sign_in(self, email: str, password: str) -> str:
        """Sign in through the form; returns the CSRF token of the page reached."""
        form = self.request("/sign-in")
        page = self.request(
            "/sign-in", {"email": email, "password": password, "csrf_token": self.token(form)}
        )
        assert "Sign out" in page, f"{email} could not sign in"
        return self.token(page)

    def post_file(self, path: str, fields: dict, name: str, filename: str, content: bytes):
        """A multipart form with one file; (status, body bytes)."""
        boundary = "----social-rounds-test"
        parts = []
        for key, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            )
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'
        )
        body = (
            "".join(parts).encode() + head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.open(path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
