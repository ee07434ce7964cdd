"""The learner's pages: dashboard, modules, lessons, quizzes, exercises."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from . import routes  # noqa: E402, F401
