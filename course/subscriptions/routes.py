"""The unsubscribe page. The signed token in the link is the authority (no sign-in: people
read mail on a phone without a session), so the POSTs carry no CSRF token: mail programs
send RFC 8058's one-click POST without one. A GET never changes anything (link scanners)."""

from flask import abort, render_template

from ..extensions import db
from ..models import User
from ..services import mail, notifications
from . import bp


def _subscription(token: str) -> tuple[User, notifications.Kind]:
    found = mail.read_unsubscribe_token(token)
    kind = notifications.KINDS.get(found[1]) if found else None
    user = db.session.get(User, found[0]) if found else None
    if kind is None or not kind.optional or user is None:
        abort(404)
    return user, kind


def _page(token: str, user: User, kind: notifications.Kind, changed: bool = False):
    return (
        render_template(
            "subscriptions/unsubscribe.html",
            token=token,
            user=user,
            kind=kind,
            off=mail.opted_out(user.id, kind.name),
            changed=changed,
        ),
        200,
        {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@bp.get("/unsubscribe/<token>")
def unsubscribe(token):
    user, kind = _subscription(token)
    return _page(token, user, kind)


def _subscribe(token: str, on: bool):
    user, kind = _subscription(token)
    notifications.set_subscribed(user, kind.name, on, actor_id=None)
    db.session.commit()
    return _page(token, user, kind, changed=True)


@bp.post("/unsubscribe/<token>")
def confirm_unsubscribe(token):
    """Turn the kind off (the page's button, or a mail program's one-click POST)."""
    return _subscribe(token, False)


@bp.post("/resubscribe/<token>")
def resubscribe(token):
    return _subscribe(token, True)
