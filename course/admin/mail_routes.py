"""The outbox, for admins: every message with its state and error, and each one shown as it
would be read (its HTML sanitized and served apart, in a sandboxed frame)."""

from flask import abort, flash, redirect, render_template, request, url_for

from ..auth.decorators import role_required
from ..errors import render_error
from ..extensions import db
from ..models import MessageState, OutboxMessage, Role
from ..security import MAX_ID
from ..services import mail, notifications, paging, rendering
from . import bp
from .forms import DeleteForm

ADMINS = (Role.ADMIN,)
#: The framed HTML part may show its inline styles and https images, and nothing else: no
#: script, no form, no plugin, no request to anywhere.
MAIL_HTML_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
    "frame-ancestors 'self'; sandbox"
)


def _delivery():
    """What send-mail would do with the current settings, or why it would refuse."""
    try:
        settings = mail.settings()
    except mail.MailSettingsError as error:
        return None, str(error)
    return settings, None


@bp.get("/mail")
@role_required(*ADMINS)
def list_mail():
    state = request.args.get("state") or None
    if state is not None and state not in {s.value for s in MessageState}:
        abort(400)
    number = request.args.get("page", 1, type=int)
    if not 1 <= number <= MAX_ID:  # an offset past what the database takes is a 500
        return render_error(404, f"There is no page {number}.")
    counts = mail.state_counts()
    try:
        page = mail.outbox_page(MessageState(state) if state else None, number, counts=counts)
    except paging.PageOutOfRangeError as error:
        return render_error(404, str(error))
    settings, problem = _delivery()
    return render_template(
        "admin/mail.html",
        page=page,
        counts=counts,
        state=state,
        states=list(MessageState),
        kinds=notifications.KINDS,
        settings=settings,
        problem=problem,
    )


@bp.get("/mail/<int:message_id>")
@role_required(*ADMINS)
def show_mail(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    shown, reason = None, None
    try:
        shown = mail.readable(message, notifications.compose)
    except mail.Skip as skipped:
        reason = f"This message will not be sent: {skipped}"
    except mail.MailSettingsError as error:
        reason = f"It cannot be composed until the mail settings are fixed: {error}"
    return render_template(
        "admin/mail_message.html",
        message=message,
        shown=shown,
        reason=reason,
        attempts=mail.attempts_of(message.id),
        kind=notifications.KINDS.get(message.kind),
        form=DeleteForm(),
    )


@bp.get("/mail/<int:message_id>/message.html")
@role_required(*ADMINS)
def show_mail_html(message_id):
    message = db.get_or_404(OutboxMessage, message_id)
    try:
        html = mail.readable(message, notifications.compose).html
    except (mail.Skip, mail.MailSettingsError):
        abort(404)
    body = rendering.sanitize_mail_html(html)
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Message {message.id}</title></head><body>{body}</body></html>"
    )
    return (
        page,
        200,
        {
            "Content-Type": "text/html; charset=utf-8",
            "Content-Security-Policy": MAIL_HTML_POLICY,
            "X-Frame-Options": "SAMEORIGIN",
            "Cache-Control": "no-store",
        },
    )


@bp.post("/mail/<int:message_id>/send-again")
@role_required(*ADMINS)
def send_mail_again(message_id):
    if not DeleteForm().validate_on_submit():
        abort(400)
    db.get_or_404(OutboxMessage, message_id)
    if mail.send_again(message_id):
        db.session.commit()
        flash("The message will be sent at the next run of send-mail.", "success")
    else:
        flash("Only a failed or cancelled message can be sent again.", "error")
    return redirect(url_for(".show_mail", message_id=message_id))
