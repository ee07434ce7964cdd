"""Every vector in xss_vectors.txt goes through the lesson editor, its preview and the learner
preview; nothing outside the allowlist survives."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from course.services import authoring
from course.services.rendering import ALLOWED_TAGS, render_markdown, sanitize_html

VECTORS = [
    line
    for line in (Path(__file__).parent / "xss_vectors.txt").read_text(encoding="utf-8").splitlines()
    if line.strip()
]
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align"},
    "td": {"align"},
}
SAFE_SCHEMES = {"http", "https", "mailto"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


class _Collect(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def problems(html: str) -> list[str]:
    """Everything about `html` that breaks the allowlist (empty when it is safe)."""
    found = []
    if "<script" in html.lower():
        found.append("<script survived")
    parser = _Collect()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.tags:
        if tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"handler {name} on <{tag}>")
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                found.append(f"attribute {name} on <{tag}>")
            if name in {"href", "src"}:
                # Browsers drop whitespace and control characters inside a scheme.
                url = re.sub(r"[\x00-\x20]", "", value or "").lower()
                scheme = _SCHEME.match(url)
                if scheme and scheme[1] not in SAFE_SCHEMES:
                    found.append(f"{name} with scheme {scheme[1]}")
                if tag == "img" and not url.startswith("https://"):
                    found.append(f"image not over https: {value!r}")
            if tag == "a" and name == "rel" and value != "noopener nofollow":
                found.append(f"rel is {value!r}")
    return found


def test_the_corpus_is_big_and_the_checker_catches_attacks():
    assert len(VECTORS) >= 100
    assert problems('<img src=x onerror="alert(1)">')
    assert problems('<a href="java&#9;script:alert(1)">x</a>')
    assert problems("<svg></svg>")
    assert not problems('<p><a href="https://x.org" rel="noopener nofollow">x</a></p>')


@pytest.mark.parametrize("vector", VECTORS)
def test_sanitizer_and_markdown_leave_nothing(vector):
    assert problems(sanitize_html(vector)) == []
    assert problems(render_markdown(vector)) == []


@pytest.fixture
def draft(app, trainer):
    return authoring.create_module(trainer.id, "xss-check", "XSS check")


def _prose(page: str) -> str:
    return page.split('<div class="prose">', 1)[1].split("</div>", 1)[0]


def _page_is_clean(page: str) -> None:
    """The whole page, studio form included: no script element, no handler attribute."""
    assert "<script" not in page.lower()
    parser = _Collect()
    parser.feed(page)
    parser.close()
    assert [
        (tag, name) for tag, attrs in parser.tags for name, _ in attrs if name.startswith("on")
    ] == []
    assert "script" not in {tag for tag, _ in parser.tags}


def test_editor_preview_and_learner_preview(draft, as_trainer):
    """One app for the whole corpus (an app per vector would cost a minute)."""
    client = as_trainer
    url = "/studio/modules/xss-check/lessons/new"
    for vector in VECTORS:
        data = {"title": vector[:200], "body": vector}
        preview = client.post(url, data=data | {"preview": "Preview"})
        assert preview.status_code == 200, vector
        text = preview.get_data(as_text=True)
        assert problems(_prose(text)) == [], vector
        _page_is_clean(text)

        saved = client.post(url, data=data)
        assert saved.status_code == 302, vector
        key = saved.headers["Location"].rsplit("/", 1)[1]
        page = client.get(f"/studio/modules/xss-check/lessons/{key}/preview")
        text = page.get_data(as_text=True)
        assert problems(_prose(text)) == [], vector
        _page_is_clean(text)
    lessons = authoring.module_by_slug("xss-check").draft.lessons
    assert len(lessons) == len(VECTORS)
    assert [problems(lesson.body_html) for lesson in lessons] == [[]] * len(VECTORS)
