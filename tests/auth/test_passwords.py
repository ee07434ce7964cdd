"""Passwords: common and context words refused where a password is chosen, argon2id for new
hashes, older hashes replaced at the next sign-in."""

import pytest
from sqlalchemy import select

from course.extensions import db
from course.models import Role, User
from course.services import accounts, passwords
from course.services.accounts import AccountError


@pytest.mark.parametrize(
    "password",
    [
        "password12",
        "1234567890",
        "qwertyuiop",
        "rounds-demo",
        "Password123",
        "noranurse1",
        "nora.nurse@example.org",
        "socialrounds1",
    ],
)
def test_common_and_context_passwords_are_refused(app, password):
    with pytest.raises(AccountError) as error:
        accounts.create_user("nora.nurse@example.org", "Nora Nurse", password)
    assert error.value.field == "password"
    assert str(error.value)


def test_an_admin_sees_why_next_to_the_password_field(client, auth, make_user):
    admin = make_user(roles={Role.ADMIN})
    auth.sign_in(admin)
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Nora Nurse",
            "email": "nora.nurse@example.org",
            "roles": ["learner"],
            "password": "1234567890",
            "confirm": "1234567890",
        },
    )
    assert response.status_code == 422
    assert "common password" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.email == "nora.nurse@example.org")) is None


def test_a_strong_password_is_accepted(app):
    assert passwords.weakness("correct-horse-battery") is None


def test_new_hashes_are_argon2id_with_the_rfc_9106_profile():
    stored = passwords.hash_password("correct-horse-battery", passwords.ARGON2)
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.verify(stored, "correct-horse-battery")
    assert not passwords.verify(stored, "wrong")
    assert not passwords.needs_rehash(stored, passwords.ARGON2)


def test_an_older_hash_is_replaced_at_the_next_sign_in(app, client, learner):
    old = db.session.get(User, learner.id).password_hash
    assert old.startswith("pbkdf2:sha256:1000$")
    app.config["PASSWORD_HASH_METHOD"] = passwords.ARGON2
    assert (
        client.post(
            "/sign-in", data={"email": learner.email, "password": "correct-horse-battery"}
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(User, learner.id).password_hash.startswith("$argon2id$")
    client.post("/sign-out")
    assert (
        client.post(
            "/sign-in", data={"email": learner.email, "password": "correct-horse-battery"}
        ).status_code
        == 302
    )


def test_scrypt_hashes_of_before_still_verify_and_need_rehash():
    from werkzeug.security import generate_password_hash

    stored = generate_password_hash("correct-horse-battery", method="scrypt")
    assert passwords.verify(stored, "correct-horse-battery")
    assert passwords.needs_rehash(stored, passwords.ARGON2)
    assert not passwords.verify("garbage", "x")
