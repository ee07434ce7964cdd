"""A real OpenID Connect provider on loopback: panva's oidc-provider (OpenID-certified) run by
node from tests/sso/provider/. `npm ci` installs it on first use (the registry is reachable
wherever the suite runs); without node or npm the SSO tests skip, except under CI, where that
is a failure."""

import contextlib
import json
import os
import shutil
import subprocess
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from servers import free_port

PROVIDER_DIR = Path(__file__).parent / "provider"
CLIENT_ID = "social-rounds"
CLIENT_SECRET = "loopback-client-secret-for-tests"

#: The provider's accounts (its login names) and the claims it vouches for.
ACCOUNTS = {
    "nurse": {
        "email": "Nadia.Nurse@Example.org",
        "email_verified": True,
        "name": "Nadia Nurse",
        "department": "Cardiology Ward",
        "employee_id": "E100",
        "groups": ["staff"],
    },
    "boss": {
        "email": "mo.manager@example.org",
        "email_verified": True,
        "name": "Mo Manager",
        "department": "Office",
        "employee_id": "E200",
        "groups": ["staff", "cardio-managers"],
    },
    "nomail": {"name": "No Mail", "groups": []},
}


def _tool_or_skip(name: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    reason = f"{name} is not installed: the OpenID Connect tests need node and npm."
    if os.environ.get("CI"):
        pytest.fail(reason + " CI is set, so this is a failure.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def provider_installed():
    return provider_node()


def provider_node() -> str:
    """Node's path once the provider is installed (npm ci on first use)."""
    node = _tool_or_skip("node")
    npm = _tool_or_skip("npm")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=PROVIDER_DIR,
            check=True,
            timeout=600,
        )
    return node


@contextlib.contextmanager
def running_provider(node: str, redirect_uris: list[str], log_path: Path, **environment):
    """The provider on a free loopback port; yields its discovery URL. `environment` adds
    settings of provider.js (CLOCK_OFFSET_SECONDS)."""
    port = free_port()
    env = {
        **os.environ,
        **environment,
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URIS": " ".join(redirect_uris),
        "ACCOUNTS": json.dumps(ACCOUNTS),
    }
    log = open(log_path, "w+")  # noqa: SIM115 (read back on failure)
    process = subprocess.Popen(
        [node, "provider.js"], cwd=PROVIDER_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    discovery = f"http://127.0.0.1:{port}/.well-known/openid-configuration"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(discovery, timeout=5).read()  # noqa: S310 (loopback)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.seek(0)
                pytest.fail(f"the OpenID provider did not start:\n{log.read()[-3000:]}")
            time.sleep(0.2)
    try:
        yield discovery
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


@pytest.fixture
def oidc_app(app, provider_installed, tmp_path):
    """The app signing in through the provider (the test client's address: localhost)."""
    with running_provider(
        provider_installed, ["http://localhost/sso/oidc/callback"], tmp_path / "provider.log"
    ) as discovery:
        app.config.update(
            OIDC_DISCOVERY_URL=discovery,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET=CLIENT_SECRET,
            SSO_NAME="St Example ID",
        )
        yield app


class _Forms(HTMLParser):
    """The forms of a page: action and hidden inputs."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"action": attrs.get("action", ""), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value", "")


def through_provider(location: str, login: str, stop_at: str = "http://localhost/") -> str:
    """Follow the provider's pages as a person would: its login form (any password), its
    consent form; returns the URL it sends the browser back to (under `stop_at`)."""
    browser = requests.Session()
    url, method, data = location, "GET", None
    for _ in range(12):
        response = browser.request(method, url, data=data, allow_redirects=False, timeout=30)
        if response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url.startswith(stop_at):
                return url
            method, data = "GET", None
            continue
        parser = _Forms()
        parser.feed(response.text)
        assert parser.forms, response.text[:2000]
        form = parser.forms[0]
        data = dict(form["fields"])
        if data.get("prompt") == "login":
            data.update(login=login, password="any password")
        url, method = urljoin(url, form["action"]), "POST"
    raise AssertionError("the provider never sent the browser back")
