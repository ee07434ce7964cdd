"""Policies: learners read and sign them (display); admins write and publish them
(management, policy_admin_routes.py under /admin); managers assign them and read who signed
(reports/policy_routes.py)."""

from flask import Blueprint

bp = Blueprint("policies", __name__)

from . import routes  # noqa: E402, F401
