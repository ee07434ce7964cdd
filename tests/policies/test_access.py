"""Who may open each of the learner's policy pages (tests/route_rules.py lists them): nobody
signed out; a signed-in person their own; another person's receipt is not found; the single
sign-on confirmation only for an account without a password."""

import pytest
from route_rules import POLICY_PAGES, concrete, rules_of

from course.extensions import db
from course.services import policies

from .conftest import sign_form


def test_every_policy_page_is_listed():
    assert set(rules_of("policies")) == POLICY_PAGES


@pytest.fixture
def signed(policy, make_user):
    """Nora signed version 1; (her, her signature's id)."""
    nora = make_user(email="nora@example.org", name="Nora Nurse")
    signature = policies.sign(nora, policy, shown_hash=policies.text_hash(policy.current),
                              agreed=True, typed_name=nora.name, password="correct-horse-battery",
                              ip_address="127.0.0.1", user_agent="pytest")  # fmt: skip
    db.session.commit()
    return nora, signature.id


def _values(policy, signature_id):
    return {"policy_id": policy.id, "number": 1, "signature_id": signature_id}


@pytest.mark.parametrize(("rule", "method"), sorted(POLICY_PAGES))
def test_signed_out_visitors_are_sent_to_sign_in(client, policy, signed, rule, method):
    path = concrete(rule, _values(policy, signed[1]))
    response = client.open(path, method=method, data=sign_form(policy))
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
    assert (
        db.session.scalar(db.select(db.func.count()).select_from(db.text("policy_signature"))) == 1
    )


#: What a learner other than the signer gets on each page.
OTHER_LEARNER = [
    ("/policies", "GET", 200),
    ("/policies/<int:policy_id>", "GET", 200),
    ("/policies/<int:policy_id>", "POST", 422),  # another person's password: refused
    ("/policies/<int:policy_id>/confirm", "POST", 404),  # has a password: not this way
    ("/policies/<int:policy_id>/versions/<int:number>", "GET", 200),
    ("/policies/signatures/<int:signature_id>.pdf", "GET", 404),  # Nora's, not theirs
]


def test_each_page_has_its_rule_for_another_learner():
    assert {(rule, method) for rule, method, _ in OTHER_LEARNER} == POLICY_PAGES


@pytest.mark.parametrize(("rule", "method", "status"), OTHER_LEARNER)
def test_another_learner(client, auth, make_user, policy, signed, rule, method, status):
    auth.sign_in(make_user(email="lee@example.org", name="Lee Learner"))
    path = concrete(rule, _values(policy, signed[1]))
    response = client.open(
        path, method=method, data=sign_form(policy, name="Lee Learner", password="wrong")
    )
    assert response.status_code == status
