"""A trainer writes a lesson full of XSS vectors in the studio and publishes it; the learner's
lesson page runs no script (no dialog opens, no handler fires)."""

from pathlib import Path

import pytest

from course.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VECTORS = (Path(__file__).resolve().parents[1] / "author" / "xss_vectors.txt").read_text(
    encoding="utf-8"
)


def test_no_script_runs_on_the_lesson_page(page, sign_in):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(roles={Role.TRAINER, Role.LEARNER})

    page.goto("/studio/modules/new")
    page.get_by_label("Title").fill("XSS in the browser")
    page.get_by_label("Web address").fill("xss-in-the-browser")
    page.get_by_role("button", name="Create the module").click()

    page.goto("/studio/modules/xss-in-the-browser/lessons/new")
    page.get_by_label("Title").fill("Vectors")
    page.get_by_label("Text (Markdown)").fill(VECTORS)
    page.get_by_role("button", name="Preview").click()
    page.get_by_role("heading", name="Preview (not saved yet)").wait_for()
    page.get_by_role("button", name="Save lesson").click()

    page.goto("/studio/modules/xss-in-the-browser/questions/new")
    page.get_by_label("Question", exact=True).fill("Safe?")
    page.fill("#choices-0-text", "Yes")
    page.check("#choices-0-correct")
    page.fill("#choices-1-text", "No")
    page.get_by_role("button", name="Save question").click()

    page.goto("/studio/modules/xss-in-the-browser/publish")
    page.get_by_label("What changed").fill("First version")
    page.get_by_role("button", name="Publish").click()
    page.get_by_text("Version 1 is published").wait_for()

    page.goto("/modules/xss-in-the-browser/lessons/vectors")
    page.get_by_role("heading", name="Vectors", level=1).wait_for()
    page.mouse.move(10, 10)
    page.mouse.move(300, 400)
    for link in page.locator(".prose a").all()[:20]:
        link.hover()
    page.wait_for_timeout(500)
    assert page.locator("script").count() == 0
    assert page.evaluate("document.querySelectorAll('.prose iframe, .prose svg, .prose math, "
                         ".prose object, .prose embed, .prose form').length") == 0  # fmt: skip
    assert dialogs == []
