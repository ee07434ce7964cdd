"""Single sign-on: OpenID Connect (Authlib) and the pages a refused sign-in shows."""

from flask import Blueprint

bp = Blueprint("sso", __name__, url_prefix="/sso")

from . import routes  # noqa: E402, F401
