"""Friendly error pages: never a traceback, always a way back."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

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
        return render_error(
            400,
            "This form had expired or was sent twice. Your work was not lost: "
            "go back, reload the page and send it again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error):
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(500)
