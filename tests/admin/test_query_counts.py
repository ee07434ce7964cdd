"""The account list issues a fixed number of statements, however many accounts there are."""

import itertools

import pytest
from sqlalchemy import func, select

from course.extensions import db
from course.models import Role, User, UserRole
from course.services import accounts

_numbers = itertools.count(1)


def _grow_to(total: int) -> None:
    """Add accounts (several departments, two roles each, some deactivated) up to `total`."""
    wards = [accounts.get_or_create_department(f"Count Ward {i}") for i in range(3)]
    password_hash = db.session.scalar(select(User.password_hash).limit(1))
    missing = total - db.session.scalar(select(func.count(User.id)))
    for _ in range(missing):
        number = next(_numbers)
        db.session.add(
            User(
                email=f"many{number}@example.org",
                name=f"Many {number:05}",
                password_hash=password_hash,
                department=wards[number % 3],
                active=number % 7 != 0,
                role_rows=[UserRole(role=Role.LEARNER), UserRole(role=Role.TRAINER)],
            )
        )
    db.session.commit()


def _statements(client, count_queries, url) -> int:
    db.session.expire_all()  # each request starts cold, as in its own process
    with count_queries() as queries:
        response = client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
    assert "Many " in page
    assert "learner, trainer" in page  # roles and departments are on the page
    assert "Count Ward" in page
    return len(queries)


@pytest.mark.parametrize(
    "url",
    ["/admin/users", "/admin/users?q=many&role=trainer&state=active", "/admin/users?page=2"],
)
def test_statement_count_does_not_grow_with_accounts(client, signed_in_admin, count_queries, url):
    _grow_to(accounts.USERS_PER_PAGE + 20)  # page 2 exists from the start
    small = _statements(client, count_queries, url)
    _grow_to(400)
    large = _statements(client, count_queries, url)
    assert small == large
    # user, departments for the filter, count, page (department joined), roles
    assert small <= 5


def test_the_departments_page_is_one_aggregate(client, signed_in_admin, count_queries):
    _grow_to(50)
    small = _statements_of(client, count_queries, "/admin/departments")
    _grow_to(300)
    assert _statements_of(client, count_queries, "/admin/departments") == small
    assert small <= 2


def _statements_of(client, count_queries, url) -> int:
    db.session.expire_all()
    with count_queries() as queries:
        assert client.get(url).status_code == 200
    return len(queries)
