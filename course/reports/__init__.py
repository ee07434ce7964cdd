"""The managers' area: assignments, the completion report, evidence, exports, API tokens."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")

from . import policy_routes, routes  # noqa: E402, F401
