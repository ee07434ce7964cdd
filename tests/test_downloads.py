"""Every download names its file as RFC 6266 says, in any script, under a real WSGI server."""

import pytest
from servers import Browser, gunicorn
from werkzeug.http import parse_options_header

from course import create_app, downloads
from course.extensions import db
from course.models import Certificate, Module, Role
from course.models.types import utcnow
from course.services import accounts, content_io, curriculum

VIETNAMESE = "Đào tạo mạng xã hội cho điều dưỡng"
GREEK = "Εκπαίδευση στα μέσα κοινωνικής δικτύωσης"
PASSWORD = "download-test-pass"


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        (
            "certificate-đào-tạo-mạng-xã-hội-2026-11-29.pdf",
            "certificate-ao-tao-mang-xa-hoi-2026-11-29.pdf",
        ),
        ("πιστοποιητικό.pdf", "pdf"),
        ('a "quoted"\r\nname.csv', "a-quoted-name.csv"),
        ("plain.md", "plain.md"),
    ],
)
def test_the_header_is_latin_1_with_an_ascii_fallback_and_the_exact_name(name, fallback):
    value = downloads.attachment(name)
    value.encode("latin-1")
    assert "\r" not in value
    assert "\n" not in value
    kind, options = parse_options_header(value)
    assert kind == "attachment"
    assert options["filename"] == name  # werkzeug prefers filename*, as browsers do
    assert f'filename="{fallback}"' in value


@pytest.fixture
def served(fresh_database, tmp_path):
    database_url = fresh_database("downloads")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "x",
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        }
    )
    with app.app_context():
        db.create_all()
        path = content_io.CURRICULUM_DIR / "06-share-information.md"
        curriculum.load(content_io.parse_module(path.read_text(encoding="utf-8")))
        module = db.session.scalar(db.select(Module))
        learner = accounts.create_user("hoa@example.org", "Nguyễn Thị Hoa", PASSWORD)
        accounts.create_user("trainer@example.org", "T", PASSWORD, {Role.TRAINER})
        for code, title in (("vi-code", VIETNAMESE), ("el-code", GREEK)):
            db.session.add(
                Certificate(
                    code=code,
                    user_id=learner.id,
                    module_id=module.id,
                    revision_number=1,
                    learner_name=learner.name,
                    module_title=title,
                    score=100,
                    issued_at=utcnow(),
                )
            )
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    with gunicorn(database_url, tmp_path / "gunicorn.log") as base:
        yield base


def filename(browser) -> str:
    value = browser.headers["Content-Disposition"]
    return parse_options_header(value)[1]["filename"]


@pytest.mark.slow
def test_certificates_and_exports_download_under_gunicorn(served):
    learner = Browser(served)
    learner.sign_in("hoa@example.org", PASSWORD)
    for code, title in (("vi-code", VIETNAMESE), ("el-code", GREEK)):
        status, body = learner.open(f"/certificates/{code}.pdf")
        assert status == 200, body[:300]
        assert body.startswith(b"%PDF")
        assert filename(learner).startswith(f"certificate-{downloads.readable_name(title)}-")
    trainer = Browser(served)
    trainer.sign_in("trainer@example.org", PASSWORD)
    status, _ = trainer.open("/studio/modules/share-information/export")
    assert status == 200
    assert filename(trainer) == "share-information.md"
