import pytest

from course.models import Role
from course.services import accounts


@pytest.fixture
def ward(curriculum, make_user):
    """Ward A with a manager and two learners; Ward B with its own manager and learner."""
    manager = make_user(
        email="maya@example.org", name="Maya Manager", roles={Role.MANAGER, Role.LEARNER}
    )
    other_manager = make_user(
        email="otto@example.org",
        name="Otto Other",
        roles={Role.MANAGER, Role.LEARNER},
        department="Ward B",
    )
    accounts.set_manager(manager.email, ["Ward A"])
    accounts.set_manager(other_manager.email, ["Ward B"])
    return {
        "manager": manager,
        "other_manager": other_manager,
        "learner": make_user(email="sofia@example.org", name="Sofía Álvarez"),
        "colleague": make_user(email="jonas@example.org", name="Jonas Berg"),
        "outsider": make_user(email="wei@example.org", name="Wei Chen", department="Ward B"),
    }
