"""The read-only JSON API for HR and compliance systems (token auth, no cookies)."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import routes  # noqa: E402, F401
