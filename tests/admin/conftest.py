import pytest

from course.models import Role


@pytest.fixture
def admin(make_user):
    return make_user(email="ada@example.org", name="Ada Admin", roles={Role.ADMIN}, department=None)


@pytest.fixture
def signed_in_admin(admin, auth):
    response = auth.sign_in(admin)
    assert response.status_code == 302
    return admin
