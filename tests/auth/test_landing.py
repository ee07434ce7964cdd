"""Each person lands where their work is; a first visitor meets a calm sign-in page."""

import pytest

from course.models import Role


@pytest.mark.parametrize(
    ("roles", "lands_on"),
    [
        ({Role.LEARNER}, "/"),
        ({Role.TRAINER, Role.LEARNER}, "/studio/"),
        ({Role.MANAGER, Role.LEARNER}, "/reports/"),
        ({Role.ADMIN}, "/admin/users"),
        ({Role.ADMIN, Role.TRAINER, Role.MANAGER, Role.LEARNER}, "/admin/users"),
    ],
)
def test_each_role_lands_where_its_work_is(client, auth, make_user, roles, lands_on):
    person = make_user(roles=roles)
    response = auth.sign_in(person)
    assert response.status_code == 302
    assert response.headers["Location"] == lands_on
    # Signed in, the sign-in page and the brand lead there too.
    assert client.get("/sign-in").headers["Location"] == lands_on
    assert f'class="brand" href="{lands_on}"' in client.get(lands_on).get_data(as_text=True)


def test_a_page_asked_for_is_where_signing_in_leads(client, make_user):
    manager = make_user(roles={Role.MANAGER, Role.LEARNER})
    response = client.post(
        "/sign-in",
        data={"email": manager.email, "password": "correct-horse-battery", "next": "/certificates"},
    )
    assert response.headers["Location"] == "/certificates"
    # The site's root is no particular page: the manager lands on the report.
    client.post("/sign-out")
    response = client.post(
        "/sign-in", data={"email": manager.email, "password": "correct-horse-battery", "next": "/"}
    )
    assert response.headers["Location"] == "/reports/"


def test_a_first_visitor_is_welcomed_not_warned(client):
    response = client.get("/", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Welcome to Social Rounds" in page
    assert "Please sign in" not in page
    assert 'class="flash' not in page
    assert "the page you opened" not in page  # the root is no particular page
    deep = client.get("/certificates", follow_redirects=True).get_data(as_text=True)
    assert "Sign in and we will take you straight to the page you opened." in deep
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page


def test_my_training_is_in_the_menu_of_those_who_learn(client, auth, make_user):
    auth.sign_in(make_user(roles={Role.ADMIN}))
    page = client.get("/admin/users").get_data(as_text=True)
    assert ">My training<" not in page
    assert 'aria-current="page">Admin<' in page
