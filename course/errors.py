"""Friendly error pages: never a traceback, always a way back."""

from urllib.parse import urlsplit

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from .auth.redirects import is_safe_url
from .extensions import db

MESSAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    403: ("You do not have access to this page", "Your account's roles do not include it."),
    404: ("Page not found", "The page you asked for does not exist or has moved."),
    405: ("That action is not allowed here", "Please use the page's own buttons and links."),
    413: ("That upload is too large", "Please send something smaller."),
    429: ("Too many attempts", "Please wait a few minutes and try again."),
    500: ("Something went wrong on our side", "Nothing you saved was lost. Please try again."),
}


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[400])
    return render_template("error.html", title=title, message=detail or message), status


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        # Say only what is true: the form was refused, so what it carried was not saved.
        signed_out = not current_user.is_authenticated and request.blueprint != "auth"
        if signed_out:
            flash(
                "You had been signed out, so the form you sent was not accepted. Sign in to go "
                "back to it: quiz picks saved as you made them are still selected there; "
                "anything else in that form was not saved.",
                "info",
            )
            return redirect(url_for("auth.sign_in", next=_page_it_came_from()))
        return render_error(
            400,
            "This form came from a page opened before your session began or changed, so it was "
            "not accepted and nothing in it was saved. Reload the page and send it again.",
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(error):
        # Raised before the URL adapter exists, so no page that links anywhere can be drawn.
        return "This address is not served here.", 400, {"Content-Type": "text/plain"}

    @app.errorhandler(HTTPException)
    def http_error(error):
        body, status = render_error(error.code or 500)
        # What the exception says beyond its page: Allow on a 405, Retry-After on a 429.
        headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
        return body, status, headers

    @app.errorhandler(Exception)
    def unexpected_error(error):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(500)


def _page_it_came_from() -> str | None:
    """The path of the page that sent this request, when it is one of ours."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return path if is_safe_url(path) else None
