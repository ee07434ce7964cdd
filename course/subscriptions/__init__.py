"""Unsubscribing from optional mail, by the signed link each such message carries."""

from flask import Blueprint

bp = Blueprint("subscriptions", __name__, url_prefix="/mail")

from . import routes  # noqa: E402, F401
