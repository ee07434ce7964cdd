"""Signing a policy by a fresh single sign-on in Chromium, against the real OpenID Connect
provider on loopback: the person signed in through the provider confirms at its own login page
(asked again although its session is open), comes back signed; the page passes axe. Chromium
also enforces the signing form's CSP form-action 'self', which a redirect to the provider broke."""

import re

import pytest
from sqlalchemy import select
from sso.conftest import CLIENT_ID, CLIENT_SECRET, provider_node, running_provider

from course.extensions import db
from course.models import PolicySignature, Role
from course.services import accounts, clock, policies

from .test_accessibility import _axe_problems, _axe_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _provider_login(page, base: str, login: str) -> None:
    """The provider's own login page, then its consent page when it shows one."""
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    for _ in range(3):
        page.wait_for_load_state("load")
        if page.url.startswith(base):
            return
        page.locator("button[type=submit]", has_text="Continue").click()
    page.wait_for_url(re.compile("^" + re.escape(base)))


def test_an_sso_account_signs_a_policy_by_signing_in_again(page, live_server, tmp_path):
    node = provider_node()
    config = live_server.app.config
    with live_server.app.app_context():
        admin = accounts.create_user("ada@example.org", "Ada Admin", None, {Role.ADMIN}, None)
        policy = policies.create(
            admin.id, "Social media policy", "## Rules\n\nNever post about a patient.\n",
            clock.today(), "",
        )  # fmt: skip
        policies.publish(admin.id, policy)
        db.session.commit()
        policy_id = policy.id
        db.session.remove()
    with running_provider(
        node, [f"{live_server.url}/sso/oidc/callback"], tmp_path / "provider.log"
    ) as discovery:
        config.update(
            OIDC_DISCOVERY_URL=discovery,
            OIDC_CLIENT_ID=CLIENT_ID,
            OIDC_CLIENT_SECRET=CLIENT_SECRET,
            SSO_NAME="St Example ID",
        )
        try:
            page.set_viewport_size({"width": 375, "height": 800})
            page.goto("/sign-in")
            page.get_by_role("link", name="Sign in with St Example ID").click()
            _provider_login(page, live_server.url, "nurse")
            page.get_by_role("button", name=re.compile("Sign out")).wait_for()
            page.goto(f"/policies/{policy_id}")
            assert not (problems := _axe_problems(page)), _axe_report(problems)
            assert page.locator("input[name=password]").count() == 0
            page.get_by_label("I have read and understood this policy").check()
            page.get_by_label("Your full name").fill("Nadia Nurse")
            page.get_by_role("button", name="Confirm with St Example ID").click()
            # The provider asks again, although this browser is signed in there.
            page.locator("input[name=login]").wait_for()
            _provider_login(page, live_server.url, "nurse")
            page.get_by_text("confirmed by signing in to St Example ID").wait_for()
        finally:
            config.update(OIDC_DISCOVERY_URL="", OIDC_CLIENT_ID="", OIDC_CLIENT_SECRET="")
    with live_server.app.app_context():
        # This policy's: the shared live server holds earlier journeys' signatures too.
        [signature] = db.session.scalars(
            select(PolicySignature).where(PolicySignature.policy_id == policy_id)
        ).all()
        assert signature.confirmed_by == "oidc"
        assert signature.typed_name == "Nadia Nurse"
        db.session.remove()
