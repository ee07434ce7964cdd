"""A person's own settings: what every signed-in role can change about themselves."""

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from . import routes  # noqa: E402, F401
