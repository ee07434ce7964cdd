"""The yardstick for bench/load.py: a 6 KB Jinja page with a loop, no database, no session.

`app` serves Social Rounds with this page mounted at /reference, so the benchmark measures
both in the same gunicorn workers in the same run. The same page is also served inside
Social Rounds behind sign-in (/bench/signed-in-reference): what any signed-in page pays
before it does anything of its own (session cookie, user query, security headers).

    gunicorn -w 2 --pythonpath .,bench reference_app:app
"""

from pathlib import Path

from flask import Blueprint, Flask, render_template
from flask_login import login_required
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from course import create_app

reference = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))

#: Twenty rows of about 250 bytes: with the layout, about 6 KB of HTML, like a lesson page.
ROWS = [
    {
        "title": f"Item {n}: a short heading for the reference page",
        "text": "Plain text of the kind a lesson shows: a sentence or two of training "
        "material, escaped by Jinja like any other value on any other page of the app.",
    }
    for n in range(1, 21)
]


@reference.get("/")
def page():
    return render_template("reference.html", rows=ROWS)


signed_in = Blueprint("bench", __name__, template_folder="templates")


@signed_in.get("/bench/signed-in-reference")
@login_required
def signed_in_page():
    return render_template("reference.html", rows=ROWS)


social_rounds = create_app()
social_rounds.register_blueprint(signed_in)
app = DispatcherMiddleware(social_rounds, {"/reference": reference.wsgi_app})
