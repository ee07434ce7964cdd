"""Export then import gives the same module, for every shipped module; bad files import
nothing and say file, line and problem."""

import io

import pytest

from course.extensions import db
from course.services import authoring, content_io, curriculum
from course.services.content_io import ContentError

SHIPPED = sorted(content_io.CURRICULUM_DIR.glob("*.md"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_round_trip_of_every_shipped_module(app, trainer, path):
    original = content_io.parse_module(path.read_text(encoding="utf-8"), path.name)
    curriculum.load(original)
    module = authoring.module_by_slug(original.slug)
    exported = authoring.export_text(module)
    assert content_io.parse_module(exported) == original

    # As a new draft of the same module: nothing changes.
    authoring.import_module(
        trainer.id, content_io.parse_module(exported, path.name), path.name, into=module
    )
    module = authoring.module_by_slug(original.slug)
    assert authoring.changes(module).summary() == "no changes"
    assert content_io.spec_from_revision(module, module.draft) == original


def test_import_as_a_new_module_then_export_gives_it_back(app, trainer):
    text = (
        SHIPPED[0]
        .read_text(encoding="utf-8")
        .replace("slug: meet-the-experts", "slug: meet-the-experts-copy")
    )
    module = authoring.import_module(trainer.id, content_io.parse_module(text), "copy.md")
    assert module.published is None
    exported = authoring.export_text(authoring.module_by_slug("meet-the-experts-copy"), draft=True)
    assert content_io.parse_module(exported) == content_io.parse_module(text)


def test_the_export_route_downloads_the_file(share_information, as_trainer):
    response = as_trainer.get("/studio/modules/share-information/export")
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"share-information.md\"; filename*=UTF-8''share-information.md"
    )
    spec = content_io.parse_module(response.get_data(as_text=True))
    assert spec.slug == "share-information"


BAD = """---
slug: broken
title: Broken
pass_mark: 300
questions:
  - key: q1
    prompt: Which?
    choices:
      - text: A
      - text: B
---
# Lesson
"""


def test_a_bad_file_lists_file_line_problem_and_imports_nothing(app, trainer, as_trainer):
    with pytest.raises(ContentError) as error:
        content_io.parse_module(BAD, "broken.md")
    messages = str(error.value)
    assert "broken.md:2: 'pass_mark' must be a whole number from 1 to 100" in messages
    assert "broken.md:6: question 1: mark at least one choice as correct" in messages
    assert "has no text" in messages

    response = as_trainer.post(
        "/studio/import",
        data={"file": (io.BytesIO(BAD.encode()), "broken.md"), "into": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "broken.md, line 2" in response.get_data(as_text=True)
    assert authoring.module_by_slug("broken") is None


def test_import_over_an_existing_slug_is_refused_as_new(share_information, trainer, as_trainer):
    text = authoring.export_text(share_information)
    response = as_trainer.post(
        "/studio/import",
        data={"file": (io.BytesIO(text.encode()), "again.md"), "into": ""},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "import it as a draft of that module" in response.get_data(as_text=True)
    response = as_trainer.post(
        "/studio/import",
        data={"file": (io.BytesIO(text.encode()), "again.md"), "into": "share-information"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert authoring.module_by_slug("share-information").draft.number == 2


def test_import_never_overwrites_a_saved_draft_unasked(share_information, trainer, as_trainer):
    text = authoring.export_text(share_information)
    authoring.update_settings(share_information, trainer.id, title="A trainer's draft title")
    db.session.commit()
    sent = {"file": (io.BytesIO(text.encode()), "again.md"), "into": "share-information"}
    response = as_trainer.post("/studio/import", data=sent, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "already has an unpublished draft" in response.get_data(as_text=True)
    assert authoring.module_by_slug("share-information").draft.title == "A trainer's draft title"

    sent = {
        "file": (io.BytesIO(text.encode()), "again.md"),
        "into": "share-information",
        "replace_draft": "y",
    }
    response = as_trainer.post("/studio/import", data=sent, content_type="multipart/form-data")
    assert response.status_code == 302
    assert (
        authoring.module_by_slug("share-information").draft.title
        == share_information.published.title
    )
