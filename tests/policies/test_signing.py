"""Signing a policy: the tick, the typed name and the password; what is stored; refusals
next to their field; a version published while reading; the module it completes."""

import hashlib
from io import BytesIO

import pytest
from conftest import PASSWORD
from model_answers import MODEL_ANSWERS
from pypdf import PdfReader
from sqlalchemy import select

from course.extensions import db
from course.models import (
    Certificate,
    ModuleProgress,
    OutboxMessage,
    PolicySignature,
    ProgressStatus,
    QuizAttempt,
    Role,
)
from course.models.policy import EvidenceChangeError
from course.services import accounts, notifications, policies

from .conftest import publish_v2, sign_form


@pytest.fixture
def signed_in(client, auth, learner):
    auth.sign_in(learner)
    return learner


def _signatures():
    return list(db.session.scalars(select(PolicySignature).order_by(PolicySignature.id)))


def test_the_text_is_sanitized_as_lessons_are(policy):
    html = policy.current.body_html
    assert "<script>" not in html
    assert "<h2>Our social-media policy</h2>" in html
    assert "<li>Speak for yourself, not the hospital.</li>" in html


def test_a_signature_stores_who_what_when_where(signed_in, client, policy):
    page = client.get(f"/policies/{policy.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Never post anything about a patient." in text
    expected = hashlib.sha256(
        f"{policy.current.title}\nVersion 1\n{policy.current.body_html}".encode()
    ).hexdigest()
    assert f'value="{expected}"' in text  # the hash of the text shown travels with the form

    response = client.post(
        f"/policies/{policy.id}",
        data=sign_form(policy, name="  nora   NURSE "),
        headers={"User-Agent": "Test browser 1.0"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 302
    (signature,) = _signatures()
    assert signature.user_id == signed_in.id
    assert signature.version_number == 1
    assert signature.text_sha256 == expected
    assert signature.typed_name == "nora NURSE"
    assert signature.ip_address == "203.0.113.7"
    assert signature.user_agent == "Test browser 1.0"
    assert signature.signed_at is not None
    assert "You signed version 1" in client.get(f"/policies/{policy.id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"password": "wrong-password-here"}, "password", "That is not your password."),
        ({"password": None}, "password", "That is not your password."),
        ({"name": "Someone Else"}, "full_name", "Type your full name exactly"),
        ({"name": ""}, "full_name", "Type your full name exactly"),
        ({"agree": None}, "agree", "Tick the box"),
    ],
)
def test_a_refused_signature_says_why_next_to_the_field(
    signed_in, client, policy, change, field, message
):
    response = client.post(f"/policies/{policy.id}", data=sign_form(policy, **change))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert f'<p class="error-message" id="{field}-error">' in text
    error = text.split(f'id="{field}-error">', 1)[1].split("</p>", 1)[0]
    assert message in error
    assert _signatures() == []


def test_wrong_passwords_are_throttled_as_sign_in_is(signed_in, client, policy, app):
    app.config["SIGN_IN_FREE_FAILURES"] = 1
    for _ in range(2):
        client.post(f"/policies/{policy.id}", data=sign_form(policy, password="wrong-one-1"))
    response = client.post(f"/policies/{policy.id}", data=sign_form(policy, password=PASSWORD))
    assert response.status_code == 422
    assert "Too many wrong passwords" in response.get_data(as_text=True)
    assert _signatures() == []


def test_a_version_published_while_reading_is_not_signed_unseen(signed_in, client, policy, admin):
    shown = sign_form(policy)
    publish_v2(admin.id, policy, resign=False)
    response = client.post(f"/policies/{policy.id}", data=shown)
    assert response.status_code == 422
    assert "A new version (2) was published while you were reading" in response.get_data(
        as_text=True
    )
    assert _signatures() == []


def test_published_versions_never_change(policy, admin):
    with pytest.raises(policies.PolicyError, match="start a new version"):
        policies.save_draft(admin.id, policy, "New", "Other text", policy.current.effective_on, "")
    publish_v2(admin.id, policy, resign=False)
    first = policies.version(policy.id, 1)
    assert "photograph" not in first.body_markdown
    assert "photograph" in policies.version(policy.id, 2).body_markdown


def test_a_new_version_asks_earlier_signers_to_sign_again_by_mail(
    signed_in, client, policy, admin, make_user
):
    client.post(f"/policies/{policy.id}", data=sign_form(policy))
    bystander = make_user(name="Never Signed")
    publish_v2(admin.id, policy, reason="New rule on patient photos.")
    messages = list(db.session.scalars(select(OutboxMessage)))
    assert [(m.kind, m.user_id) for m in messages] == [("policy_resign", signed_in.id)]
    assert bystander.id not in {m.user_id for m in messages}
    assert messages[0].params["reason"] == "New rule on patient photos."

    page = client.get(f"/policies/{policy.id}").get_data(as_text=True)
    assert "Why sign again:</strong> New rule on patient photos." in page
    assert client.post(f"/policies/{policy.id}", data=sign_form(policy)).status_code == 302
    assert [s.version_number for s in _signatures()] == [1, 2]


def test_the_resign_message_reads_well(signed_in, client, policy, admin):

    client.post(f"/policies/{policy.id}", data=sign_form(policy))
    publish_v2(admin.id, policy, reason="New rule on patient photos.")
    message = db.session.scalar(select(OutboxMessage))
    composed = notifications.compose(message)
    assert composed.subject.startswith("Please sign again: Social media policy, by ")
    assert "New rule on patient photos." in composed.text
    assert f"/policies/{policy.id}" in composed.text


def _complete_without_policy(client, module):
    slug = module.slug
    for lesson in module.published.lessons:
        client.get(f"/modules/{slug}/lessons/{lesson.key}")
    client.post(f"/modules/{slug}/quiz")
    attempt = db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))
    answers = {
        f"q{i}": [c["id"] for c in q["choices"] if c["correct"]]
        for i, q in enumerate(attempt.questions)
    }
    client.post(f"/modules/{slug}/quiz/{attempt.id}", data=answers)
    for exercise in module.published.exercises:
        client.post(f"/modules/{slug}/exercises/{exercise.key}", data=MODEL_ANSWERS[exercise.key])


def test_an_attached_policy_must_be_signed_to_complete_the_module(
    signed_in, client, policy, admin, module
):
    policies.attach(admin.id, policy, [module.id])
    db.session.commit()
    _complete_without_policy(client, module)
    row = db.session.get(ModuleProgress, (signed_in.id, module.id))
    assert row.status is ProgressStatus.IN_PROGRESS
    assert db.session.scalar(select(Certificate)) is None
    page = client.get(f"/modules/{module.slug}").get_data(as_text=True)
    assert "Read and sign the policy" in page
    continued = client.get(f"/modules/{module.slug}/continue")
    assert continued.headers["Location"].startswith(f"/policies/{policy.id}?module=")

    response = client.post(f"/policies/{policy.id}?module={module.slug}", data=sign_form(policy))
    assert response.headers["Location"] == f"/modules/{module.slug}"
    db.session.expire_all()
    row = db.session.get(ModuleProgress, (signed_in.id, module.id))
    assert row.status is ProgressStatus.COMPLETED
    assert row.completed_at == _signatures()[0].signed_at
    assert db.session.scalar(select(Certificate)).user_id == signed_in.id


def test_a_module_without_a_policy_completes_as_before(signed_in, client, policy, module):
    _complete_without_policy(client, module)
    row = db.session.get(ModuleProgress, (signed_in.id, module.id))
    assert row.status is ProgressStatus.COMPLETED


def test_signatures_and_published_versions_cannot_be_changed_or_deleted(signed_in, client, policy):

    client.post(f"/policies/{policy.id}", data=sign_form(policy))
    (signature,) = _signatures()
    signature.typed_name = "Someone Else"
    with pytest.raises(EvidenceChangeError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(_signatures()[0])
    with pytest.raises(EvidenceChangeError):
        db.session.flush()
    db.session.rollback()
    version = policies.version(policy.id, 1)
    version.body_html = "<p>Changed</p>"
    with pytest.raises(EvidenceChangeError):
        db.session.flush()
    db.session.rollback()


def test_the_receipt_names_the_signer_version_time_and_hash(
    signed_in, client, policy, browser_of, make_user
):

    client.post(
        f"/policies/{policy.id}",
        data=sign_form(policy),
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
    )
    (signature,) = _signatures()
    listing = client.get("/policies").get_data(as_text=True)
    assert f"/policies/signatures/{signature.id}.pdf" in listing
    response = client.get(f"/policies/signatures/{signature.id}.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    text = PdfReader(BytesIO(response.data)).pages[0].extract_text()
    for expected in (
        "Social media policy, version 1",
        "Nora Nurse",
        "198.51.100.4",
        signature.text_sha256,
        f"{signature.signed_at:%H:%M:%S} UTC",
    ):
        assert expected in text

    # Another learner: 404; a manager of the learner's department: the receipt; of another: 404.
    other = browser_of(make_user(name="Other Learner"))
    assert other.get(f"/policies/signatures/{signature.id}.pdf").status_code == 404
    ward_a = make_user(roles={Role.MANAGER}, department="Ward A")
    ward_b = make_user(roles={Role.MANAGER}, department="Ward B")

    accounts.update_user(
        ward_a.id,
        name=ward_a.name,
        email=ward_a.email,
        department="Ward A",
        roles={Role.MANAGER},
        active=True,
        managed_department_ids=[signed_in.department_id],
        actor_id=None,
    )
    db.session.commit()
    assert browser_of(ward_a).get(f"/policies/signatures/{signature.id}.pdf").status_code == 200
    assert browser_of(ward_b).get(f"/policies/signatures/{signature.id}.pdf").status_code == 404
