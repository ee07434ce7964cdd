"""The yardstick for bench/load.py: a 6 KB Jinja page with a loop, no database, no session.

`app` serves Social Rounds with this page mounted at /reference, so the benchmark measures
both in the same gunicorn workers in the same run:

    gunicorn -w 2 --pythonpath .,bench reference_app:app
"""

from pathlib import Path

from flask import Flask, render_template
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


app = DispatcherMiddleware(create_app(), {"/reference": reference.wsgi_app})
