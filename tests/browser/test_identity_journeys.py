"""Identity journeys in Chromium: a forgotten password through the mailed link (a real SMTP
server on loopback), My account at a phone's width."""

import email
import email.policy
import re
import urllib.request

import pyotp
import pytest
from aiosmtpd.controller import Controller
from mail.conftest import Recorder, free_port
from sso.conftest import CLIENT_ID, CLIENT_SECRET, provider_node, running_provider
from sso.saml_idp import IdentityProvider, Served

from course.cli_mail import deliver
from course.models import Role

from .conftest import ARTIFACTS, PASSWORD
from .test_accessibility import _axe_problems, _axe_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEW_PASSWORD = "violet-kettle-harbour-47"


@pytest.fixture
def mailbox(live_server):
    """The live app's mail goes to a loopback SMTP server while the test runs."""
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    config = live_server.app.config
    saved = {k: config.get(k) for k in ("MAIL_SMTP_HOST", "MAIL_SMTP_PORT", "MAIL_SMTP_SECURITY",
                                         "MAIL_FROM", "MAIL_BASE_URL")}  # fmt: skip
    config.update(
        MAIL_SMTP_HOST="127.0.0.1",
        MAIL_SMTP_PORT=controller.port,
        MAIL_SMTP_SECURITY="none",
        MAIL_FROM="Training <training@example.org>",
        MAIL_BASE_URL=live_server.url,
    )

    def read():
        with live_server.app.app_context():
            deliver()
        return [
            email.message_from_bytes(e.content, policy=email.policy.default)
            for e in recorder.envelopes
        ]

    yield read
    config.update(saved)
    controller.stop()


def test_a_forgotten_password_is_reset_through_the_mailed_link(page, live_server, mailbox):
    _, address = live_server.make_user(roles={Role.LEARNER})
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email").fill(address)
    page.get_by_role("button", name="Send me a link").click()
    page.get_by_text("If an account uses that address").wait_for()

    # The live server is shared: earlier journeys may have left mail in the outbox too.
    (message,) = [m for m in mailbox() if address in str(m["To"])]
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"(http://\S+/reset-password/\S+)", text)[1]
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("password12")
    page.get_by_label("New password again").fill("password12")
    page.get_by_role("button", name="Set my new password").click()
    page.locator(".error-message").first.wait_for()  # refused next to the field
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("New password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set my new password").click()
    page.get_by_text("Your new password is set").wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "reset-password-done-375.png"), full_page=True)

    page.get_by_label("Email").fill(address)
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=re.compile("Sign out")).wait_for()


def test_my_account_at_a_phones_width(page, live_server):
    _, address = live_server.make_user(roles={Role.MANAGER, Role.LEARNER})
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/sign-in")
    page.get_by_label("Email").fill(address)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").wait_for()
    page.goto("/account")
    page.locator("#current_password").fill("not my password")
    page.locator("#password").fill("violet-kettle-harbour-47")
    page.locator("#confirm").fill("violet-kettle-harbour-47")
    page.get_by_role("button", name="Change my password").click()
    page.locator("#current_password-error").get_by_text(
        "That is not your current password."
    ).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert not (problems := _axe_problems(page)), _axe_report(problems)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "my-account-375.png"), full_page=True)


def test_an_admin_sets_up_two_step_sign_in_then_signs_in_with_a_code(page, live_server, new_page):
    live_server.app.config["MFA_REQUIRED_ROLES"] = ("admin",)
    try:
        _, address = live_server.make_user(roles={Role.ADMIN})
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto("/sign-in")
        page.get_by_label("Email").fill(address)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("heading", name="Set up two-step sign-in").wait_for()
        assert page.locator(".qr svg").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        assert not (problems := _axe_problems(page)), _axe_report(problems)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "mfa-set-up-375.png"), full_page=True)
        secret = page.locator("code.secret").inner_text()
        page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
        page.get_by_role("button", name="Turn on two-step sign-in").click()
        page.get_by_role("heading", name="Two-step sign-in is on").wait_for()
        codes = page.locator(".recovery-codes code").all_inner_texts()
        assert len(codes) == 10
        assert not (problems := _axe_problems(page)), _axe_report(problems)
        page.get_by_role("link", name="I have kept them: continue").click()
        page.get_by_role("heading", name="Accounts", exact=True).wait_for()

        other = new_page()  # another computer: the password, then a recovery code
        other.goto("/sign-in")
        other.get_by_label("Email").fill(address)
        other.get_by_label("Password").fill(PASSWORD)
        other.get_by_role("button", name="Sign in").click()
        other.get_by_role("heading", name="Two-step sign-in").wait_for()
        other.get_by_label("Code").fill("000000")
        other.get_by_role("button", name="Continue").click()
        other.locator("#code-error").wait_for()
        assert not (problems := _axe_problems(other)), _axe_report(problems)
        other.get_by_label("Code").fill(codes[0])
        other.get_by_role("button", name="Continue").click()
        other.get_by_role("heading", name="Accounts", exact=True).wait_for()
    finally:
        live_server.app.config["MFA_REQUIRED_ROLES"] = ()


def test_sign_in_through_the_identity_providers_own_login_page(page, live_server, tmp_path):
    node = provider_node()
    config = live_server.app.config
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
            assert not (problems := _axe_problems(page)), _axe_report(problems)  # SSO button
            page.get_by_role("link", name="Sign in with St Example ID").click()
            page.locator("input[name=login]").fill("nurse")  # the provider's own page
            page.locator("input[name=password]").fill("any password")
            page.locator("button[type=submit]").click()
            page.locator("button[type=submit]", has_text="Continue").click()  # its consent
            page.get_by_role("button", name=re.compile("Sign out")).wait_for()
            page.goto("/account")
            assert "nadia.nurse@example.org" in page.content()
            assert "change them there" in page.content()  # no password to change here
        finally:
            config.update(OIDC_DISCOVERY_URL="", OIDC_CLIENT_ID="", OIDC_CLIENT_SECRET="")


def test_sign_in_through_a_saml_identity_providers_login_page(page, live_server, tmp_path):
    port = free_port()
    idp = IdentityProvider(tmp_path, f"http://127.0.0.1:{port}")
    config = live_server.app.config
    config.update(SAML_IDP_METADATA=str(idp.metadata_path), SSO_NAME="St Example SAML")
    served = None
    try:
        sp_metadata = urllib.request.urlopen(f"{live_server.url}/sso/saml/metadata").read()  # noqa: S310
        idp.trust(sp_metadata.decode())
        served = Served(idp.wsgi, port)
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto("/sign-in")
        page.get_by_role("link", name="Sign in with St Example SAML").click()
        page.get_by_label("User name").fill("nurse")  # the IdP's own page
        page.get_by_label("Password").fill("any password")
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Continue to the application").click()
        page.get_by_role("button", name=re.compile("Sign out")).wait_for()
        page.goto("/account")
        assert "nadia.nurse@example.org" in page.content()
    finally:
        config.update(SAML_IDP_METADATA="")
        if served:
            served.stop()
