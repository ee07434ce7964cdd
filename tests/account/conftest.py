"""Fixtures from the mail tests: a real SMTP server on loopback."""

from mail.conftest import smtp_app, smtp_server  # noqa: F401 (fixtures)
