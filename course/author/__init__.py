"""The trainers' studio: write, preview, publish, import and export modules; item analysis."""

from flask import Blueprint

bp = Blueprint("author", __name__, url_prefix="/studio")

from . import routes  # noqa: E402, F401
