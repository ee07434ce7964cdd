"""Response headers and request hygiene: the second layer behind forms and sanitizing."""

import flask
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

#: The largest id a table holds: PostgreSQL's integer (SQLite's would take 2^63 - 1).
MAX_ID = 2**31 - 1

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' https: data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if hsts := flask.current_app.config["HSTS"]:
        response.headers.setdefault("Strict-Transport-Security", hsts)
    if flask.request.endpoint != "static":
        # Every page but the static files names a person or shows their records (even the
        # sign-in form holds a CSRF token): no browser or proxy keeps a copy.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def external_url(endpoint: str, **values) -> str:
    """An absolute URL for links that leave the page (API paging, a certificate's
    verification address): on EXTERNAL_URL when set, never on a forged Host header."""
    base = flask.current_app.config["EXTERNAL_URL"]
    if base:
        return base.rstrip("/") + flask.url_for(endpoint, **values)
    return flask.url_for(endpoint, _external=True, **values)


def refuse_nul() -> None:
    """Before every request: a NUL in the path or the query string is nobody's typing, and
    PostgreSQL cannot compare with one (a 500): the path does not exist, the query is bad."""
    if "\x00" in flask.request.path:
        flask.abort(404)
    if any("\x00" in key or "\x00" in value for key, value in flask.request.args.items(multi=True)):
        flask.abort(400)


class Request(flask.Request):
    """Form text without NUL characters: no person types one, and PostgreSQL cannot store one,
    so a crafted NUL would otherwise turn bad input into a server error."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        items = list(self.form.items(multi=True))
        if any("\x00" in value for _, value in items):
            self.__dict__["form"] = ImmutableMultiDict(
                (key, value.replace("\x00", "")) for key, value in items
            )


class IdConverter(IntegerConverter):
    """`<int:...>` in every route is a database id, so at most MAX_ID: past it the page does
    not exist (404) instead of the database refusing the number (a 500)."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(url_map, fixed_digits, min, max, signed)
