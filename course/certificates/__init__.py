"""Certificates: the learner's list and PDF download, and the public verification page."""

from flask import Blueprint

bp = Blueprint("certificates", __name__)

from . import routes  # noqa: E402, F401
