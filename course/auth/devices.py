"""Device cookies: a browser where a person signed in before is recognised by sign-in
throttling, so failures made elsewhere never slow that person down on it (OWASP's "slow down
online guessing attacks with device cookies"). Signed with the app's secret key."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "device"
LIFETIME = timedelta(days=365)
#: Accounts one browser remembers (a shared ward PC): the most recent ones.
MAX_ACCOUNTS = 50


@dataclass(frozen=True)
class Device:
    id: str
    accounts: tuple[int, ...] = ()

    def knows(self, user_id: int) -> bool:
        return user_id in self.accounts


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="device-cookie")


def current() -> Device:
    """This browser's device, or a new one when it has no valid cookie."""
    try:
        data = _serializer().loads(request.cookies.get(COOKIE, ""))
        device = Device(str(data["d"])[:64], tuple(int(i) for i in data["a"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        device = Device(secrets.token_urlsafe(16))
    return device


def remember(response, device: Device, user_id: int) -> None:
    """Mark the browser as one where this person signed in."""
    accounts = (user_id, *(i for i in device.accounts if i != user_id))[:MAX_ACCOUNTS]
    response.set_cookie(
        COOKIE,
        _serializer().dumps({"d": device.id, "a": list(accounts)}),
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
    )
