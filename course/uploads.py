"""Uploads: a file too large is refused next to its field, never with a bare 413 page.

Every form that takes a file is an `UploadForm` whose file field has a `FileSize` limit (a
setting, e.g. `LOGO_MAX_BYTES`), and its view is marked `@accepts_upload`. Such a view accepts
a request body up to `UPLOAD_REQUEST_MAX_BYTES` (or its field's limit and some room, when that
is larger) instead of the app-wide `MAX_CONTENT_LENGTH`, so a file over its field's limit
still arrives: `FileSize` names its size and the limit next to the field, and the other fields
keep what was typed. A body past even that (never read, so nothing of the form is known) is
answered by the same view with an empty form and the message next to its file field, not a
413 page.
"""

from flask import Flask, current_app, g, request
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.validators import ValidationError

from .auth.sessions import enforce_idle_limit
from .errors import render_error

#: Room for the other fields and the multipart framing around a file at its field's limit.
FORM_ROOM = 64 * 1024


def size_text(size: int) -> str:
    """A number of bytes as people read it: "512 KB", "2.5 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024)):,} KB"
    return f"{size / (1024 * 1024):,.1f} MB".replace(".0 MB", " MB")


def request_limit(field_limit: int) -> int:
    """The request body an upload view accepts, for a file field of `field_limit` bytes."""
    return max(current_app.config["UPLOAD_REQUEST_MAX_BYTES"], field_limit + FORM_ROOM)


def accepts_upload(setting: str):
    """Mark a view whose form takes a file of at most `setting` bytes (a config key)."""

    def mark(view):
        view.upload_limit_setting = setting  # decorators above copy it (functools.wraps)
        return view

    return mark


def _upload_setting() -> str | None:
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "upload_limit_setting", None)


def _raise_limit():
    """Before every request (ahead of the CSRF check, which reads the form): an upload view's
    own body limit."""
    if setting := _upload_setting():
        request.max_content_length = request_limit(current_app.config[setting])


def too_large_message(size: int | None, limit: int, whole: bool = False) -> str:
    """What a person reads next to a file field when the file is over `limit` bytes.

    `whole`: `size` is the request's (the file with the rest of the form), or None when the
    request did not say.
    """
    if not size:
        return f"The file is too large; at most {size_text(limit)}."
    if whole:
        return f"The upload is {size_text(size)}; the file may be at most {size_text(limit)}."
    return f"The file is {size_text(size)}; at most {size_text(limit)}."


def register_uploads(app: Flask) -> None:
    """Call before the CSRF protection is set up: its check reads the form."""
    app.before_request(_raise_limit)

    @app.errorhandler(RequestEntityTooLarge)
    def upload_too_large(error):
        setting = _upload_setting()
        if setting is None:
            return render_error(413)
        # The body was never read: the view draws its form empty, the message on its field.
        g.upload_refused = too_large_message(
            request.content_length, current_app.config[setting], whole=True
        )
        enforce_idle_limit()  # ahead of the CSRF check, it had not run yet
        view = current_app.view_functions[request.endpoint]
        response = current_app.make_response(view(**(request.view_args or {})))
        if response.status_code == 422:  # the form with its message, as a 413
            response.status_code = 413
        return response


class FileSize:
    """A file field's limit in bytes, read from the setting `setting` when validating."""

    def __init__(self, setting: str):
        self.setting = setting

    def __call__(self, form, field):
        data = field.data
        if not isinstance(data, FileStorage):
            return
        stream = data.stream
        position = stream.tell()
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(position)
        limit = current_app.config[self.setting]
        if size > limit:
            raise ValidationError(too_large_message(size, limit))


class UploadForm(FlaskForm):
    """A form with one file field (`upload_field`), refused as a whole when the request body
    was too large to read (see the module's docstring)."""

    upload_field = "file"

    def __init__(self, *args, **kwargs):
        self.refused = g.get("upload_refused")
        if self.refused:
            kwargs["formdata"] = None
        super().__init__(*args, **kwargs)

    def is_submitted(self) -> bool:
        return bool(self.refused) or super().is_submitted()

    def validate(self, extra_validators=None) -> bool:
        if self.refused:
            self[self.upload_field].errors = [self.refused]
            return False
        return super().validate(extra_validators)
