"""The admin area: accounts, departments and roles."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import credit_routes, import_routes, mail_routes, policy_routes, routes  # noqa: E402, F401
