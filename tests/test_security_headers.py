"""Response headers and host rules: HSTS under HTTPS, COOP everywhere, no-store on every
page with personal data, links that never follow a forged Host, 405 with Allow."""

import io

import pytest
from pypdf import PdfReader

from course import config, create_app
from course.extensions import db
from course.models import Certificate, Module, Role, User
from course.models.types import utcnow
from course.services import content_io, curriculum


def test_hsts_only_under_https(app, monkeypatch, tmp_path):
    assert "Strict-Transport-Security" not in app.test_client().get("/sign-in").headers
    monkeypatch.setenv("HTTPS", "1")
    monkeypatch.setenv("EXTERNAL_URL", "https://training.example.org")
    secure = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    response = secure.test_client().get("/sign-in")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_https_without_an_address_or_trusted_hosts_refuses_to_start(monkeypatch):
    monkeypatch.setenv("HTTPS", "1")
    monkeypatch.delenv("EXTERNAL_URL", raising=False)
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    with pytest.raises(config.SettingsError, match="EXTERNAL_URL"):
        create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})


@pytest.fixture
def manager_world(app, make_user):
    path = content_io.CURRICULUM_DIR / "06-share-information.md"
    curriculum.load(content_io.parse_module(path.read_text(encoding="utf-8")))
    manager = make_user(roles={Role.MANAGER, Role.ADMIN, Role.LEARNER}, department="Ward A")
    manager.managed_departments = [manager.department]
    module = db.session.scalar(db.select(Module))
    db.session.add(
        Certificate(
            code="cert-code",
            user_id=manager.id,
            module_id=module.id,
            revision_number=1,
            learner_name=manager.name,
            module_title="Share information",
            issued_at=utcnow(),
        )
    )
    db.session.commit()
    return manager


PERSONAL = [
    "/",
    "/reports/",
    "/reports/export.csv",
    "/reports/evidence.csv",
    "/admin/users",
    "/certificates",
    "/certificates/cert-code.pdf",
    "/verify/cert-code",
    "/reports/profile",
]


def test_personal_pages_are_never_stored_and_every_page_has_coop(client, auth, manager_world):
    auth.sign_in(manager_world)
    for path in PERSONAL:
        response = client.get(path)
        response.get_data()  # a streamed download runs to its end
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", path
    static = client.get("/static/app.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_an_untrusted_host_is_refused(app, client):
    app.config["TRUSTED_HOSTS"] = ["training.example.org"]
    assert client.get("/sign-in", headers={"Host": "evil.example"}).status_code == 400
    ok = client.get("/sign-in", headers={"Host": "training.example.org"})
    assert ok.status_code == 200


def test_the_certificate_names_the_configured_address_not_the_host_header(
    app, client, auth, manager_world
):
    app.config["EXTERNAL_URL"] = "https://training.example.org"
    auth.sign_in(manager_world)
    forged = {"Host": "evil.example"}
    # The browser sends its cookie to the forged name too (a poisoned cache or DNS).
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    response = client.get("/certificates/cert-code.pdf", headers=forged)
    assert response.status_code == 200
    pdf = response.get_data()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "evil.example" not in text
    assert "training.example.org/verify/cert-code" in text.replace("\n", "")


def test_405_names_the_methods_allowed(client):
    response = client.get("/sign-out")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}


@pytest.mark.parametrize("command", [["demo-accounts"], ["demo-org", "--learners", "2"]])
def test_demo_data_is_refused_on_production_settings_unless_asked(app, runner, command):
    app.config["EXTERNAL_URL"] = "https://training.example.org"
    refused = runner.invoke(args=["course", *command])
    assert refused.exit_code != 0
    assert "Refusing" in refused.output
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0
    allowed = runner.invoke(args=["course", *command, "--on-production"])
    assert allowed.exit_code == 0, allowed.output


def test_demo_accounts_run_on_a_local_setup(runner):
    result = runner.invoke(args=["course", "demo-accounts"])
    assert result.exit_code == 0, result.output
