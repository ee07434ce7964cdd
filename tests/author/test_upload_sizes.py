"""The studio's imports (a module file, a GIFT file): a file over CONTENT_IMPORT_MAX_BYTES is
refused next to its field with the other choices kept; one past even the upload request
limit gets the form back with the message, never a bare 413 page (course/uploads.py)."""

import io

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

MB = 1024 * 1024


def _post(client, path, size, name, **fields):
    """A multipart POST encoded in memory (the test client would spool a large body to a
    temporary file it never closes)."""
    boundary, body = encode_multipart(
        {"file": FileStorage(io.BytesIO(b"x" * size), filename=name), **fields}
    )
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _error(response) -> str:
    text = response.get_data(as_text=True)
    assert 'id="file-error"' in text, text[:3000]
    return text.split('id="file-error">', 1)[1].split("</p>", 1)[0]


def test_a_module_file_over_its_limit_keeps_the_other_fields(as_trainer, share_information):
    response = _post(
        as_trainer, "/studio/import", 3 * MB, "big.md", into="share-information",
        replace_draft="y",
    )  # fmt: skip
    assert response.status_code == 422
    assert "The file is 3 MB; at most 2 MB." in _error(response)
    page = response.get_data(as_text=True)
    assert '<option selected value="share-information">' in page
    assert "That upload is too large" not in page


def test_a_gift_file_over_its_limit_keeps_the_other_fields(as_trainer, share_information):
    path = "/studio/modules/share-information/import-gift"
    response = _post(as_trainer, path, 3 * MB, "big.txt", when_unsupported="skip")
    assert response.status_code == 422
    assert "The file is 3 MB; at most 2 MB." in _error(response)
    page = response.get_data(as_text=True)
    assert '<input checked id="when_unsupported-1"' in page  # "skip", as chosen


def test_past_the_request_limit_each_studio_import_gets_its_form_back(
    app, as_trainer, share_information
):
    app.config.update(CONTENT_IMPORT_MAX_BYTES=1000, UPLOAD_REQUEST_MAX_BYTES=0)
    for path in ("/studio/import", "/studio/modules/share-information/import-gift"):
        response = _post(as_trainer, path, 300_000, "big.txt")
        assert response.status_code == 413
        assert "the file may be at most 1 KB" in _error(response)
        assert "That upload is too large" not in response.get_data(as_text=True)
