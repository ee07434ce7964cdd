"""Response headers and request hygiene: the second layer behind forms and sanitizing."""

import flask
from werkzeug.datastructures import ImmutableMultiDict

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
    return response


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
